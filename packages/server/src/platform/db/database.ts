import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './lock.ts';
import type { Database, Db } from './schema.ts';

/** An open database: the Kysely handle plus its lifecycle. */
export interface DatabaseHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Resolves when a trivial query succeeds (used by /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const INT8 = 20;

/**
 * Opens PostgreSQL through a `pg` pool. int8 values are returned as numbers, as PGlite
 * does, so that the same code sees the same types on both (our int8 columns hold
 * values below 2^53: Telegram ids and counters).
 */
export function openPostgres(url: string, options: { max?: number } = {}): DatabaseHandle {
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8 && format !== 'binary'
        ? (value: string) => Number(value)
        : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types });
  pool.on('error', () => {
    /* an idle client's error surfaces on its next query */
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    ping: async () => {
      await sql`SELECT 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/** Opens an already constructed PGlite instance (tests use in-memory ones). */
export function wrapPGlite(pglite: PGlite, release: () => void = () => {}): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await sql`SELECT 1`.execute(db);
    },
    close: async () => {
      try {
        await db.destroy();
      } finally {
        release();
      }
    },
  };
}

/** Opens the embedded PGlite database in `<dataDir>/db`, locking the folder for this process. */
export async function openPGlite(dataDir: string): Promise<DatabaseHandle> {
  const dir = join(dataDir, 'db');
  const release = lockDataDir(dataDir);
  try {
    // Loaded on demand: a server on PostgreSQL does not carry the embedded engine.
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = await PGlite.create(dir, { parsers: { [INT8]: (value: string) => Number(value) } });
    return wrapPGlite(pglite, release);
  } catch (error) {
    release();
    throw error;
  }
}
