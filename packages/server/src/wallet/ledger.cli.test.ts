import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openTestPostgres } from '../../test/databases.ts';
import { type DatabaseHandle, openPGlite } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { createTestApp } from './wallet.fixtures.ts';
import { LedgerService } from './wallet.service.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

/** Runs `pnptv ledger verify` as a separate process, as an operator would. */
function verifyCommand(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const base = { ...process.env } as Record<string, string>;
    delete base.DATABASE_URL;
    delete base.REDIS_URL;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'packages/server/src/main.ts', 'ledger', 'verify'],
      {
        cwd: ROOT,
        env: { ...base, LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Target {
  name: string;
  /** Opens the database in this process; `env` points the command at the same database. */
  open(): Promise<{ handle: DatabaseHandle; env: Record<string, string>; release(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'pglite',
    open: async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'pnptv-ledger-cli-'));
      const handle = await openPGlite(dataDir);
      await migrate(handle.db);
      return {
        handle,
        env: { DATA_DIR: dataDir },
        release: async () => rmSync(dataDir, { recursive: true, force: true }),
      };
    },
  },
];
const url = process.env.DATABASE_URL;
if (url) {
  targets.push({
    name: 'postgres',
    open: async () => {
      const handle = await openTestPostgres(url);
      return { handle, env: { DATABASE_URL: handle.url }, release: () => handle.close() };
    },
  });
}

describe.each(targets.map((t) => [t.name, t] as const))('pnptv ledger verify on %s', (_name, target) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('prints OK for a sound ledger and exits 1 listing the violations once it is broken', {
    timeout: 60_000,
  }, async () => {
    const { handle, env, release } = await target.open();
    cleanups.push(release);
    const ledger = new LedgerService({ db: handle.db, clock: { now: () => Date.now() } });
    const appId = await createTestApp(handle.db);
    await ledger.creditPurchase({
      appId,
      userId: 'usr_fan',
      coins: 100,
      provider: 'sandbox',
      idempotencyKey: 'buy',
    });
    await ledger.sendGift({
      appId,
      fromUserId: 'usr_fan',
      toCreatorId: 'usr_star',
      coins: 40,
      idempotencyKey: 'gift',
    });
    const wallet = await ledger.ensureAccount({ appId, kind: 'member_wallet', ownerId: 'usr_fan' });
    // PGlite locks its data directory: the command can only open it once this process lets go.
    const pglite = handle.kind === 'pglite';
    if (pglite) await handle.close();

    const sound = await verifyCommand(env);
    expect(sound).toMatchObject({ code: 0, stdout: 'Ledger OK: every invariant holds\n' });

    const db = pglite ? await openPGlite(env.DATA_DIR!) : handle;
    await sql`UPDATE ledger_accounts SET balance = balance + 1 WHERE id = ${wallet.id}`.execute(db.db);
    if (pglite) await db.close();
    const broken = await verifyCommand(env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`balance_mismatch\t${wallet.id}\tbalance 61, entries sum to 60`);
    expect(broken.stdout).toContain(`app_total_nonzero\t${appId}`);
    expect(broken.stderr).toContain('Ledger verification failed: 2 violation(s)');
  });
});
