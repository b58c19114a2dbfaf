import { spawn } from 'node:child_process';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import type { AppError } from '../errors.ts';
import { buildProbeArgs } from './hls-args.ts';
import { mediaErrors } from './media.errors.ts';

/** What ffprobe found in a media file or stream. */
export interface ProbeResult {
  /** Container format names, e.g. `mpegts`, `flv`. */
  format: string;
  /** Duration in seconds, or null for live input. */
  durationS: number | null;
  video: { codec: string; width: number; height: number; fps: number | null } | null;
  audio: { codec: string; sampleRate: number; channels: number } | null;
}

/** The part of ffprobe's `-print_format json -show_streams -show_format` answer that is read. */
const RawProbe = Type.Object({
  streams: Type.Array(
    Type.Object({
      codec_type: Type.Optional(Type.String()),
      codec_name: Type.Optional(Type.String()),
      width: Type.Optional(Type.Integer({ minimum: 0 })),
      height: Type.Optional(Type.Integer({ minimum: 0 })),
      avg_frame_rate: Type.Optional(Type.String()),
      r_frame_rate: Type.Optional(Type.String()),
      sample_rate: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
      channels: Type.Optional(Type.Integer({ minimum: 0 })),
    }),
  ),
  format: Type.Object({
    format_name: Type.Optional(Type.String()),
    duration: Type.Optional(Type.String()),
  }),
});

/** Parses ffprobe's `num/den` frame rate, null when unknown (`0/0`). */
export function parseFrameRate(rate: string | undefined): number | null {
  if (!rate) return null;
  const [num, den] = rate.split('/').map(Number);
  if (!num || !den || !Number.isFinite(num / den)) return null;
  return Math.round((num / den) * 1000) / 1000;
}

/**
 * Turns ffprobe's JSON into a ProbeResult (first video and first audio stream). Throws
 * MEDIA_PROBE_FAILED when the text is not ffprobe's JSON answer, and MEDIA_NOT_MEDIA when it
 * names neither a video nor an audio stream.
 */
export function parseProbe(json: string): ProbeResult {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw mediaErrors.MEDIA_PROBE_FAILED('ffprobe printed something other than JSON');
  }
  if (!Value.Check(RawProbe, raw)) {
    const first = Value.Errors(RawProbe, raw)[0];
    throw mediaErrors.MEDIA_PROBE_FAILED(
      `ffprobe's answer is not in the expected shape (${first?.instancePath || '/'} ${first?.message ?? ''})`.trim(),
    );
  }
  const video = raw.streams.find((s) => s.codec_type === 'video');
  const audio = raw.streams.find((s) => s.codec_type === 'audio');
  if (!video && !audio) throw mediaErrors.MEDIA_NOT_MEDIA();
  const duration = raw.format.duration ? Number(raw.format.duration) : Number.NaN;
  return {
    format: raw.format.format_name ?? 'unknown',
    durationS: Number.isFinite(duration) ? duration : null,
    video: video
      ? {
          codec: video.codec_name ?? 'unknown',
          width: video.width ?? 0,
          height: video.height ?? 0,
          fps: parseFrameRate(video.avg_frame_rate) ?? parseFrameRate(video.r_frame_rate),
        }
      : null,
    audio: audio
      ? {
          codec: audio.codec_name ?? 'unknown',
          sampleRate: Number(audio.sample_rate ?? 0),
          channels: audio.channels ?? 0,
        }
      : null,
  };
}

/** How a media tool run ended. */
export interface ToolRun {
  /** Exit code, null when killed by a signal. */
  code: number | null;
  /** The signal that ended it (`SIGSEGV` for a crash, `SIGKILL` after the timeout), or null. */
  signal: NodeJS.Signals | null;
  /** Why it could not start (ENOENT, EACCES), or null. */
  spawnError: string | null;
  timedOut: boolean;
  stdout: Buffer;
  stderr: string;
}

/** Most bytes of stdout a tool run keeps (a probe answer or a smoke-test clip). */
const MAX_STDOUT_BYTES = 8 * 1024 * 1024;

/** Runs a media tool to completion, feeding `input` on stdin when given; never rejects. */
export function runMediaTool(
  command: string,
  args: readonly string[],
  options: { timeoutMs: number; input?: Buffer },
): Promise<ToolRun> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    let timedOut = false;
    let spawnError: string | null = null;
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (outBytes + chunk.length > MAX_STDOUT_BYTES) return;
      out.push(chunk);
      outBytes += chunk.length;
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-16_384);
    });
    // A tool that exits before reading all of stdin closes the pipe: not an error of ours.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error.code ?? error.message;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, spawnError, timedOut, stdout: Buffer.concat(out), stderr });
    });
  });
}

/** The last non-empty line ffprobe or ffmpeg printed to stderr. */
function lastLine(stderr: string): string {
  return (
    stderr
      .trim()
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? ''
  );
}

/** The coded error for a failed ffprobe run on `input`. */
export function probeFailure(run: ToolRun, input: string): AppError {
  const said = lastLine(run.stderr);
  if (run.spawnError) return mediaErrors.MEDIA_PROBE_FAILED(`ffprobe could not start (${run.spawnError})`);
  if (run.timedOut) return mediaErrors.MEDIA_PROBE_FAILED(`ffprobe gave no answer in time on ${input}`);
  if (run.signal) return mediaErrors.MEDIA_PROBE_FAILED(`ffprobe crashed (${run.signal}) on ${input}`);
  if (/No such file or directory/.test(said))
    return mediaErrors.MEDIA_INPUT_MISSING(`No such media file: ${input}`);
  if (/Invalid data found|could not find codec parameters|unsupported|moov atom not found/i.test(said))
    return mediaErrors.MEDIA_NOT_MEDIA(`${input} holds no audio or video that can be read: ${said}`);
  return mediaErrors.MEDIA_PROBE_FAILED(`ffprobe failed on ${input}: ${said || `exit code ${run.code}`}`);
}

/**
 * Describes `input` (a path or URL, or `pipe:0` with `stdin`) with ffprobe. Rejects with a coded
 * AppError: MEDIA_INPUT_MISSING, MEDIA_NOT_MEDIA, or MEDIA_PROBE_FAILED (crash, timeout, bad answer).
 */
export async function probe(
  ffprobePath: string,
  input: string,
  options: { timeoutMs?: number; stdin?: Buffer } = {},
): Promise<ProbeResult> {
  const run = await runMediaTool(ffprobePath, buildProbeArgs(input), {
    timeoutMs: options.timeoutMs ?? 15_000,
    input: options.stdin,
  });
  if (run.code !== 0) throw probeFailure(run, input);
  return parseProbe(run.stdout.toString('utf8'));
}
