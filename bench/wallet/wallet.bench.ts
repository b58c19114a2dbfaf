/**
 * Ledger throughput on PostgreSQL: gifts per second (each one debit and two credits, posted
 * atomically and idempotently through LedgerService) beside the same count of bare
 * single-row `UPDATE … SET n = n + 1` statements, with the same concurrency, pool and client
 * stack (Kysely over pg), in one run. Gift and bare phases alternate in short rounds so that
 * load from other processes on the machine weighs on both alike. The ledger is verified
 * afterwards. BENCH_SENDERS, BENCH_POOL, BENCH_ROUNDS, BENCH_ROUND_S and BENCH_IN_FLIGHT
 * (statements the ledger keeps in flight) change the load.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { openPostgres } from '../../packages/server/src/platform/db/database.ts';
import { migrate } from '../../packages/server/src/platform/db/migrate.ts';
import type { Db } from '../../packages/server/src/platform/db/schema.ts';
import { SITE_APP_ID } from '../../packages/server/src/platform/db/schema.ts';
import { LedgerService, ledgerVerify } from '../../packages/server/src/wallet/index.ts';
import { ROOT } from '../lib/process.ts';

/** Parallel senders (each its own wallet and counter row), as in a busy live stream. */
const SENDERS = Number(process.env.BENCH_SENDERS ?? 32);
/** Connections in the pool the senders share. */
const POOL = Number(process.env.BENCH_POOL ?? 16);
/** Gift phase length per round, seconds; the gift phases add up to ROUNDS × this. */
const ROUND_S = Number(process.env.BENCH_ROUND_S ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CREATORS = 8;
const GIFT_COINS = 10;
const FUNDED_COINS = 1_000_000_000;

interface Phase {
  count: number;
  seconds: number;
}

/** Runs `op(sender, seq)` from every sender in parallel until `limit.ms` has passed or `limit.total` ops were issued. */
async function drive(
  op: (sender: number, seq: number) => Promise<void>,
  limit: { ms?: number; total?: number },
): Promise<Phase> {
  const started = performance.now();
  let issued = 0;
  let done = 0;
  const next = () => {
    if (limit.total !== undefined) return issued < limit.total ? issued++ : -1;
    return performance.now() - started < limit.ms! ? issued++ : -1;
  };
  await Promise.all(
    Array.from({ length: SENDERS }, async (_, sender) => {
      for (let seq = next(); seq !== -1; seq = next()) {
        await op(sender, seq);
        done++;
      }
    }),
  );
  return { count: done, seconds: (performance.now() - started) / 1000 };
}

async function createDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `pnptv_b_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`).finally(() => admin.end());
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => dropper.end());
    },
  };
}

async function setUp(db: Db, ledger: LedgerService): Promise<void> {
  await sql`CREATE TABLE bench_counters (id integer PRIMARY KEY, n bigint NOT NULL DEFAULT 0)`.execute(db);
  await sql`INSERT INTO bench_counters (id) SELECT g FROM generate_series(0, ${SENDERS - 1}) g`.execute(db);
  for (let s = 0; s < SENDERS; s++) {
    await ledger.creditPurchase({
      appId: SITE_APP_ID,
      userId: `usr_sender${s}`,
      coins: FUNDED_COINS,
      provider: 'sandbox',
      idempotencyKey: `fund-${s}`,
    });
  }
}

export async function main(): Promise<void> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('The wallet benchmark runs on PostgreSQL: set DATABASE_URL');
  const database = await createDatabase(base);
  const handle = openPostgres(database.url, { max: POOL });
  try {
    const { db } = handle;
    await migrate(db);
    const batch = process.env.BENCH_IN_FLIGHT
      ? { maxInFlight: Number(process.env.BENCH_IN_FLIGHT) }
      : undefined;
    const ledger = new LedgerService({ db, clock: { now: () => Date.now() }, batch });
    await setUp(db, ledger);

    const gift = async (sender: number, seq: number) => {
      await ledger.sendGift({
        appId: SITE_APP_ID,
        fromUserId: `usr_sender${sender}`,
        toCreatorId: `usr_creator${seq % CREATORS}`,
        coins: GIFT_COINS,
        idempotencyKey: `gift-${sender}-${seq}`,
      });
    };
    const bare = async (sender: number) => {
      await sql`UPDATE bench_counters SET n = n + 1 WHERE id = ${sender}`.execute(db);
    };

    // Warm-up: JIT, pool connections, plan caches, and every sender's ledger accounts.
    let offset = 0;
    const warm = await drive((s, q) => gift(s, q), { ms: 1500 });
    offset += warm.count;
    await drive((s) => bare(s), { total: warm.count });

    const gifts: Phase[] = [];
    const bares: Phase[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const start = offset;
      const g = await drive((s, q) => gift(s, start + q), { ms: ROUND_S * 1000 });
      offset += g.count;
      gifts.push(g);
      bares.push(await drive((s) => bare(s), { total: g.count }));
    }
    const total = (phases: Phase[]) =>
      phases.reduce((a, p) => ({ count: a.count + p.count, seconds: a.seconds + p.seconds }), {
        count: 0,
        seconds: 0,
      });
    const g = total(gifts);
    const b = total(bares);

    const violations = await ledgerVerify(db);
    const [counts] = (
      await sql<{
        gifts: string;
      }>`SELECT count(*)::text AS gifts FROM ledger_transactions WHERE kind = 'gift'`.execute(db)
    ).rows;
    const postedGifts = Number(counts!.gifts);
    const invariantsOk = violations.length === 0 && postedGifts === offset;

    const stats = ledger.batchStats();
    const meanBatch = Number((stats.postings / Math.max(1, stats.statements)).toFixed(1));
    const giftsPerS = Math.round(g.count / g.seconds);
    const barePerS = Math.round(b.count / b.seconds);
    const result = {
      gifts_per_s: giftsPerS,
      bare_updates_per_s: barePerS,
      ratio: Number((giftsPerS / barePerS).toFixed(3)),
      invariants_ok: invariantsOk,
      gifts_measured: g.count,
      gifts_posted_total: postedGifts,
      violations: violations.length,
      senders: SENDERS,
      pool: POOL,
      rounds: ROUNDS,
      gift_seconds: Number(g.seconds.toFixed(2)),
      mean_postings_per_statement: meanBatch,
    };
    process.stdout.write(
      [
        '',
        `  ${SENDERS} senders over a pool of ${POOL}, ${ROUNDS} alternating rounds of ${ROUND_S} s, PostgreSQL`,
        `  bare UPDATE n = n + 1   ${String(barePerS).padStart(7)} /s  (baseline, ${b.count} statements)`,
        `  gifts (3 entries)       ${String(giftsPerS).padStart(7)} /s  ratio ${result.ratio} (targets ≥ 2000 /s, ≥ 0.4)`,
        `  gifts were grouped ${meanBatch} per statement on average`,
        `  ledger verify: ${invariantsOk ? 'OK' : `FAILED (${violations.length} violations, ${postedGifts} gifts posted of ${offset})`}`,
        '',
      ].join('\n'),
    );
    for (const v of violations.slice(0, 20))
      process.stdout.write(`  ${v.invariant} ${v.subject} ${v.detail}\n`);
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', 'wallet.json'), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write('wrote bench/results/wallet.json\n');
  } finally {
    await handle.close();
    await database.drop();
  }
}
