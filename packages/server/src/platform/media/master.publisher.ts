import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ENCODER_MASTER_PLAYLIST, MASTER_PLAYLIST, VARIANT_PLAYLIST } from './hls-args.ts';
import {
  declaredRates,
  formatMasterPlaylist,
  parseMasterPlaylist,
  parseMediaPlaylist,
  type RungRates,
  SegmentBitrateMeter,
} from './hls-bandwidth.ts';

/** What a master publisher watches: ffmpeg's output folder, its renditions in order, and the frame rate. */
export interface MasterPublisherOptions {
  outputDir: string;
  rungs: readonly RungRates[];
  /** Frames per second of every rendition (the ladder keeps the source's rate). */
  fps: number;
}

interface RenditionState {
  meter: SegmentBitrateMeter;
  /** The last segment measured, to find the new ones in the next read of the playlist. */
  lastUri: string | null;
  /** The playlist's `size:mtime` at the last read: unchanged means nothing new. */
  version: string | null;
}

/**
 * Publishes `master.m3u8` from ffmpeg's own master: each rendition's segments are measured as
 * they appear in its playlist, and BANDWIDTH / AVERAGE-BANDWIDTH / FRAME-RATE are written from
 * the measurement (or the rate-control estimate while too little is measured). The file is
 * replaced atomically (written as `.tmp`, renamed) and only when its text changes.
 */
export class MasterPublisher {
  readonly #options: MasterPublisherOptions;
  readonly #renditions: RenditionState[];
  #published: string | null = null;
  #running: Promise<void> = Promise.resolve();
  #pending = false;

  constructor(options: MasterPublisherOptions) {
    this.#options = options;
    this.#renditions = options.rungs.map(() => ({
      meter: new SegmentBitrateMeter(),
      lastUri: null,
      version: null,
    }));
  }

  /**
   * Measures new segments and republishes the master if what it declares changed. Calls are
   * serialised; a call made while one runs is folded into one follow-up. `finished`: ffmpeg has
   * exited and every segment is written, so the measurement is declared as it is.
   */
  refresh(finished = false): Promise<void> {
    if (this.#pending && !finished) return this.#running;
    this.#pending = true;
    this.#running = this.#running.then(() => {
      this.#pending = false;
      return this.#refresh(finished);
    });
    return this.#running;
  }

  /** What each rendition's meter has seen: peak and average bit/s, seconds measured. */
  measured(): { peakBps: number; averageBps: number; measuredS: number }[] {
    return this.#renditions.map(({ meter }) => ({
      peakBps: meter.peakBps,
      averageBps: meter.averageBps,
      measuredS: meter.measuredS,
    }));
  }

  async #refresh(finished: boolean): Promise<void> {
    const { outputDir, rungs, fps } = this.#options;
    const encoder = await readFile(join(outputDir, ENCODER_MASTER_PLAYLIST), 'utf8').catch(() => null);
    const master = encoder ? parseMasterPlaylist(encoder) : null;
    if (!master || master.variants.length !== rungs.length) return;
    for (let i = 0; i < rungs.length; i++) await this.#measure(i, finished);
    const declared = rungs.map((rung, i) => ({
      ...declaredRates(rung, this.#renditions[i]!.meter, finished),
      frameRate: fps,
    }));
    const text = formatMasterPlaylist(master, declared);
    if (text === this.#published) return;
    const path = join(outputDir, MASTER_PLAYLIST);
    await writeFile(`${path}.tmp`, text);
    await rename(`${path}.tmp`, path);
    this.#published = text;
  }

  async #measure(index: number, finished: boolean): Promise<void> {
    const state = this.#renditions[index]!;
    const dir = join(this.#options.outputDir, String(index));
    const file = join(dir, VARIANT_PLAYLIST);
    const info = await stat(file).catch(() => null);
    if (!info) return;
    const version = `${info.size}:${info.mtimeMs}`;
    if (version === state.version && !finished) return;
    const text = await readFile(file, 'utf8').catch(() => null);
    if (!text) return;
    state.version = version;
    const { targetDurationS, segments } = parseMediaPlaylist(text);
    // After a restart the playlist starts afresh (new names); then every entry is new.
    const seen = state.lastUri === null ? -1 : segments.findIndex((s) => s.uri === state.lastUri);
    for (const segment of segments.slice(seen + 1)) {
      const size = await stat(join(dir, segment.uri)).catch(() => null);
      state.lastUri = segment.uri;
      if (!size) continue;
      state.meter.add(size.size, segment.durationS, targetDurationS ?? segment.durationS);
    }
  }
}
