import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { SERVER_ROOT } from '../package-root.ts';
import type { Db } from './schema.ts';
import { splitSqlStatements } from './sql-script.ts';

/** A numbered SQL migration shipped with the package. Released files are never edited. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = join(SERVER_ROOT, 'src', 'platform', 'db', 'migrations');

/** Reads `NNN_name.sql` files in version order; refuses gaps and duplicates. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql'));
  const migrations = files.map((file) => {
    const match = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new Error(`Migration file name must look like 001_name.sql: ${file}`);
    return { version: Number(match[1]), name: match[2]!, sql: readFileSync(join(dir, file), 'utf8') };
  });
  migrations.sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migrations must be numbered 001, 002, … without gaps; found ${m.version}`);
  });
  return migrations;
}

/** Lock id for pg_advisory_xact_lock so that concurrent boots migrate one at a time. */
const MIGRATION_LOCK = 72_616_001;

/**
 * Applies every migration not yet recorded, each in its own transaction, and returns
 * the versions applied. Safe to run concurrently from several processes on PostgreSQL.
 */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<number[]> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`.execute(
    db,
  );
  const applied: number[] = [];
  for (const migration of migrations) {
    const done = await db.transaction().execute(async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(tx);
      const row = await sql<{
        version: number;
      }>`SELECT version FROM schema_migrations WHERE version = ${migration.version}`.execute(tx);
      if (row.rows.length > 0) return false;
      for (const statement of splitSqlStatements(migration.sql)) await sql.raw(statement).execute(tx);
      await sql`INSERT INTO schema_migrations (version, name) VALUES (${migration.version}, ${migration.name})`.execute(
        tx,
      );
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}
