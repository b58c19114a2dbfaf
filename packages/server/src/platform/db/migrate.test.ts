import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabaseFactory, testDatabases } from '../../../test/databases.ts';
import type { DatabaseHandle } from './database.ts';
import { loadMigrations, migrate } from './migrate.ts';

describe.each(testDatabases().map((f) => [f.name, f] as [string, TestDatabaseFactory]))(
  'migrations on %s',
  (_name, factory) => {
    let handle: DatabaseHandle;
    beforeAll(async () => {
      handle = await factory.open();
    });
    afterAll(() => handle.close());

    it('records every migration and applies nothing twice', async () => {
      const rows = await sql<{
        version: number;
      }>`SELECT version FROM schema_migrations ORDER BY version`.execute(handle.db);
      expect(rows.rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
      expect(await migrate(handle.db)).toEqual([]);
    });

    it('creates the site app', async () => {
      const app = await handle.db
        .selectFrom('apps')
        .selectAll()
        .where('id', '=', 'app_site')
        .executeTakeFirst();
      expect(app?.name).toBe('PNPtv');
    });

    it('returns int8 columns as numbers and timestamps as dates', async () => {
      await handle.db
        .insertInto('users')
        .values({
          id: 'usr_t',
          app_id: 'app_site',
          display_name: 'T',
          telegram_id: 123456789012,
          created_at: new Date(),
          updated_at: new Date(),
        })
        .execute();
      const user = await handle.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', 'usr_t')
        .executeTakeFirstOrThrow();
      expect(user.telegram_id).toBe(123456789012);
      expect(user.created_at).toBeInstanceOf(Date);
    });
  },
);

describe('loadMigrations', () => {
  it('numbers the shipped migrations from 001 without gaps', () => {
    const versions = loadMigrations().map((m) => m.version);
    expect(versions[0]).toBe(1);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
  });
});
