import { buildSmokeClipArgs } from './hls-args.ts';
import {
  findMediaTool,
  type LocatedTool,
  type LocateOptions,
  type MediaTool,
  type MediaToolSource,
} from './media.locator.ts';
import { probe, runMediaTool } from './probe.ts';

/** What is known about one media tool after checking it. */
export interface MediaToolStatus {
  /** The executable run; null when none was found. */
  path: string | null;
  source: MediaToolSource | null;
  /** The version it reports, e.g. `5.1.9-0+deb12u1`; null when it could not tell. */
  version: string | null;
  /** Whether it did its part of the smoke test (ffmpeg: encode H.264 + AAC; ffprobe: read that clip). */
  ok: boolean;
  /** Why it is not usable. */
  error?: string;
}

/** The result of checking ffmpeg and ffprobe together. */
export interface MediaToolsReport {
  ok: boolean;
  ffmpeg: MediaToolStatus;
  ffprobe: MediaToolStatus;
}

/** How long each step of the check may take, ms: a cold start of ffmpeg on a busy machine included. */
export const MEDIA_CHECK_TIMEOUT_MS = 10_000;
/** A failed check is run again on demand after this long, ms (a later install or a passing overload). */
export const MEDIA_RECHECK_MS = 30_000;

/** Reads the version from the first line of `<tool> -version` (`ffmpeg version 5.1.9-0+deb12u1 Copyright …`). */
export function parseToolVersion(tool: MediaTool, text: string): string | null {
  return new RegExp(`^${tool} version (\\S+)`, 'm').exec(text)?.[1] ?? null;
}

async function versionOf(tool: MediaTool, located: LocatedTool | null, timeoutMs: number) {
  const status: MediaToolStatus = {
    path: located?.path ?? null,
    source: located?.source ?? null,
    version: null,
    ok: false,
  };
  if (!located) {
    status.error = `${tool} not found: apt-get install ffmpeg, or set ${tool.toUpperCase()}_PATH`;
    return status;
  }
  const run = await runMediaTool(located.path, ['-hide_banner', '-version'], { timeoutMs });
  status.version = parseToolVersion(tool, run.stdout.toString('utf8'));
  if (run.spawnError) status.error = `cannot run ${located.path} (${run.spawnError})`;
  else if (run.code !== 0)
    status.error = `${located.path} -version failed (${run.signal ?? `exit ${run.code}`})`;
  else status.ok = true;
  return status;
}

/**
 * Checks that `ffmpeg` encodes an H.264 + AAC clip and that `ffprobe` reads it back (from a
 * pipe, which is where the old bundled ffprobe crashed), reporting each one's path and version.
 */
export async function checkMediaTools(
  ffmpeg: LocatedTool | null,
  ffprobe: LocatedTool | null,
  timeoutMs = MEDIA_CHECK_TIMEOUT_MS,
): Promise<MediaToolsReport> {
  const [ffmpegStatus, ffprobeStatus] = await Promise.all([
    versionOf('ffmpeg', ffmpeg, timeoutMs),
    versionOf('ffprobe', ffprobe, timeoutMs),
  ]);
  if (ffmpegStatus.ok && ffmpegStatus.path) {
    const clip = await runMediaTool(ffmpegStatus.path, buildSmokeClipArgs(), { timeoutMs });
    if (clip.code !== 0 || clip.stdout.length === 0) {
      ffmpegStatus.ok = false;
      const said = clip.stderr.trim().split('\n').pop()?.trim();
      ffmpegStatus.error = `cannot encode H.264 + AAC: ${said || clip.signal || `exit ${clip.code}`}`;
    } else if (ffprobeStatus.ok && ffprobeStatus.path) {
      try {
        const read = await probe(ffprobeStatus.path, 'pipe:0', { timeoutMs, stdin: clip.stdout });
        if (read.video?.codec !== 'h264' || read.audio?.codec !== 'aac')
          throw new Error(`read ${read.video?.codec ?? 'no video'} + ${read.audio?.codec ?? 'no audio'}`);
      } catch (error) {
        ffprobeStatus.ok = false;
        ffprobeStatus.error = `cannot read an H.264 + AAC clip: ${(error as Error).message}`;
      }
    }
  }
  return { ok: ffmpegStatus.ok && ffprobeStatus.ok, ffmpeg: ffmpegStatus, ffprobe: ffprobeStatus };
}

/** A readiness answer: ok or why not, with details to show. */
export interface MediaReadiness {
  ok: boolean;
  error?: string;
  details: Record<string, unknown>;
}

/**
 * The ffmpeg and ffprobe this process runs, located once from FFMPEG_PATH / FFPROBE_PATH,
 * Debian's /usr/bin, PATH, then (ffmpeg only) the npm-bundled build; checked on demand.
 */
export class MediaTools {
  readonly ffmpeg: LocatedTool | null;
  readonly ffprobe: LocatedTool | null;
  readonly #timeoutMs: number;
  #check: { atMs: number; failed: boolean; report: Promise<MediaToolsReport> } | null = null;

  constructor(
    explicit: { ffmpegPath: string | null; ffprobePath: string | null },
    options: LocateOptions & { timeoutMs?: number } = {},
  ) {
    this.ffmpeg = findMediaTool('ffmpeg', explicit.ffmpegPath, options);
    this.ffprobe = findMediaTool('ffprobe', explicit.ffprobePath, options);
    this.#timeoutMs = options.timeoutMs ?? MEDIA_CHECK_TIMEOUT_MS;
  }

  /** ffmpeg to spawn for transcodes; a bare `ffmpeg` when none was found (it then fails to spawn, and the check says why). */
  get ffmpegPath(): string {
    return this.ffmpeg?.path ?? 'ffmpeg';
  }

  /** ffprobe to spawn for probes; a bare `ffprobe` when none was found. */
  get ffprobePath(): string {
    return this.ffprobe?.path ?? 'ffprobe';
  }

  /** The smoke test's report: run once and kept; a failed one is run again after MEDIA_RECHECK_MS. */
  check(): Promise<MediaToolsReport> {
    const now = performance.now();
    const last = this.#check;
    if (last && !(last.failed && now - last.atMs >= MEDIA_RECHECK_MS)) return last.report;
    const next: { atMs: number; failed: boolean; report: Promise<MediaToolsReport> } = {
      atMs: now,
      failed: false,
      report: checkMediaTools(this.ffmpeg, this.ffprobe, this.#timeoutMs).then((report) => {
        next.failed = !report.ok;
        return report;
      }),
    };
    this.#check = next;
    return next.report;
  }

  /** For /readyz: ok when both tools passed, else the reasons; details name each tool, its source and version. */
  async readiness(): Promise<MediaReadiness> {
    const report = await this.check();
    const describe = ({ path, source, version, ok }: MediaToolStatus) => ({ path, source, version, ok });
    const details = { ffmpeg: describe(report.ffmpeg), ffprobe: describe(report.ffprobe) };
    if (report.ok) return { ok: true, details };
    const reasons = [report.ffmpeg, report.ffprobe].flatMap((s) => (s.error ? [s.error] : []));
    return { ok: false, error: reasons.join('; '), details };
  }
}
