/**
 * The media bench's source: a 720p30 x264/AAC clip whose every frame carries its own
 * presentation time as a bar code, encoded once and replayed in real time with `-re -c copy`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const WIDTH = 1280;
export const HEIGHT = 720;
export const FPS = 30;
/** Length of the replayed clip, seconds; every phase fits inside it. */
export const CLIP_S = Number(process.env.BENCH_CLIP_S ?? 45);
/** Bits of the time code: centiseconds up to 655 s. */
export const CODE_BITS = 16;
/** Height of the bar code band at the top of the frame, pixels. */
export const CODE_HEIGHT = 64;

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${stderr}`)),
    );
  });
}

/** Encodes (once, cached in the temp folder) the 720p30 clip with its time code and a tone. */
export async function prepareClip(ffmpeg: string): Promise<string> {
  const dir = join(tmpdir(), 'pnptv-bench-media');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `clip-${WIDTH}x${HEIGHT}-${FPS}-${CLIP_S}s-v1.flv`);
  if (existsSync(file)) return file;
  const block = WIDTH / CODE_BITS;
  const code = `255*mod(floor(floor(T*100+0.5)/pow(2,floor(X/${block}))),2)`;
  process.stdout.write(`encoding the ${CLIP_S} s ${HEIGHT}p${FPS} clip once…\n`);
  await run(ffmpeg, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${WIDTH}x${HEIGHT}:r=${FPS}`,
    '-f',
    'lavfi',
    '-i',
    `color=c=black:s=${WIDTH}x${CODE_HEIGHT}:r=${FPS},format=gray,geq=lum='${code}'`,
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-filter_complex',
    '[0:v][1:v]overlay=0:0:shortest=1,format=yuv420p[v]',
    '-map',
    '[v]',
    '-map',
    '2:a',
    '-t',
    String(CLIP_S),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-b:v',
    '3000k',
    '-g',
    String(FPS),
    '-keyint_min',
    String(FPS),
    '-sc_threshold',
    '0',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-f',
    'flv',
    `${file}.part`,
  ]);
  await run('mv', [`${file}.part`, file]);
  return file;
}

/** Replays the clip in real time to an RTMP URL; returns the child and its start time (ms). */
export function publish(
  ffmpeg: string,
  clip: string,
  url: string,
): { child: ChildProcess; startedAt: number } {
  const child = spawn(
    ffmpeg,
    ['-hide_banner', '-loglevel', 'error', '-re', '-i', clip, '-c', 'copy', '-f', 'flv', url],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`publisher: ${chunk}`));
  return { child, startedAt: Date.now() };
}

/** Kills a child with SIGKILL and resolves once it has exited. */
export function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
