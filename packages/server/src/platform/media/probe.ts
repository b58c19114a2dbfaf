import { execFile } from 'node:child_process';
import { buildInfoArgs, buildProbeArgs } from './hls-args.ts';

/** What ffprobe found in a media file or stream. */
export interface ProbeResult {
  /** Container format names, e.g. `mpegts`, `flv`. */
  format: string;
  /** Duration in seconds, or null for live input. */
  durationS: number | null;
  video: { codec: string; width: number; height: number; fps: number | null } | null;
  audio: { codec: string; sampleRate: number; channels: number } | null;
}

interface RawProbe {
  streams?: {
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    sample_rate?: string;
    channels?: number;
  }[];
  format?: { format_name?: string; duration?: string };
}

/** Parses ffprobe's `num/den` frame rate, null when unknown (`0/0`). */
export function parseFrameRate(rate: string | undefined): number | null {
  if (!rate) return null;
  const [num, den] = rate.split('/').map(Number);
  if (!num || !den || !Number.isFinite(num / den)) return null;
  return Math.round((num / den) * 1000) / 1000;
}

/** Turns ffprobe's JSON into a ProbeResult (first video and first audio stream). */
export function parseProbe(json: string): ProbeResult {
  const raw = JSON.parse(json) as RawProbe;
  const video = raw.streams?.find((s) => s.codec_type === 'video');
  const audio = raw.streams?.find((s) => s.codec_type === 'audio');
  const duration = raw.format?.duration ? Number(raw.format.duration) : Number.NaN;
  return {
    format: raw.format?.format_name ?? 'unknown',
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

/**
 * Reads the same facts from `ffmpeg -i` output (stderr), for when ffprobe is unusable: the
 * ffprobe build bundled by @ffprobe-installer crashes (SIGSEGV) on file input on some machines.
 */
export function parseFfmpegInfo(stderr: string): ProbeResult {
  const format = /^Input #0, ([^,]+(?:,[^ ,]+)*), from/m.exec(stderr)?.[1] ?? 'unknown';
  const d = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
  const durationS = d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : null;
  const videoLine = /Stream #0:\d+.*?: Video: (.*)$/m.exec(stderr)?.[1];
  const audioLine = /Stream #0:\d+.*?: Audio: (.*)$/m.exec(stderr)?.[1];
  let video: ProbeResult['video'] = null;
  if (videoLine) {
    const size = /, (\d{2,5})x(\d{2,5})/.exec(videoLine);
    const fps = /, (\d+(?:\.\d+)?) fps/.exec(videoLine);
    video = {
      codec: videoLine.split(/[ ,]/)[0] ?? 'unknown',
      width: size ? Number(size[1]) : 0,
      height: size ? Number(size[2]) : 0,
      fps: fps ? Number(fps[1]) : null,
    };
  }
  let audio: ProbeResult['audio'] = null;
  if (audioLine) {
    const rate = /, (\d+) Hz/.exec(audioLine);
    const layout = /Hz, ([a-z0-9.()]+)/.exec(audioLine)?.[1] ?? '';
    const channels =
      layout === 'mono' ? 1 : layout === 'stereo' ? 2 : Number(/^(\d+)/.exec(layout)?.[1] ?? 0);
    audio = {
      codec: audioLine.split(/[ ,]/)[0] ?? 'unknown',
      sampleRate: rate ? Number(rate[1]) : 0,
      channels,
    };
  }
  return { format, durationS, video, audio };
}

function run(command: string, args: string[], timeoutMs: number) {
  return new Promise<{
    error: (Error & { signal?: string | null; code?: unknown }) | null;
    stdout: string;
    stderr: string;
  }>((resolve) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ error, stdout, stderr }),
    );
  });
}

/** The tools `probe` may run. */
export interface ProbeTools {
  ffprobePath: string;
  /** Used when ffprobe crashes or cannot start. */
  ffmpegPath?: string;
}

/**
 * Describes `input` (a path or URL) with ffprobe, falling back to parsing `ffmpeg -i` when
 * ffprobe crashes or cannot start. Rejects when neither can read it within `timeoutMs`.
 */
export async function probe(tools: ProbeTools, input: string, timeoutMs = 15_000): Promise<ProbeResult> {
  const probed = await run(tools.ffprobePath, buildProbeArgs(input), timeoutMs);
  if (!probed.error) return parseProbe(probed.stdout);
  const crashed = Boolean(probed.error.signal) || typeof probed.error.code === 'string';
  if (crashed && tools.ffmpegPath) {
    const info = await run(tools.ffmpegPath, buildInfoArgs(input), timeoutMs);
    const result = parseFfmpegInfo(info.stderr);
    if (result.video || result.audio) return result;
  }
  const reason = probed.stderr.trim().split('\n').pop() || probed.error.signal || probed.error.message;
  throw new Error(`ffprobe failed on ${input}: ${reason}`);
}
