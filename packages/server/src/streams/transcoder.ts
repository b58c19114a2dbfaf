import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  buildHlsLadderArgs,
  MasterPublisher,
  ProcessSupervisor,
  parseProgress,
  transcodeLagS,
} from '../platform/media/index.ts';
import type { LatencyMode, Rung } from './streams.rules.ts';
import { segmentSeconds } from './streams.rules.ts';

/** Bytes of FLV allowed to queue on a transcoder's stdin before it is judged stuck and restarted. */
export const MAX_STDIN_BACKLOG_BYTES = 16 * 1024 * 1024;
/** Segments kept in a live playlist (a recording keeps every segment). */
export const LIVE_PLAYLIST_SEGMENTS = 6;
/** x264 preset of live ladders: measured here at ≈0.65 core for 720/480/360. */
export const LIVE_PRESET = 'superfast';

/** Storage prefix of a stream's live HLS output. */
export function livePrefix(streamId: string): string {
  return `live/${streamId}`;
}

/** Storage prefix of a recording's HLS (a finished session's live output, moved). */
export function vodPrefix(vodId: string): string {
  return `vod/${vodId}`;
}

/** HLS muxer options beyond the ladder: a growing EVENT playlist when recording, AES-128 when encrypting. */
export function hlsOptions(job: Pick<TranscodeJob, 'record' | 'keyInfoFile'>): string[] {
  const options: string[] = [];
  if (job.record) options.push('-hls_playlist_type', 'event');
  if (job.keyInfoFile) options.push('-hls_key_info_file', job.keyInfoFile);
  return options;
}

/**
 * Inserts HLS muxer options right after the ladder's `-f hls`, where they apply to the HLS
 * output. `appendList`: a restarted run of a recorded session continues the playlists of the
 * runs before it (`append_list`, with a discontinuity) instead of starting them afresh.
 */
export function withHlsOptions(
  args: readonly string[],
  options: readonly string[],
  appendList = false,
): string[] {
  const out = [...args];
  const flags = out.indexOf('-hls_flags');
  if (appendList && flags >= 0 && out[flags + 1] !== undefined)
    out[flags + 1] = `${out[flags + 1]}+append_list`;
  const at = out.findIndex((arg, i) => arg === '-f' && out[i + 1] === 'hls');
  if (at < 0 || options.length === 0) return out;
  return [...out.slice(0, at + 2), ...options, ...out.slice(at + 2)];
}

/** The parts of a live transcode that decide its ffmpeg command. */
export type LiveTranscodeSpec = Pick<
  TranscodeJob,
  'segmentTag' | 'rungs' | 'fps' | 'hasAudio' | 'latencyMode' | 'record' | 'keyInfoFile'
>;

/**
 * The ffmpeg arguments of one run of a live transcode: FLV on stdin, the HLS ladder (with a
 * poster every 5 s) into `outputDir`, `-progress` reports on stdout. `run` counts restarts
 * from 0 and keeps segment names unique across runs.
 */
export function liveTranscodeArgs(spec: LiveTranscodeSpec, outputDir: string, run: number): string[] {
  return withHlsOptions(
    buildHlsLadderArgs({
      input: 'pipe:0',
      inputFormat: 'flv',
      outputDir,
      rungs: spec.rungs,
      fps: spec.fps,
      segmentSeconds: segmentSeconds(spec.latencyMode),
      hasAudio: spec.hasAudio,
      preset: LIVE_PRESET,
      lowLatency: spec.latencyMode === 'low',
      listSize: spec.record ? 0 : LIVE_PLAYLIST_SEGMENTS,
      thumbnail: { everySeconds: 5, height: 180 },
      segmentPrefix: `${spec.segmentTag}_${run}`,
      progress: true,
    }),
    hlsOptions(spec),
    spec.record && run > 0,
  );
}

/** ffmpeg's messages for an output it cannot write (folder gone or not a folder, disk full, read-only, denied). */
const STORAGE_ERRORS =
  /No such file or directory|Not a directory|Is a directory|Read-only file system|No space left on device|Disk quota exceeded|Permission denied/;

/** Whether ffmpeg's last stderr lines say it failed because its output could not be written. */
export function isStorageFailure(stderrTail: string): boolean {
  return STORAGE_ERRORS.test(stderrTail);
}

/** Why a transcoder gave up after its restarts ran out. */
export type TranscoderFailure = 'transcoder_failed' | 'storage_failed';

/** What one live transcode is made of. */
export interface TranscodeJob {
  streamId: string;
  /** Unique per session (segment names must never repeat across sessions). */
  segmentTag: string;
  rungs: Rung[];
  fps: number;
  hasAudio: boolean;
  latencyMode: LatencyMode;
  record: boolean;
  /** ffmpeg key info file (key URI, key path) when segments are AES-128 encrypted; null for clear segments. */
  keyInfoFile: string | null;
  /** Feeds the published FLV to `sink`; returns the unsubscribe function. */
  subscribe: (sink: (chunk: Buffer) => void) => () => void;
}

/**
 * One supervised ffmpeg turning a live FLV feed (on its stdin) into the HLS ladder in storage.
 * The feed is piped rather than pulled back over RTMP: no loopback connection to authorise, no
 * RTMP playback to expose, and ffmpeg sees end-of-file and exits if this process dies.
 */
export class LiveTranscoder {
  readonly #supervisor: ProcessSupervisor;
  readonly #outputDir: string;
  readonly #master: MasterPublisher;
  readonly #log: Logger;
  #first: { wallS: number; outS: number } | null = null;
  #health: { speed: number | null; lagS: number } | null = null;
  /** Called on every progress report. */
  onHealth: ((health: { speed: number | null; lagS: number }) => void) | null = null;

  constructor(
    deps: { ffmpegPath: string; log: Logger },
    private readonly job: TranscodeJob,
    outputDir: string,
    onGiveUp: (reason: TranscoderFailure) => void,
  ) {
    this.#outputDir = outputDir;
    this.#log = deps.log;
    this.#master = new MasterPublisher({ outputDir, rungs: job.rungs, fps: job.fps });
    const args = (run: number) => liveTranscodeArgs(job, outputDir, run);
    this.#supervisor = new ProcessSupervisor({
      spec: { command: deps.ffmpegPath, args },
      log: deps.log,
      pipeStdout: true,
      onSpawn: (child) => {
        this.resetLag();
        let pending = '';
        child.stdout?.setEncoding('utf8');
        child.stdout?.on('data', (chunk: string) => {
          const { reports, rest } = parseProgress(pending + chunk);
          pending = rest.length > 4096 ? '' : rest;
          for (const report of reports) this.#onProgress(report.outTimeS, report.speed);
        });
        const stdin = child.stdin;
        if (!stdin) return;
        const unsubscribe = job.subscribe((chunk) => {
          if (!stdin.writable) return;
          if (stdin.writableLength > MAX_STDIN_BACKLOG_BYTES) {
            deps.log.warn({ streamId: job.streamId }, 'transcoder is not keeping up; restarting it');
            child.kill('SIGKILL');
            return;
          }
          stdin.write(chunk);
        });
        child.once('close', unsubscribe);
      },
      onCrash: ({ willRestart }) => {
        if (!willRestart)
          onGiveUp(isStorageFailure(this.#supervisor.stderrTail) ? 'storage_failed' : 'transcoder_failed');
      },
    });
  }

  /** Latest encoding speed (1 = real time) and lag behind real time in seconds; null before the first report. */
  health(): { speed: number | null; lagS: number } | null {
    return this.#health;
  }

  /** Starts measuring lag afresh (after a restart, or when a publisher resumes after a gap). */
  resetLag(): void {
    this.#first = null;
  }

  #onProgress(outTimeS: number, speed: number | null): void {
    const wallS = performance.now() / 1000;
    if (!this.#first) this.#first = { wallS, outS: outTimeS };
    const lagS = transcodeLagS(wallS - this.#first.wallS, outTimeS - this.#first.outS);
    this.#health = { speed, lagS };
    this.onHealth?.(this.#health);
    // Progress comes every 0.5 s: often enough to publish the master soon after ffmpeg writes its own.
    void this.#publishMaster(false);
  }

  #publishMaster(finished: boolean): Promise<void> {
    return this.#master.refresh(finished).catch((err: unknown) => {
      this.#log.warn({ err, streamId: this.job.streamId }, 'could not publish the master playlist');
    });
  }

  /** The running ffmpeg's pid, or null. */
  get pid(): number | null {
    return this.#supervisor.child?.pid ?? null;
  }

  /** Restarts after crashes so far. */
  get restarts(): number {
    return this.#supervisor.restarts;
  }

  /** Creates the rendition folders and starts ffmpeg. */
  async start(): Promise<void> {
    for (let i = 0; i < this.job.rungs.length; i++)
      await mkdir(join(this.#outputDir, String(i)), { recursive: true });
    this.#supervisor.start();
  }

  /**
   * Stops ffmpeg (it flushes the last segment on end of input), waits for it to exit, then
   * publishes the master playlist with the rates measured over every segment.
   */
  async stop(): Promise<void> {
    await this.#supervisor.stop();
    await this.#publishMaster(true);
  }
}
