import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestDatabaseFactory, testDatabases } from '../../../test/databases.ts';
import { MemoryBus } from '../bus/index.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { createLogger } from '../log.ts';
import { createMetrics } from '../metrics.ts';
import { JobWorker } from './job-worker.ts';
import { backoffMs, IDLE_POLL_MAX_FACTOR, idlePollMs, nextStepAfterFailure } from './jobs.rules.ts';
import { JobStore } from './jobs.store.ts';

describe('backoffMs', () => {
  it('doubles from the base and stops at the cap', () => {
    const exact = (attempt: number) => backoffMs(attempt, { baseMs: 1000, maxMs: 10_000, random: () => 0 });
    expect([1, 2, 3, 4, 5, 6].map(exact)).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('adds at most 20 % jitter and never exceeds the cap', () => {
    expect(backoffMs(1, { baseMs: 1000, random: () => 0.999 })).toBeLessThanOrEqual(1200);
    expect(backoffMs(30, { baseMs: 1000, maxMs: 5000, random: () => 0.999 })).toBe(5000);
  });

  it('dead-letters only once the attempts are used up', () => {
    expect(nextStepAfterFailure(2, 3)).toBe('retry');
    expect(nextStepAfterFailure(3, 3)).toBe('dead');
  });
});

describe('idlePollMs', () => {
  it('doubles the idle sleep with each empty poll, up to its cap', () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => idlePollMs(500, n))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect(idlePollMs(100, 99)).toBe(100 * IDLE_POLL_MAX_FACTOR);
  });
});

describe.each(testDatabases().map((f) => [f.name, f] as [string, TestDatabaseFactory]))(
  'the job queue on %s',
  (_name, factory) => {
    let handle: DatabaseHandle;
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock = { now: () => now };
    const store = new JobStore();
    const log = createLogger({ level: 'silent', nodeId: 't' });

    function worker(id = 'w1') {
      return new JobWorker({
        db: handle.db,
        store,
        clock,
        log,
        metrics: createMetrics({ defaultMetrics: false }),
        bus: new MemoryBus({ nodeId: id }),
        workerId: id,
        pollMs: 20,
      });
    }

    beforeAll(async () => {
      handle = await factory.open();
    });
    afterAll(() => handle.close());
    beforeEach(async () => {
      await handle.db.deleteFrom('jobs').execute();
    });

    it('runs a queued job once and marks it done', async () => {
      const w = worker();
      const seen: unknown[] = [];
      w.register('greet', async (job) => {
        seen.push(job.payload);
      });
      await store.enqueue(
        handle.db,
        { appId: 'app_site', kind: 'greet', payload: { to: 'ana' } },
        new Date(now),
      );
      expect(await w.drain()).toBe(1);
      expect(await w.drain()).toBe(0);
      expect(seen).toEqual([{ to: 'ana' }]);
      const row = await handle.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
      expect(row.status).toBe('done');
      expect(row.attempts).toBe(1);
    });

    it('does not run a job whose transaction rolled back', async () => {
      await handle.db
        .transaction()
        .execute(async (tx) => {
          await store.enqueue(tx, { appId: 'app_site', kind: 'greet', payload: {} }, new Date(now));
          throw new Error('abort');
        })
        .catch(() => {});
      expect(await handle.db.selectFrom('jobs').selectAll().execute()).toEqual([]);
    });

    it('ignores a second enqueue with the same idempotency key', async () => {
      const first = await store.enqueue(
        handle.db,
        { appId: 'app_site', kind: 'k', payload: {}, idempotencyKey: 'once' },
        new Date(now),
      );
      const second = await store.enqueue(
        handle.db,
        { appId: 'app_site', kind: 'k', payload: {}, idempotencyKey: 'once' },
        new Date(now),
      );
      expect(first).toMatch(/^job_/);
      expect(second).toBeNull();
    });

    it('retries a failing job after its backoff and dead-letters it after the last attempt', async () => {
      const w = worker();
      let calls = 0;
      w.register(
        'flaky',
        async () => {
          calls++;
          throw new Error(`boom ${calls}`);
        },
        { backoff: { baseMs: 1000, maxMs: 1000 } },
      );
      await store.enqueue(
        handle.db,
        { appId: 'app_site', kind: 'flaky', payload: {}, maxAttempts: 3 },
        new Date(now),
      );
      await w.drain();
      expect(calls).toBe(1);
      expect(await w.drain()).toBe(0);
      now += 1300;
      await w.drain();
      now += 1300;
      await w.drain();
      expect(calls).toBe(3);
      const row = await handle.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
      expect(row.status).toBe('dead');
      expect(row.last_error).toBe('boom 3');
      expect((await store.list(handle.db, 'dead', 10)).map((j) => j.id)).toEqual([row.id]);
      expect(await store.revive(handle.db, row.id, new Date(now))).toBe(true);
      expect(await store.revive(handle.db, row.id, new Date(now))).toBe(false);
    });

    it('dead-letters a job nobody handles', async () => {
      await store.enqueue(handle.db, { appId: 'app_site', kind: 'unknown.kind', payload: {} }, new Date(now));
      await worker().drain();
      const row = await handle.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
      expect(row.status).toBe('dead');
      expect(row.last_error).toMatch(/No handler/);
    });

    it('never hands the same job to two workers claiming at once', async () => {
      for (let i = 0; i < 40; i++)
        await store.enqueue(handle.db, { appId: 'app_site', kind: 'k', payload: { i } }, new Date(now));
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.claim(handle.db, `w${i}`, 10, new Date(now), 60_000)),
      );
      const ids = claims.flat().map((j) => j.id);
      expect(ids.length).toBe(40);
      expect(new Set(ids).size).toBe(40);
    });

    it('reclaims a job whose worker died once the lease has passed', async () => {
      await store.enqueue(handle.db, { appId: 'app_site', kind: 'k', payload: {} }, new Date(now));
      expect(await store.claim(handle.db, 'dead-worker', 1, new Date(now), 60_000)).toHaveLength(1);
      expect(await store.claim(handle.db, 'w2', 1, new Date(now + 1000), 60_000)).toHaveLength(0);
      const again = await store.claim(handle.db, 'w2', 1, new Date(now + 61_000), 60_000);
      expect(again).toHaveLength(1);
      expect(again[0]!.attempts).toBe(2);
    });

    it('polls on its own once started and finishes running jobs before stopping', async () => {
      const w = worker('poller');
      let finished = false;
      w.register('slow', async () => {
        await new Promise((r) => setTimeout(r, 150));
        finished = true;
      });
      await w.start();
      await store.enqueue(handle.db, { appId: 'app_site', kind: 'slow', payload: {} }, new Date(now));
      const started = Date.now();
      while (Date.now() - started < 5000) {
        const row = await handle.db.selectFrom('jobs').select('status').executeTakeFirst();
        if (row?.status === 'running') break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await w.stop();
      expect(finished).toBe(true);
      expect((await handle.db.selectFrom('jobs').select('status').executeTakeFirstOrThrow()).status).toBe(
        'done',
      );
    });
  },
);
