/**
 * What the live ladder costs in CPU on PNPtv beside a bare ffmpeg doing the same ladder work.
 * Windows of both kinds alternate in one run (PNPtv then bare, bare then PNPtv, …), each on a
 * fresh publish of the same clip and over the same span of it, so load from elsewhere on the
 * machine and the clip's own variation weigh on both sides alike; each side's figure is the
 * median of its windows.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENCODER_MASTER_PLAYLIST } from '../../packages/server/src/platform/media/index.ts';
import {
  type Rung,
  selectRungs,
  TRANSCODING_PROFILES,
} from '../../packages/server/src/streams/streams.rules.ts';
import { liveTranscodeArgs } from '../../packages/server/src/streams/transcoder.ts';
import { FPS, HEIGHT, kill, publish, sleep } from './clip.ts';
import { median, round, waitPlayable } from './player.ts';

/** Clock ticks per second of `/proc/<pid>/stat` times. */
const CLK_TCK = 100;
/** CPU sampling window, seconds. */
export const CPU_WINDOW_S = Number(process.env.BENCH_CPU_WINDOW_S ?? 12);
/** Rounds of one PNPtv window and one bare window. */
export const CPU_ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 3);
/** Every window starts this long after its publisher did, seconds (the same span of the clip on both sides). */
export const CPU_WINDOW_START_S = Number(process.env.BENCH_CPU_START_S ?? 6);

/** The rungs PNPtv's `standard` profile keeps for the 720p clip. */
export const BENCH_RUNGS: readonly Rung[] = selectRungs(TRANSCODING_PROFILES.standard.rungs, HEIGHT);

/** CPU seconds (user + system) of every process now running, with its parent, by pid. */
function processTable(): Map<number, { ppid: number; cpuS: number }> {
  const table = new Map<number, { ppid: number; cpuS: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      table.set(Number(name), {
        ppid: Number(fields[1]),
        cpuS: (Number(fields[11]) + Number(fields[12])) / CLK_TCK,
      });
    } catch {
      // The process ended while the table was read.
    }
  }
  return table;
}

/** The process `rootPid` and its descendants' CPU seconds by pid. */
function treeCpu(rootPid: number): Map<number, number> {
  const table = processTable();
  const tree = new Map<number, number>();
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    const entry = table.get(pid);
    if (!entry) continue;
    tree.set(pid, entry.cpuS);
    for (const [child, stat] of table) if (stat.ppid === pid) queue.push(child);
  }
  return tree;
}

/** Pids of the ffmpeg processes under `rootPid` now running. */
export function transcoders(rootPid: number): number[] {
  return [...treeCpu(rootPid).keys()].filter((pid) => {
    if (pid === rootPid) return false;
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'ffmpeg';
    } catch {
      return false;
    }
  });
}

/** Cores used over a window by a process tree: all of it, the root process alone, and its descendants. */
export interface TreeCores {
  cores: number;
  rootCores: number;
  childCores: number;
  /** Processes of the tree that ended during the window (their share of it is lost). */
  ended: number;
}

/** Cores used by the tree of `rootPid` over `seconds`, counted per process. */
export async function treeCoresOver(rootPid: number, seconds: number): Promise<TreeCores> {
  const before = treeCpu(rootPid);
  const started = performance.now();
  await sleep(seconds * 1000);
  const after = treeCpu(rootPid);
  const elapsedS = (performance.now() - started) / 1000;
  let root = 0;
  let children = 0;
  for (const [pid, cpuS] of after) {
    const used = cpuS - (before.get(pid) ?? 0);
    if (pid === rootPid) root += used;
    else children += used;
  }
  const ended = [...before.keys()].filter((pid) => !after.has(pid)).length;
  return {
    cores: (root + children) / elapsedS,
    rootCores: root / elapsedS,
    childCores: children / elapsedS,
    ended,
  };
}

/** Resolves once no ffmpeg runs under `rootPid` (or after `timeoutMs`). */
export async function waitNoTranscoder(rootPid: number, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (transcoders(rootPid).length > 0 && Date.now() < until) await sleep(100);
}

/** A TCP port on 127.0.0.1 free at the time of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A command line with its input and file paths taken out: what remains is the ladder work. */
function ladderWork(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-listen' || arg === '-i') {
      i++;
      continue;
    }
    if (arg === '-nostdin' || arg.includes('/')) continue;
    out.push(arg);
  }
  return out;
}

/** The arguments of the bare baseline: PNPtv's own transcoder command, with ffmpeg receiving the RTMP itself. */
function bareArgs(url: string, outputDir: string): string[] {
  const spec = {
    segmentTag: 'bare',
    rungs: [...BENCH_RUNGS],
    fps: FPS,
    hasAudio: true,
    latencyMode: 'low' as const,
    record: false,
    keyInfoFile: null,
  };
  const args = liveTranscodeArgs(spec, outputDir, 0);
  const input = args.indexOf('-i');
  if (args[input + 1] !== 'pipe:0' || args[input - 2] !== '-f')
    throw new Error('unexpected transcoder input');
  args.splice(input + 1, 1, url);
  args.splice(input - 2, 0, '-nostdin', '-listen', '1');
  return args;
}

/** One CPU window of PNPtv (server and its transcoder) or of the bare ffmpeg. */
export interface LadderWindow {
  cores: number;
  /** PNPtv only: the server process alone, and its ffmpeg child. */
  serverCores?: number;
  ffmpegCores?: number;
  /** Seconds from the publisher's start to a playable ladder. */
  playableS: number;
}

/** What a PNPtv window needs: the server's pid and a way to create a low-latency stream. */
export interface PnptvTarget {
  pid: number;
  createLowLatency: (title: string) => Promise<{ rtmp: string; master: string }>;
}

/** Waits until `CPU_WINDOW_START_S` after `startedAt` (ms), at least 1 s after the ladder is playable. */
async function toWindowStart(startedAt: number, playableS: number): Promise<void> {
  const startS = Math.max(CPU_WINDOW_START_S, playableS + 1);
  await sleep(Math.max(0, startedAt + startS * 1000 - Date.now()));
}

async function pnptvWindow(
  target: PnptvTarget,
  ffmpeg: string,
  clip: string,
  index: number,
): Promise<{ window: LadderWindow; args: string[] }> {
  const stream = await target.createLowLatency(`Ladder CPU ${index}`);
  const publisher = publish(ffmpeg, clip, stream.rtmp);
  try {
    const playableS = await waitPlayable(stream.master, publisher.startedAt);
    const [transcoder] = transcoders(target.pid);
    const args = transcoder
      ? readFileSync(`/proc/${transcoder}/cmdline`, 'utf8').split('\0').slice(1, -1)
      : [];
    await toWindowStart(publisher.startedAt, playableS);
    const used = await treeCoresOver(target.pid, CPU_WINDOW_S);
    if (used.ended > 0) throw new Error('a process of the PNPtv tree ended during a CPU window');
    return {
      window: { cores: used.cores, serverCores: used.rootCores, ffmpegCores: used.childCores, playableS },
      args,
    };
  } finally {
    await kill(publisher.child);
    await waitNoTranscoder(target.pid);
  }
}

async function bareWindow(ffmpeg: string, clip: string): Promise<{ window: LadderWindow; args: string[] }> {
  const port = await freePort();
  const out = mkdtempSync(join(tmpdir(), 'pnptv-bench-bare-'));
  const url = `rtmp://127.0.0.1:${port}/live/bench`;
  const args = bareArgs(url, out);
  for (const rung of BENCH_RUNGS.keys()) mkdirSync(join(out, String(rung)), { recursive: true });
  const bare: ChildProcess = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  bare.stderr?.resume();
  try {
    await sleep(1000);
    const publisher = publish(ffmpeg, clip, url);
    try {
      // The bare ffmpeg has no PNPtv beside it to publish master.m3u8: play ffmpeg's own master.
      const playableS = await waitPlayable(`file://${out}/${ENCODER_MASTER_PLAYLIST}`, publisher.startedAt);
      await toWindowStart(publisher.startedAt, playableS);
      const used = await treeCoresOver(bare.pid!, CPU_WINDOW_S);
      return { window: { cores: used.cores, playableS }, args };
    } finally {
      await kill(publisher.child);
    }
  } finally {
    await kill(bare);
    rmSync(out, { recursive: true, force: true });
  }
}

/** The ladder comparison's figures, medians over the windows of each side. */
export interface LadderComparison {
  ladderCores: number;
  baselineCores: number;
  serverCores: number;
  ffmpegCores: number;
  /** PNPtv's transcoder and the bare ffmpeg ran the same arguments, input and paths aside. */
  sameArgs: boolean;
  pnptv: LadderWindow[];
  bare: LadderWindow[];
}

/** Alternates `CPU_ROUNDS` PNPtv and bare windows (ABBA order) and takes each side's median. */
export async function compareLadders(
  target: PnptvTarget,
  ffmpeg: string,
  clip: string,
): Promise<LadderComparison> {
  const pnptv: LadderWindow[] = [];
  const bare: LadderWindow[] = [];
  let pnptvArgs: string[] = [];
  let bareCommand: string[] = [];
  for (let r = 0; r < CPU_ROUNDS; r++) {
    const order = r % 2 === 0 ? (['pnptv', 'bare'] as const) : (['bare', 'pnptv'] as const);
    for (const side of order) {
      if (side === 'pnptv') {
        const { window, args } = await pnptvWindow(target, ffmpeg, clip, r);
        pnptv.push(window);
        pnptvArgs = args;
      } else {
        const { window, args } = await bareWindow(ffmpeg, clip);
        bare.push(window);
        bareCommand = args;
      }
      const last = side === 'pnptv' ? pnptv.at(-1)! : bare.at(-1)!;
      process.stdout.write(`ladder CPU round ${r + 1} ${side}: ${round(last.cores, 3)} cores\n`);
    }
  }
  const sameArgs = JSON.stringify(ladderWork(pnptvArgs)) === JSON.stringify(ladderWork(bareCommand));
  if (!sameArgs)
    process.stderr.write(
      `PNPtv's transcoder and the baseline differ:\n  ${ladderWork(pnptvArgs).join(' ')}\n  ${ladderWork(bareCommand).join(' ')}\n`,
    );
  return {
    ladderCores: median(pnptv.map((w) => w.cores)),
    baselineCores: median(bare.map((w) => w.cores)),
    serverCores: median(pnptv.map((w) => w.serverCores!)),
    ffmpegCores: median(pnptv.map((w) => w.ffmpegCores!)),
    sameArgs,
    pnptv,
    bare,
  };
}
