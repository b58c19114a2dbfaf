/**
 * Realtime fan-out of PNPtv's gateway beside a vanilla Socket.IO server (one emit per
 * message) and a raw `ws` broadcast server, in one run on this machine. Servers and the
 * load generator are separate processes on 127.0.0.1; server RSS and CPU are read from /proc.
 *
 * Env: BENCH_RT_CLIENTS (5000), BENCH_RT_SMALL_CLIENTS (1000), BENCH_RT_RATE (50 msg/s),
 * BENCH_RT_DURATION_S (10), BENCH_RT_SENDERS (100), BENCH_RT_ONLY (pnptv,socketio,ws). PNPtv's database is PostgreSQL when
 * DATABASE_URL is set (a throw-away database is created on it), else PGlite; the two-node
 * scenario runs when REDIS_URL is set.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../../packages/server/src/platform/node-flags.ts';
import { buildServer } from '../../scripts/build-server.ts';
import { ROOT, startNode, stop } from '../lib/process.ts';
import type { LoadConfig } from './load.ts';

const CLIENTS = Number(process.env.BENCH_RT_CLIENTS ?? 5_000);
const SMALL_CLIENTS = Number(process.env.BENCH_RT_SMALL_CLIENTS ?? 1_000);
const RATE = Number(process.env.BENCH_RT_RATE ?? 50);
const DURATION_S = Number(process.env.BENCH_RT_DURATION_S ?? 10);
const SENDERS = Number(process.env.BENCH_RT_SENDERS ?? 100);
const DRAIN_S = 8;
/** Servers to measure (comma-separated subset of pnptv,socketio,ws); all by default. */
const ONLY = new Set((process.env.BENCH_RT_ONLY ?? 'pnptv,socketio,ws').split(','));
/** Linux clock ticks per second for /proc/<pid>/stat CPU times. */
const CLK_TCK = 100;

type ServerName = 'pnptv' | 'socketio' | 'ws';

/** One row of bench/results/realtime.json. */
interface Run {
  server: ServerName;
  scenario: string;
  clients: number;
  rate: number;
  delivered_pct: number;
  p50_ms: number;
  p99_ms: number;
  rss_mb: number;
  cpu_pct: number;
  nodes: number;
}

interface LoadResult {
  clients: number;
  delivered_pct: number;
  p50_ms: number;
  p99_ms: number;
  accepted: number;
  refused: number;
  load_cpu_pct: number;
  ack_p50_ms: number | null;
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** Runs the load generator; samples the servers' CPU and peak RSS while it measures. */
function runLoad(
  config: LoadConfig,
  pids: number[],
): Promise<{ load: LoadResult; rss: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/realtime/load.ts'], {
      cwd: ROOT,
      env: { ...process.env, LOAD_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let sampler: NodeJS.Timeout | undefined;
    let peak = 0;
    let cpuStart = 0;
    let timeStart = 0;
    let cpuEnd = 0;
    let timeEnd = 0;
    const sample = () => {
      peak = Math.max(
        peak,
        pids.reduce((max, pid) => Math.max(max, rssMb(pid)), 0),
      );
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!sampler && output.includes('READY')) {
        cpuStart = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
        timeStart = Date.now();
        sampler = setInterval(sample, 250);
      }
      if (!timeEnd && output.includes('RESULT')) {
        cpuEnd = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
        timeEnd = Date.now();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => {
      if (sampler) clearInterval(sampler);
      const line = /RESULT (.*)/.exec(output);
      if (code !== 0 || !line)
        return reject(new Error(`load generator failed (${code}):\n${output.slice(-2000)}`));
      const cpu = (100 * (cpuEnd - cpuStart)) / ((timeEnd - timeStart) / 1000);
      resolve({ load: JSON.parse(line[1]!) as LoadResult, rss: peak, cpu });
    });
  });
}

async function json(
  url: string,
  init: RequestInit,
): Promise<{ status: number; body: Record<string, unknown>; cookie: string | null }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, cookie: res.headers.get('set-cookie') };
}

/** Signs up a developer, creates an app and a minting key, and mints one viewer and `senders` sender tokens. */
async function provisionTokens(
  base: string,
  senders: number,
): Promise<{ viewer: string; senders: string[] }> {
  const reg = await json(`${base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `rt-${Date.now()}@example.com`,
      password: 'correct horse battery staple',
      displayName: 'Bench',
    }),
  });
  if (reg.status !== 201 || !reg.cookie) throw new Error(`register failed: ${reg.status}`);
  const headers = {
    'content-type': 'application/json',
    cookie: reg.cookie.split(';')[0]!,
    'x-csrf-token': String(reg.body.csrfToken),
  };
  const app = await json(`${base}/api/v1/apps`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'Realtime bench' }),
  });
  const appId = (app.body.app as { id: string }).id;
  const key = await json(`${base}/api/v1/apps/${appId}/keys`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'bench', scopes: ['tokens:mint'] }),
  });
  const minter = { 'content-type': 'application/json', authorization: `Bearer ${String(key.body.secret)}` };
  const mint = async (userId: string, scopes: string[]) => {
    const res = await json(`${base}/api/v1/apps/${appId}/tokens`, {
      method: 'POST',
      headers: minter,
      body: JSON.stringify({ userId, scopes }),
    });
    if (res.status !== 201) throw new Error(`mint failed: ${res.status} ${JSON.stringify(res.body)}`);
    return String(res.body.token);
  };
  const viewer = await mint('viewer', ['chat:read']);
  const tokens: string[] = [];
  for (let i = 0; i < senders; i++) tokens.push(await mint(`sender-${i}`, ['chat:read', 'chat:write']));
  return { viewer, senders: tokens };
}

async function startPnptv(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pnptv-rt-'));
  const started = await startNode(
    // As `npm start` runs it: from the bundle.
    await buildServer(),
    ['start'],
    {
      PORT: '0',
      HOST: '127.0.0.1',
      // Fixed, so user tokens (whose issuer is the public URL) stay valid across restarts and nodes.
      PUBLIC_URL: 'http://127.0.0.1:8080',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ROLES: 'api,realtime',
      ...SERVER_ENV,
      ...env,
    },
    /PNPtv is running at .*port (\d+)/,
    60_000,
    SERVER_NODE_FLAGS,
  );
  const port = /port (\d+)\)/.exec(started.output())![1];
  started.child.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  return { child: started.child, url: `http://127.0.0.1:${port}` };
}

async function startBaseline(kind: 'socketio' | 'ws'): Promise<{ child: ChildProcess; url: string }> {
  const ready = new RegExp(`${kind} listening on (\\d+)`);
  const started = await startNode(`bench/realtime/${kind}-server.ts`, [], {}, ready);
  return { child: started.child, url: `http://127.0.0.1:${ready.exec(started.output())![1]}` };
}

async function createDatabase(base: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `pnptv_rt_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const target = new URL(base);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      const dropper = new pg.Client({ connectionString: base });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

function line(run: Run): string {
  return `  ${run.scenario.padEnd(22)} ${run.server.padEnd(8)} ${String(run.clients).padStart(5)} clients ${String(run.rate).padStart(3)} msg/s  delivered ${String(run.delivered_pct).padStart(6)}%  p50 ${String(run.p50_ms).padStart(5)} ms  p99 ${String(run.p99_ms).padStart(5)} ms  RSS ${String(run.rss_mb).padStart(5)} MB  CPU ${String(run.cpu_pct).padStart(5)}%  nodes ${run.nodes}`;
}

export async function main(): Promise<void> {
  const db = process.env.DATABASE_URL ? await createDatabase(process.env.DATABASE_URL) : null;
  const pnptvEnv: Record<string, string> = db ? { DATABASE_URL: db.url } : {};
  const runs: Run[] = [];
  const begun = Date.now();
  let tokens: { viewer: string; senders: string[] } | null = null;
  const measure = async (
    server: ServerName,
    scenario: string,
    clients: number,
    start: () => Promise<{ child: ChildProcess; url: string }[]>,
  ) => {
    if (!ONLY.has(server)) return;
    const nodes = await start();
    try {
      if (server === 'pnptv' && !tokens) tokens = await provisionTokens(nodes[0]!.url, SENDERS);
      const config: LoadConfig = {
        kind: server === 'ws' ? 'ws' : 'sio',
        urls: nodes.map((n) => n.url),
        clients,
        senders: SENDERS,
        rate: RATE,
        durationS: DURATION_S,
        drainS: DRAIN_S,
        channel: 'community',
        viewerToken: server === 'pnptv' ? tokens!.viewer : undefined,
        senderTokens: server === 'pnptv' ? tokens!.senders : undefined,
      };
      const { load, rss, cpu } = await runLoad(
        config,
        nodes.map((n) => n.child.pid!),
      );
      const run: Run = {
        server,
        scenario,
        clients: load.clients,
        rate: RATE,
        delivered_pct: load.delivered_pct,
        p50_ms: load.p50_ms,
        p99_ms: load.p99_ms,
        rss_mb: Math.round(rss),
        cpu_pct: Math.round(cpu),
        nodes: nodes.length,
      };
      process.stdout.write(
        `  (load generator CPU ${load.load_cpu_pct}%, send→ack p50 ${load.ack_p50_ms} ms)\n`,
      );
      if (load.refused > 0)
        process.stdout.write(`  (${server}: ${load.refused} messages refused by the server)\n`);
      process.stdout.write(`${line(run)}\n`);
      runs.push(run);
    } finally {
      for (const node of nodes) await stop(node.child);
    }
  };
  try {
    process.stdout.write(
      `realtime: ${RATE} msg/s of 200 bytes for ${DURATION_S} s from ${SENDERS} senders; PNPtv database ${db ? 'postgres' : 'pglite'}\n`,
    );
    for (const [scenario, clients] of [
      ['one room, large', CLIENTS],
      ['one room, small', SMALL_CLIENTS],
    ] as const) {
      await measure('ws', scenario, clients, async () => [await startBaseline('ws')]);
      await measure('socketio', scenario, clients, async () => [await startBaseline('socketio')]);
      await measure('pnptv', scenario, clients, async () => [await startPnptv(pnptvEnv)]);
    }
    if (process.env.REDIS_URL) {
      const env = { ...pnptvEnv, REDIS_URL: process.env.REDIS_URL };
      await measure('pnptv', 'two nodes, Redis', CLIENTS, async () => [
        await startPnptv(env),
        await startPnptv(env),
      ]);
    } else process.stdout.write('  two nodes, Redis: skipped (set REDIS_URL)\n');
  } finally {
    await db?.drop();
  }
  const find = (server: ServerName, scenario: string) =>
    runs.find((r) => r.server === server && r.scenario === scenario);
  const big = find('pnptv', 'one room, large');
  const small = find('pnptv', 'one room, small');
  const smallSio = find('socketio', 'one room, small');
  const multi = find('pnptv', 'two nodes, Redis');
  const targets = {
    large: big
      ? {
          delivered_100: big.delivered_pct >= 100,
          p99_le_150: big.p99_ms <= 150,
          rss_le_250: big.rss_mb <= 250,
        }
      : null,
    small_cpu_ratio:
      small && smallSio ? Number((small.cpu_pct / Math.max(1, smallSio.cpu_pct)).toFixed(2)) : null,
    two_nodes: multi ? { delivered_100: multi.delivered_pct >= 100, p99_le_250: multi.p99_ms <= 250 } : null,
  };
  process.stdout.write(
    `\n  targets: ${JSON.stringify(targets)}\n  total ${Math.round((Date.now() - begun) / 1000)} s\n`,
  );
  const result = { runs, targets, duration_s: DURATION_S, database: db ? 'postgres' : 'pglite' };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'realtime.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write('wrote bench/results/realtime.json\n');
}
