/** One report of ffmpeg's `-progress` output. */
export interface FfmpegProgress {
  /** Output position of the run, seconds. */
  outTimeS: number;
  /** Encoding speed relative to real time (1 = real time), or null while unknown. */
  speed: number | null;
  /** Output frames per second. */
  fps: number | null;
}

/**
 * Splits ffmpeg `-progress` text (`key=value` lines, each report closed by `progress=…`) into
 * reports; returns the reports complete in `buffer` and the unfinished rest to prepend to the
 * next chunk.
 */
export function parseProgress(buffer: string): { reports: FfmpegProgress[]; rest: string } {
  const reports: FfmpegProgress[] = [];
  let fields: Record<string, string> = {};
  let consumed = 0;
  let offset = 0;
  for (;;) {
    const end = buffer.indexOf('\n', offset);
    if (end < 0) break;
    const line = buffer.slice(offset, end).trim();
    offset = end + 1;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    fields[key] = value;
    if (key === 'progress') {
      const outUs = Number(fields.out_time_us ?? fields.out_time_ms);
      const speed = Number.parseFloat(fields.speed ?? '');
      const fps = Number.parseFloat(fields.fps ?? '');
      reports.push({
        outTimeS: Number.isFinite(outUs) && outUs > 0 ? outUs / 1_000_000 : 0,
        speed: Number.isFinite(speed) ? speed : null,
        fps: Number.isFinite(fps) ? fps : null,
      });
      fields = {};
      consumed = offset;
    }
  }
  return { reports, rest: buffer.slice(consumed) };
}

/**
 * How far a live transcode is behind real time, seconds: wall time since its first report
 * minus output time produced since then. Grows without bound when ffmpeg is slower than real time.
 */
export function transcodeLagS(wallSinceFirstS: number, outSinceFirstS: number): number {
  return Math.max(0, Math.round((wallSinceFirstS - outSinceFirstS) * 1000) / 1000);
}
