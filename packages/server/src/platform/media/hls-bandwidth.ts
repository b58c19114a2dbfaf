/**
 * Pure rules for the truth of a master playlist (RFC 8216 §4.3.4.2): reading ffmpeg's playlists,
 * measuring each rendition's peak and average segment bit rate, and writing BANDWIDTH,
 * AVERAGE-BANDWIDTH and FRAME-RATE. No I/O.
 */

/** One rendition's rates as the encoder is told: kbit/s. */
export interface RungRates {
  videoKbps: number;
  audioKbps: number;
}

/** x264's VBV ceiling for a rung, kbit/s: 10 % over the target bit rate. */
export function maxrateKbps(rung: RungRates): number {
  return Math.round(rung.videoKbps * 1.1);
}

/** x264's VBV buffer for a rung, kbit: 1.5 s of the target bit rate. */
export function bufsizeKbit(rung: RungRates): number {
  return Math.round(rung.videoKbps * 1.5);
}

/**
 * Peak over (maxrate + audio) allowed before any segment is measured. Measured here with x264
 * `superfast` on 720/480/360 from 720p30: hard content (testsrc2 under temporal noise) reached
 * 1.36 at 1 s segments and 1.27 at 2 s, on the first segments, where the VBV buffer starts
 * 90 % full; easy content stayed under 1.09. MPEG-TS overhead is included in those figures.
 */
export const PEAK_MARGIN = 1.4;
/** Average over (target video + audio) expected before measuring: measured 1.07–1.10 on content that fills the target. */
export const AVERAGE_MARGIN = 1.1;
/** Media measured, seconds, after which the measured rates replace the estimates in a live master. */
export const REPRESENTATIVE_S = 10;

/** BANDWIDTH and AVERAGE-BANDWIDTH, bit/s, before anything is measured: from the rate control and the margins. */
export function estimatedRates(rung: RungRates): { bandwidth: number; averageBandwidth: number } {
  return {
    bandwidth: Math.round((maxrateKbps(rung) + rung.audioKbps) * PEAK_MARGIN * 1000),
    averageBandwidth: Math.round((rung.videoKbps + rung.audioKbps) * AVERAGE_MARGIN * 1000),
  };
}

/** A segment of a media playlist: its URI and EXTINF duration, seconds. */
export interface PlaylistSegment {
  uri: string;
  durationS: number;
}

/** Reads a media playlist's EXT-X-TARGETDURATION (seconds, null when absent) and its segments in order. */
export function parseMediaPlaylist(text: string): {
  targetDurationS: number | null;
  segments: PlaylistSegment[];
} {
  let targetDurationS: number | null = null;
  const segments: PlaylistSegment[] = [];
  let pending: number | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-TARGETDURATION:')) targetDurationS = Number(line.slice(22)) || null;
    else if (line.startsWith('#EXTINF:')) pending = Number.parseFloat(line.slice(8));
    else if (line && !line.startsWith('#') && pending !== null) {
      if (Number.isFinite(pending) && pending > 0) segments.push({ uri: line, durationS: pending });
      pending = null;
    }
  }
  return { targetDurationS, segments };
}

/** One variant of a master playlist: its attribute list (name → raw value, quotes kept) and URI. */
export interface MasterVariant {
  attributes: [string, string][];
  uri: string;
}

/** Splits an attribute list (`A=1,B="x,y"`) into name/value pairs, quoted values kept whole. */
export function parseAttributes(list: string): [string, string][] {
  const out: [string, string][] = [];
  for (const match of list.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) out.push([match[1]!, match[2]!]);
  return out;
}

/** Reads a master playlist: its other tags and its variants; null when it is cut short or has none. */
export function parseMasterPlaylist(text: string): { tags: string[]; variants: MasterVariant[] } | null {
  const lines = text.split('\n').map((l) => l.trim());
  if (lines[0] !== '#EXTM3U' || !text.endsWith('\n')) return null;
  const tags: string[] = [];
  const variants: MasterVariant[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#EXT-X-STREAM-INF:')) {
      const uri = lines[i + 1];
      if (!uri || uri.startsWith('#')) return null;
      variants.push({ attributes: parseAttributes(line.slice(18)), uri });
      i++;
    } else if (line.startsWith('#')) tags.push(line);
  }
  return variants.length > 0 ? { tags, variants } : null;
}

/** What to declare for one variant: bit/s, and frames per second. */
export interface DeclaredVariant {
  bandwidth: number;
  averageBandwidth: number;
  frameRate: number;
}

/**
 * Writes the master playlist again with each variant's BANDWIDTH, AVERAGE-BANDWIDTH and
 * FRAME-RATE (three decimals, RFC 8216) replaced; other attributes (RESOLUTION, CODECS) kept.
 */
export function formatMasterPlaylist(
  master: { tags: string[]; variants: MasterVariant[] },
  declared: readonly DeclaredVariant[],
): string {
  const lines = ['#EXTM3U', ...master.tags];
  master.variants.forEach((variant, i) => {
    const d = declared[i];
    if (!d) throw new RangeError(`no declared rates for variant ${i}`);
    const kept = variant.attributes.filter(
      ([name]) => !['BANDWIDTH', 'AVERAGE-BANDWIDTH', 'FRAME-RATE'].includes(name),
    );
    const attributes: [string, string][] = [
      ['BANDWIDTH', String(Math.ceil(d.bandwidth))],
      ['AVERAGE-BANDWIDTH', String(Math.ceil(Math.min(d.averageBandwidth, d.bandwidth)))],
      ...kept.filter(([name]) => name === 'RESOLUTION'),
      ['FRAME-RATE', d.frameRate.toFixed(3)],
      ...kept.filter(([name]) => name !== 'RESOLUTION'),
    ];
    lines.push(`#EXT-X-STREAM-INF:${attributes.map(([n, v]) => `${n}=${v}`).join(',')}`, variant.uri);
  });
  return `${lines.join('\n')}\n`;
}

/**
 * Measures one rendition's segments as they are written: the average segment bit rate (all
 * bytes over all time) and the peak segment bit rate, which RFC 8216 defines as the highest bit
 * rate of any run of consecutive segments lasting 0.5 to 1.5 target durations (so a runt last
 * segment is judged with its neighbour, not alone).
 */
export class SegmentBitrateMeter {
  #bytes = 0;
  #durationS = 0;
  #peakBps = 0;
  /** The newest segments that a later run of segments could still include. */
  #tail: { bytes: number; durationS: number }[] = [];

  /** Adds the next segment: its size in bytes, its duration and the playlist's target duration, seconds. */
  add(bytes: number, durationS: number, targetDurationS: number): void {
    this.#bytes += bytes;
    this.#durationS += durationS;
    this.#tail.push({ bytes, durationS });
    // Microsecond slack: EXTINF carries six decimals.
    const min = targetDurationS * 0.5 - 1e-6;
    const max = targetDurationS * 1.5 + 1e-6;
    let runBytes = 0;
    let runS = 0;
    let keep = 0;
    for (let i = this.#tail.length - 1; i >= 0; i--) {
      const segment = this.#tail[i]!;
      if (runS + segment.durationS > max) break;
      runBytes += segment.bytes;
      runS += segment.durationS;
      keep++;
      if (runS >= min) this.#peakBps = Math.max(this.#peakBps, (runBytes * 8) / runS);
    }
    this.#tail = this.#tail.slice(-Math.max(keep, 1));
  }

  /** Seconds of media measured. */
  get measuredS(): number {
    return this.#durationS;
  }

  /** Peak segment bit rate, bit/s; 0 before any run of segments qualifies. */
  get peakBps(): number {
    return this.#peakBps;
  }

  /** Average segment bit rate, bit/s; 0 before anything is measured. */
  get averageBps(): number {
    return this.#durationS > 0 ? (this.#bytes * 8) / this.#durationS : 0;
  }
}

/**
 * What a rendition's master entry declares. A finished presentation declares what was measured
 * (RFC 8216: MUST). A live one declares the estimate until REPRESENTATIVE_S of media has been
 * measured (never below a peak already seen), then the measurement: RFC 8216 asks for the rates
 * of "a representative period of similar content, encoded using the same settings".
 */
export function declaredRates(
  rung: RungRates,
  meter: { measuredS: number; peakBps: number; averageBps: number },
  finished: boolean,
): { bandwidth: number; averageBandwidth: number } {
  const measured = meter.peakBps > 0;
  if (measured && (finished || meter.measuredS >= REPRESENTATIVE_S))
    return { bandwidth: meter.peakBps, averageBandwidth: Math.min(meter.averageBps, meter.peakBps) };
  const estimate = estimatedRates(rung);
  return {
    bandwidth: Math.max(estimate.bandwidth, meter.peakBps),
    averageBandwidth: estimate.averageBandwidth,
  };
}
