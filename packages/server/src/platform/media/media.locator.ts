import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

/** Which media tool to find. */
export type MediaTool = 'ffmpeg' | 'ffprobe';

const BUNDLED: Record<MediaTool, string> = {
  ffmpeg: '@ffmpeg-installer/ffmpeg',
  ffprobe: '@ffprobe-installer/ffprobe',
};

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

/** The binary shipped inside the npm package (`@ffmpeg-installer/ffmpeg`, `@ffprobe-installer/ffprobe`), or null. */
export function bundledPath(tool: MediaTool): string | null {
  try {
    const found = createRequire(import.meta.url)(BUNDLED[tool]) as { path?: string };
    return found.path && executable(found.path) ? found.path : null;
  } catch {
    return null;
  }
}

/**
 * Where to run `tool` from: the explicit path (FFMPEG_PATH / FFPROBE_PATH) when given, else the
 * system's on PATH, else the npm-bundled binary. An explicit path wins even when not executable,
 * so a typo shows up as a spawn error instead of silently running another build.
 */
export function locateMediaTool(
  tool: MediaTool,
  explicit: string | null,
  pathVar: string | undefined = process.env.PATH,
): string {
  if (explicit) return explicit;
  const found = findOnPath(tool, pathVar) ?? bundledPath(tool);
  if (!found) throw new Error(`${tool} not found: set ${tool.toUpperCase()}_PATH or install it`);
  return found;
}
