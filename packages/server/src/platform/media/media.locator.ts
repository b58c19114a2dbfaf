import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

/** Which media tool to find. */
export type MediaTool = 'ffmpeg' | 'ffprobe';

/**
 * Where a tool was found: the explicit FFMPEG_PATH / FFPROBE_PATH, Debian's package in /usr/bin
 * (`apt-get install ffmpeg`), another directory on PATH, or the npm-bundled build (ffmpeg only).
 */
export type MediaToolSource = 'configured' | 'debian' | 'path' | 'bundled';

/** A located tool: the executable to run and how it was chosen. */
export interface LocatedTool {
  path: string;
  source: MediaToolSource;
}

/** Where Debian's `ffmpeg` package installs ffmpeg and ffprobe. */
export const DEBIAN_BIN_DIR = '/usr/bin';

/**
 * The npm package shipping a last-resort ffmpeg: a 2018 static build (4.1), which still encodes
 * the ladder offline. There is no bundled ffprobe: `@ffprobe-installer/ffprobe`'s build crashes
 * (SIGSEGV) on any file or pipe input, so it was dropped.
 */
const BUNDLED_FFMPEG = '@ffmpeg-installer/ffmpeg';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `name` on `pathVar` that is executable, or null. */
export function findOnPath(name: string, pathVar: string | undefined): string | null {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (executable(candidate)) return candidate;
  }
  return null;
}

/** The ffmpeg shipped inside `@ffmpeg-installer/ffmpeg`, or null (there is no bundled ffprobe). */
export function bundledPath(tool: MediaTool): string | null {
  if (tool !== 'ffmpeg') return null;
  try {
    const found = createRequire(import.meta.url)(BUNDLED_FFMPEG) as { path?: string };
    return found.path && executable(found.path) ? found.path : null;
  } catch {
    return null;
  }
}

/** Where to look, for tests: PATH and Debian's directory default to this machine's. */
export interface LocateOptions {
  pathVar?: string | undefined;
  debianDir?: string;
}

/**
 * Finds `tool`: the explicit path (FFMPEG_PATH / FFPROBE_PATH) when given, else Debian's in
 * /usr/bin, else the first on PATH, else (ffmpeg only) the npm-bundled build; null when none.
 * An explicit path wins even when it is not executable, so a typo shows up as a failed check
 * instead of silently running another build.
 */
export function findMediaTool(
  tool: MediaTool,
  explicit: string | null,
  options: LocateOptions = {},
): LocatedTool | null {
  if (explicit) return { path: explicit, source: 'configured' };
  const debian = join(options.debianDir ?? DEBIAN_BIN_DIR, tool);
  if (executable(debian)) return { path: debian, source: 'debian' };
  const onPath = findOnPath(tool, 'pathVar' in options ? options.pathVar : process.env.PATH);
  if (onPath) return { path: onPath, source: 'path' };
  const bundled = bundledPath(tool);
  return bundled ? { path: bundled, source: 'bundled' } : null;
}

/** The executable `findMediaTool` picks; throws when there is none. */
export function locateMediaTool(
  tool: MediaTool,
  explicit: string | null,
  options: LocateOptions = {},
): string {
  const found = findMediaTool(tool, explicit, options);
  if (!found) throw new Error(`${tool} not found: apt-get install ffmpeg, or set ${tool.toUpperCase()}_PATH`);
  return found.path;
}
