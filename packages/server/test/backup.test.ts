import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { checkout, createPackage, wallet } from '../src/payments/testing/payments.fixtures.ts';
import { openPostgres } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { ledgerVerify } from '../src/wallet/index.ts';
import { openTestPostgres } from './databases.ts';
import { authHeaders, logIn, makeAdmin, signUp } from './factories.ts';
import { createTestContext } from './harness.ts';

const run = promisify(execFile);
const url = process.env.DATABASE_URL;
const ROOT = resolve(import.meta.dirname, '../../..');

async function query<T>(connectionString: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The major version of a PostgreSQL client tool (`pg_dump (PostgreSQL) 15.20 (Debian …)` → 15). */
async function clientMajor(tool: string): Promise<number> {
  const { stdout } = await run(tool, ['--version']);
  return Number(/\(PostgreSQL\) (\d+)/.exec(stdout)?.[1]);
}

/**
 * The restore drill of docs/backup.md on a real PostgreSQL: data made through the API, dumped
 * with pg_dump in the custom format, restored with pg_restore into a fresh database, and the
 * app started on the copy finds it (the member logs in, their coins are there, the ledger holds).
 */
describe.skipIf(!url)('backup and restore with pg_dump and pg_restore', () => {
  const work = mkdtempSync(join(tmpdir(), 'pnptv-backup-'));
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    rmSync(work, { recursive: true, force: true });
  });

  it('restores a dump into a fresh database that the app runs on', async () => {
    const source = await openTestPostgres(url!);
    const ctx = await createTestContext(source);
    cleanups.push(() => ctx.close());
    const member = await signUp(ctx.app);
    const admin = await makeAdmin(ctx);
    const pkg = await createPackage(ctx, admin, { coins: 250, priceMinor: 999 });
    const { order } = await checkout(ctx, member, pkg.id, 'sandbox');
    const paid = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/payments/sandbox/${order.id}/complete`,
      headers: authHeaders(member),
      payload: { outcome: 'accept' },
    });
    expect(paid.json().order.status).toBe('paid');
    await ctx.drainJobs();

    // pg_dump refuses a server newer than itself; an older dump restores on a newer server.
    const [version] = await query<{ server_version_num: string }>(source.url, 'SHOW server_version_num');
    const serverMajor = Math.floor(Number(version?.server_version_num) / 10_000);
    expect(await clientMajor('pg_dump'), 'pg_dump matches the server').toBe(serverMajor);
    expect(await clientMajor('pg_restore'), 'pg_restore matches the server').toBe(serverMajor);

    const dump = join(work, 'pnptv.dump');
    await run('pg_dump', ['--format=custom', '--no-owner', `--file=${dump}`, `--dbname=${source.url}`]);

    const name = `pnptv_r_${randomBytes(6).toString('hex')}`;
    await query(url!, `CREATE DATABASE ${name}`);
    cleanups.push(() => query(url!, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    const target = new URL(url!);
    target.pathname = `/${name}`;
    await run('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${target}`, dump]);

    const restored = openPostgres(target.toString());
    expect(await migrate(restored.db), 'the copy is at the latest migration').toEqual([]);
    const copy = await createTestContext(restored);
    cleanups.push(() => copy.close());
    const again = await logIn(copy.app, member.email, member.password);
    expect(again.user.id).toBe(member.user.id);
    expect((await wallet(copy, again)).balance).toBe(250);
    expect(await ledgerVerify(restored.db)).toEqual([]);

    // The operator's check after a restore: the CLI's ledger verification.
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'packages/server/src/main.ts', 'ledger', 'verify'],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: target.toString(), LOG_LEVEL: 'warn' } },
    );
    expect(stdout).toContain('Ledger OK');
  }, 240_000);
});
