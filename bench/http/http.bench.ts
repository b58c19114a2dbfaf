/**
 * HTTP throughput of PNPtv beside a bare Fastify server, in one run on this machine.
 * The servers run as child processes; this process is the load generator (autocannon),
 * so server and client each get one of the two cores.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../../packages/server/src/platform/node-flags.ts';
import { buildServer } from '../../scripts/build-server.ts';
import { ROOT, startNode, stop } from '../lib/process.ts';

interface Load {
  rps: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The round with the median throughput; its latency is reported with it. */
function median(runs: Load[]): Load {
  const sorted = [...runs].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor(sorted.length / 2)]!;
}
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

async function load(target: { url: string; headers: Record<string, string> }): Promise<Load> {
  const result = await autocannon({ ...target, connections: CONNECTIONS, duration: DURATION_S });
  return {
    rps: Math.round(result.requests.average),
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

async function json(
  url: string,
  init: RequestInit,
): Promise<{ status: number; body: Record<string, unknown>; cookie: string | null }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, cookie: res.headers.get('set-cookie') };
}

/** Signs up a developer, creates an app and an API key with apps:read; returns the key's secret. */
async function provisionApiKey(base: string): Promise<string> {
  const email = `bench-${Date.now()}@example.com`;
  const reg = await json(`${base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery staple', displayName: 'Bench' }),
  });
  if (reg.status !== 201 || !reg.cookie)
    throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
  const headers = {
    'content-type': 'application/json',
    cookie: reg.cookie.split(';')[0]!,
    'x-csrf-token': String(reg.body.csrfToken),
  };
  const app = await json(`${base}/api/v1/apps`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'Bench app' }),
  });
  if (app.status !== 201) throw new Error(`create app failed: ${app.status} ${JSON.stringify(app.body)}`);
  const appId = (app.body.app as { id: string }).id;
  const key = await json(`${base}/api/v1/apps/${appId}/keys`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'bench', scopes: ['apps:read'] }),
  });
  if (key.status !== 201) throw new Error(`create key failed: ${key.status} ${JSON.stringify(key.body)}`);
  return String(key.body.secret);
}

export async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pnptv-bench-'));
  const database = process.env.DATABASE_URL ? 'postgres' : 'pglite';
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ROLES: 'api',
    ...SERVER_ENV,
  };
  const pnptv = await startNode(
    // As `npm start` runs it: from the bundle.
    await buildServer(),
    ['start'],
    env,
    /PNPtv is running at .*port (\d+)/,
    60_000,
    SERVER_NODE_FLAGS,
  );
  const port = /port (\d+)\)/.exec(pnptv.output())![1];
  const bare = await startNode('bench/http/bare-server.ts', [], { PORT: '0' }, /bare listening on (\d+)/);
  const barePort = /bare listening on (\d+)/.exec(bare.output())![1];
  try {
    const base = `http://127.0.0.1:${port}`;
    const secret = await provisionApiKey(base);
    const check = await json(`${base}/api/v1/apps`, { headers: { authorization: `Bearer ${secret}` } });
    if (check.status !== 200) throw new Error(`GET /api/v1/apps failed: ${check.status}`);

    process.stdout.write(
      `load: ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION_S} s per target, database ${database}\n`,
    );
    const targets = {
      bare: { url: `http://127.0.0.1:${barePort}/healthz`, headers: {} },
      health: { url: `${base}/healthz`, headers: {} },
      api: { url: `${base}/api/v1/apps`, headers: { authorization: `Bearer ${secret}` } },
    };
    // Warm up the JIT and connection pools of every target before measuring.
    for (const t of Object.values(targets)) await autocannon({ ...t, connections: CONNECTIONS, duration: 2 });
    // Targets alternate in rounds and each figure is its median round, so a slow patch of the
    // machine (other processes, frequency changes) weighs on the baseline and PNPtv alike.
    const runs: Record<keyof typeof targets, Load[]> = { bare: [], health: [], api: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of Object.keys(targets) as (keyof typeof targets)[])
        runs[name].push(await load(targets[name]));
    }
    const bareLoad = median(runs.bare);
    const health = median(runs.health);
    const api = median(runs.api);
    const failures = Object.values(runs)
      .flat()
      .reduce((n, r) => n + r.errors + r.non2xx, 0);

    const result = {
      api_rps: api.rps,
      health_rps: health.rps,
      bare_rps: bareLoad.rps,
      api_ratio: Number((api.rps / bareLoad.rps).toFixed(3)),
      health_ratio: Number((health.rps / bareLoad.rps).toFixed(3)),
      p99_ms: api.p99Ms,
      health_p99_ms: health.p99Ms,
      bare_p99_ms: bareLoad.p99Ms,
      database,
      connections: CONNECTIONS,
      duration_s: DURATION_S,
      rounds: ROUNDS,
      failed_requests: failures,
    };
    process.stdout.write(
      [
        '',
        `  bare Fastify /healthz        ${String(bareLoad.rps).padStart(7)} req/s  p99 ${bareLoad.p99Ms} ms  (baseline)`,
        `  PNPtv /healthz               ${String(health.rps).padStart(7)} req/s  p99 ${health.p99Ms} ms  ratio ${result.health_ratio} (target ≥ 0.8)`,
        `  PNPtv GET /api/v1/apps (key) ${String(api.rps).padStart(7)} req/s  p99 ${api.p99Ms} ms  ratio ${result.api_ratio} (target ≥ 0.35)`,
        `  failed requests: ${failures}`,
        '',
      ].join('\n'),
    );
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', 'http.json'), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write('wrote bench/results/http.json\n');
  } finally {
    await stop(pnptv.child);
    await stop(bare.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
