import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SERVER_BUNDLE } from '../../../../scripts/build-server.ts';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../../src/platform/node-flags.ts';
import { freePort } from './steps.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

/** A PNPtv server started as a separate process, exactly as `npm start` runs it. */
export interface ServerProcess {
  url: string;
  /** The embedded database's data directory (also set when running on PostgreSQL). */
  dataDir: string;
  /** The exit code once stopped; null while running. */
  exitCode(): number | null;
  database: 'pglite' | 'postgres';
  /** Everything the process printed so far. */
  output(): string;
  /**
   * Sends SIGTERM, waits for exit, and removes the data directory and drops the PostgreSQL
   * database unless `keepData` (a database passed in as `databaseUrl` is never dropped here).
   */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** Runs a `pnptv` CLI command on this server's database (stop the server first on PGlite). */
  cli(args: string[]): Promise<{ code: number | null; output: string }>;
}

/** A throw-away PostgreSQL database for end-to-end runs. */
export interface E2eDatabase {
  url: string;
  /** Drops the database, cutting any connection still open to it. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database on the PostgreSQL server at `adminUrl`, for several server
 * processes to share as one cluster (pass its `url` to each `startServer`); the caller drops it.
 */
export async function createDatabase(adminUrl: string): Promise<E2eDatabase> {
  const name = `pnptv_e2e_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * Starts the server on a free port (and a free RTMP port) with a fresh data directory (PGlite) or a fresh
 * PostgreSQL database, and resolves once it prints its URL.
 */
export async function startServer(options: {
  database: 'pglite' | 'postgres';
  env?: Record<string, string>;
  /**
   * PostgreSQL only: run on this existing database instead of a fresh one, and leave it in place
   * on stop. Processes given the same database (and REDIS_URL) form one cluster.
   */
  databaseUrl?: string;
}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pnptv-e2e-'));
  let drop: (() => Promise<void>) | null = null;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...SERVER_ENV,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    JOBS_POLL_MS: '100',
    WEBHOOKS_ALLOW_PRIVATE: 'true',
    // Its own RTMP port, so servers started side by side never contend for 1935.
    RTMP_PORT: String(await freePort()),
    ...options.env,
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  if (options.databaseUrl && options.database !== 'postgres')
    throw new Error('databaseUrl needs database: postgres');
  if (options.database === 'postgres') {
    if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
    else {
      const adminUrl = process.env.DATABASE_URL;
      if (!adminUrl) throw new Error('DATABASE_URL is not set');
      const db = await createDatabase(adminUrl);
      env.DATABASE_URL = db.url;
      drop = db.drop;
    }
    if (process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL;
  }
  const child: ChildProcess = spawn(process.execPath, [...SERVER_NODE_FLAGS, SERVER_BUNDLE, 'start'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /PNPtv is running at \S+ {2}\(roles: [^;]+; port (\d+)\)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    exitCode: () => child.exitCode,
    database: options.database,
    output: () => output,
    stop: async (stopOptions = {}) => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      if (stopOptions.keepData) return;
      rmSync(dataDir, { recursive: true, force: true });
      await drop?.();
      drop = null;
    },
    cli: (args) =>
      new Promise((resolve) => {
        const cli = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts', ...args], {
          cwd: ROOT,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let printed = '';
        const collect = (chunk: Buffer) => {
          printed += chunk.toString();
        };
        cli.stdout?.on('data', collect);
        cli.stderr?.on('data', collect);
        cli.on('exit', (code) => resolve({ code, output: printed }));
      }),
  };
}

/** The databases the end-to-end suites run on: PGlite always, PostgreSQL when DATABASE_URL is set. */
export function e2eDatabases(): ('pglite' | 'postgres')[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}
