import { describe, expect, it } from 'vitest';
import { splitSqlStatements } from './sql-script.ts';

describe('splitSqlStatements', () => {
  it('splits at top-level semicolons and drops comments', () => {
    expect(splitSqlStatements('-- a; comment\nCREATE TABLE a (x int);\n/* b; */ SELECT 1;')).toEqual([
      'CREATE TABLE a (x int)',
      'SELECT 1',
    ]);
  });

  it('keeps semicolons inside strings, identifiers and dollar-quoted bodies', () => {
    const script = `INSERT INTO t VALUES ('a;b', 'it''s; fine');\nCREATE TABLE "x;y" (v int);\nDO $body$ BEGIN PERFORM 1; END $body$;`;
    expect(splitSqlStatements(script)).toEqual([
      "INSERT INTO t VALUES ('a;b', 'it''s; fine')",
      'CREATE TABLE "x;y" (v int)',
      'DO $body$ BEGIN PERFORM 1; END $body$',
    ]);
  });
});
