/** Pure builders of ffmpeg argument lists. They spawn nothing; the runner does. */
import { bufsizeKbit, maxrateKbps } from './hls-bandwidth.ts';

/** One output rendition: height in pixels, bitrates in kbit/s. */
export interface LadderRung {
  height: number;
  videoKbps: number;
  audioKbps: number;
}

/** Everything that decides the ffmpeg command of one live HLS ladder. */
export interface HlsLadderSpec {
  /** `pipe:0` to read FLV from stdin, or any URL ffmpeg can open. */
  input: string;
  /** Input container when it cannot be guessed from `input` (FLV on a pipe). */
  inputFormat?: 'flv';
  /** Absolute folder receiving `master.m3u8`, `<n>/index.m3u8`, `<n>/<prefix>_NNNNN.ts` and `thumb.jpg`. */
  outputDir: string;
  /** Renditions, highest first; rendition `n` is written under `<outputDir>/<n>/`. */
  rungs: readonly LadderRung[];
  /** Source frame rate, frames per second (sets the GOP so every segment starts on a key frame). */
  fps: number;
  /** Target segment length, seconds. */
  segmentSeconds: number;
  hasAudio: boolean;
  /** x264 preset, e.g. `superfast`. */
  preset: string;
  /** Low-latency mode: x264 `zerolatency` (no B-frames, no look-ahead). */
  lowLatency: boolean;
  /** Segments kept in each live playlist; 0 keeps every segment (recording). */
  listSize: number;
  /**
   * Segment file name prefix, unique per ffmpeg run (`<prefix>_NNNNN.ts`): segments are served as
   * immutable, so a restarted or new run must never reuse an earlier run's names.
   */
  segmentPrefix: string;
  /** Write `-progress` reports (speed, output time) to stdout for the supervisor to read. */
  progress: boolean;
  /** A JPEG poster refreshed while live; null for none. */
  thumbnail: { everySeconds: number; height: number } | null;
}

/** Rounds a frame rate into the GOP length in frames for `segmentSeconds`-long segments (at least 1). */
export function gopFrames(fps: number, segmentSeconds: number): number {
  return Math.max(1, Math.round(fps * segmentSeconds));
}

/** File name of the master playlist inside the output folder (written from ffmpeg's, with measured rates). */
export const MASTER_PLAYLIST = 'master.m3u8';
/**
 * File name of ffmpeg's own master playlist: never served, since its BANDWIDTH is only
 * (target video + audio) × 1.1, which segments exceed; MASTER_PLAYLIST is written from it.
 */
export const ENCODER_MASTER_PLAYLIST = 'encoder-master.m3u8';
/** File name of each rendition's media playlist inside `<n>/`. */
export const VARIANT_PLAYLIST = 'index.m3u8';
/** File name of the live poster inside the output folder. */
export const THUMBNAIL_FILE = 'thumb.jpg';

/**
 * The ffmpeg arguments that turn one live input into an HLS ladder: one scaled x264 rendition
 * per rung (plus AAC when the source has audio), key frames forced on every segment boundary so
 * that all renditions cut at the same instants, ffmpeg's master playlist (ENCODER_MASTER_PLAYLIST),
 * and an optional poster JPEG.
 */
export function buildHlsLadderArgs(spec: HlsLadderSpec): string[] {
  const n = spec.rungs.length;
  if (n === 0) throw new RangeError('an HLS ladder needs at least one rung');
  const gop = gopFrames(spec.fps, spec.segmentSeconds);
  const branches = n + (spec.thumbnail ? 1 : 0);
  const filters = [`[0:v]split=${branches}${Array.from({ length: branches }, (_, i) => `[s${i}]`).join('')}`];
  spec.rungs.forEach((rung, i) => {
    filters.push(`[s${i}]scale=-2:${rung.height}[v${i}]`);
  });
  if (spec.thumbnail) {
    filters.push(`[s${n}]fps=1/${spec.thumbnail.everySeconds},scale=-2:${spec.thumbnail.height}[thumb]`);
  }

  // -y: a restarted run overwrites the poster and playlists of the run before it.
  const args = ['-hide_banner', '-loglevel', 'warning', '-y'];
  // Keyboard interaction on stdin is off unless stdin carries the media itself.
  if (spec.input !== 'pipe:0') args.push('-nostdin');
  if (spec.progress) args.push('-progress', 'pipe:1', '-nostats');
  args.push('-analyzeduration', '2000000', '-probesize', '1000000');
  if (spec.inputFormat) args.push('-f', spec.inputFormat);
  args.push('-i', spec.input, '-filter_complex', filters.join(';'));

  spec.rungs.forEach((rung, i) => {
    args.push('-map', `[v${i}]`);
    if (spec.hasAudio) args.push('-map', '0:a:0');
    args.push(
      `-c:v:${i}`,
      'libx264',
      `-b:v:${i}`,
      `${rung.videoKbps}k`,
      `-maxrate:v:${i}`,
      `${maxrateKbps(rung)}k`,
      `-bufsize:v:${i}`,
      `${bufsizeKbit(rung)}k`,
    );
    if (spec.hasAudio) args.push(`-c:a:${i}`, 'aac', `-b:a:${i}`, `${rung.audioKbps}k`);
  });
  args.push('-preset', spec.preset);
  if (spec.lowLatency) args.push('-tune', 'zerolatency');
  args.push(
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(gop),
    '-keyint_min',
    String(gop),
    '-sc_threshold',
    '0',
    '-force_key_frames',
    `expr:gte(t,n_forced*${spec.segmentSeconds})`,
  );
  if (spec.hasAudio) args.push('-ac', '2', '-ar', '48000');

  const flags = ['independent_segments', 'temp_file'];
  if (spec.listSize > 0) flags.push('delete_segments');
  const streamMap = spec.rungs.map((_, i) => (spec.hasAudio ? `v:${i},a:${i}` : `v:${i}`)).join(' ');
  args.push(
    '-f',
    'hls',
    '-hls_time',
    String(spec.segmentSeconds),
    '-hls_list_size',
    String(spec.listSize),
    '-hls_flags',
    flags.join('+'),
    '-hls_segment_type',
    'mpegts',
    '-hls_segment_filename',
    `${spec.outputDir}/%v/${spec.segmentPrefix}_%05d.ts`,
    '-master_pl_name',
    ENCODER_MASTER_PLAYLIST,
    '-var_stream_map',
    streamMap,
    `${spec.outputDir}/%v/${VARIANT_PLAYLIST}`,
  );
  if (spec.thumbnail) {
    args.push(
      '-map',
      '[thumb]',
      '-c:v',
      'mjpeg',
      '-q:v',
      '5',
      '-f',
      'image2',
      '-update',
      '1',
      `${spec.outputDir}/${THUMBNAIL_FILE}`,
    );
  }
  return args;
}

/** The ffprobe arguments that describe a media file or URL as JSON (streams and format). */
export function buildProbeArgs(input: string): string[] {
  return ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', input];
}

/**
 * The ffmpeg arguments that encode a tiny H.264 + AAC MPEG-TS clip (64x64, 0.3 s) to stdout, the
 * codecs every ladder uses: proof that an ffmpeg build can transcode, and input to check ffprobe.
 */
export function buildSmokeClipArgs(): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-f',
    'lavfi',
    '-i',
    'color=size=64x64:rate=10',
    '-f',
    'lavfi',
    '-i',
    'anullsrc=r=48000:cl=stereo',
    '-t',
    '0.3',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-c:a',
    'aac',
    '-f',
    'mpegts',
    'pipe:1',
  ];
}
