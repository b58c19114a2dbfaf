import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { type DatabaseHandle, openPostgres, wrapPGlite } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';

/** A way to get a fresh, migrated database for one test suite. */
export interface TestDatabaseFactory {
  name: 'pglite' | 'postgres';
  open(): Promise<DatabaseHandle>;
}

let template: Promise<Blob> | null = null;

/** A migrated PGlite data directory, built once per test worker and cloned for each suite (opening is the slow part). */
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const pglite = await PGlite.create();
    const handle = wrapPGlite(pglite);
    await migrate(handle.db);
    const dump = await pglite.dumpDataDir('none');
    await handle.close();
    return dump;
  })();
  return template;
}

async function openTestPGlite(): Promise<DatabaseHandle> {
  const pglite = await PGlite.create({
    loadDataDir: await pgliteTemplate(),
    parsers: { 20: (v: string) => Number(v) },
  });
  return wrapPGlite(pglite);
}

/** Creates a throw-away database on the PostgreSQL server at `url`, migrates it, and drops it on close. */
export async function openTestPostgres(url: string): Promise<DatabaseHandle & { url: string }> {
  const name = `pnptv_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  const handle = openPostgres(target.toString(), { max: 20 });
  await migrate(handle.db);
  return {
    ...handle,
    url: target.toString(),
    close: async () => {
      await handle.close();
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/**
 * The databases every repository suite runs on: the embedded PGlite always, and PostgreSQL
 * when DATABASE_URL is set (CI sets it; an unreachable server then fails the suite).
 */
export function testDatabases(): TestDatabaseFactory[] {
  const factories: TestDatabaseFactory[] = [{ name: 'pglite', open: openTestPGlite }];
  const url = process.env.DATABASE_URL;
  if (url) factories.push({ name: 'postgres', open: () => openTestPostgres(url) });
  return factories;
}
