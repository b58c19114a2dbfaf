import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.port.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/schema.ts';
import type { Metrics } from '../metrics.ts';
import { backoffMs, idlePollMs, nextStepAfterFailure } from './jobs.rules.ts';
import type { JobRow, JobStore } from './jobs.store.ts';

/** What a handler gets: the job's identity and payload. Handlers must be idempotent (delivery is at-least-once). */
export interface JobContext<P = Record<string, unknown>> {
  id: string;
  appId: string;
  kind: string;
  payload: P;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
}

/** Handles one kind of job. Throwing schedules a retry (or dead-letters the job after its last attempt). */
export type JobHandler<P = Record<string, unknown>> = (job: JobContext<P>) => Promise<void>;

/** Options for one registered kind. */
export interface JobKindOptions {
  /** Backoff base and cap in ms; default 5 s doubling up to 6 h. */
  backoff?: { baseMs?: number; maxMs?: number };
}

/** Bus topic that wakes idle workers when new work is committed. */
export const JOBS_WAKE_TOPIC = 'jobs.wake';

/**
 * Polls the outbox, runs due jobs with bounded concurrency, retries failures with
 * exponential backoff and dead-letters jobs that run out of attempts. An idle worker polls less
 * and less often (see `idlePollMs`) until new work wakes it. `stop()` waits for running jobs to
 * finish.
 */
export class JobWorker {
  private readonly handlers = new Map<string, { handler: JobHandler; options: JobKindOptions }>();
  private readonly inflight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private unsubscribe: (() => Promise<void>) | null = null;
  /** Polls in a row that found nothing due; the idle sleep grows with it. */
  private emptyPolls = 0;

  constructor(
    private readonly deps: {
      db: Db;
      store: JobStore;
      clock: Clock;
      log: Logger;
      metrics: Metrics;
      bus: Bus;
      workerId: string;
      /** Idle poll interval, ms. */
      pollMs: number;
      /** Jobs run at once. */
      concurrency?: number;
      /** A running job is reclaimed after this long without finishing, ms. */
      leaseMs?: number;
    },
  ) {}

  /** Registers the handler for `kind`; one handler per kind. */
  register<P>(kind: string, handler: JobHandler<P>, options: JobKindOptions = {}): void {
    if (this.handlers.has(kind)) throw new Error(`A handler for job kind ${kind} is already registered`);
    this.handlers.set(kind, { handler: handler as JobHandler, options });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = await this.deps.bus.subscribe(JOBS_WAKE_TOPIC, () => this.wake());
    this.loop = this.run();
  }

  /** Ends the poll loop and waits for running jobs to finish. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.unsubscribe?.();
    await this.loop;
    await Promise.allSettled([...this.inflight]);
  }

  /** Makes an idle worker poll now instead of at its next tick. */
  wake(): void {
    this.emptyPolls = 0;
    this.wakeUp?.();
  }

  /** Claims and runs due jobs until none are left; used by tests and the CLI. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const claimed = await this.claim(this.deps.concurrency ?? 4);
      if (claimed.length === 0) break;
      total += claimed.length;
      await Promise.all(claimed.map((job) => this.execute(job)));
    }
    return total;
  }

  private async run(): Promise<void> {
    const concurrency = this.deps.concurrency ?? 4;
    while (this.running) {
      let claimed: JobRow[] = [];
      const free = concurrency - this.inflight.size;
      if (free > 0) {
        try {
          claimed = await this.claim(free);
        } catch (error) {
          this.deps.log.error({ err: error }, 'claiming jobs failed');
        }
      }
      for (const job of claimed) {
        const task = this.execute(job).finally(() => {
          this.inflight.delete(task);
          this.wake();
        });
        this.inflight.add(task);
      }
      if (claimed.length > 0) this.emptyPolls = 0;
      if (claimed.length === 0) await this.sleep(idlePollMs(this.deps.pollMs, this.emptyPolls++));
      else if (this.inflight.size >= concurrency) await this.sleep(this.deps.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }

  private claim(limit: number): Promise<JobRow[]> {
    return this.deps.store.claim(
      this.deps.db,
      this.deps.workerId,
      limit,
      new Date(this.deps.clock.now()),
      this.deps.leaseMs ?? 300_000,
    );
  }

  private async execute(job: JobRow): Promise<void> {
    const { store, db, clock, log, metrics } = this.deps;
    const entry = this.handlers.get(job.kind);
    const now = () => new Date(clock.now());
    if (!entry) {
      await store.bury(db, job.id, `No handler for job kind ${job.kind}`, now());
      metrics.jobsProcessed.inc({ kind: job.kind, outcome: 'dead' });
      log.error({ job: job.id, kind: job.kind }, 'job has no handler; dead-lettered');
      return;
    }
    try {
      await entry.handler({
        id: job.id,
        appId: job.app_id,
        kind: job.kind,
        payload: job.payload as unknown as Record<string, unknown>,
        attempt: job.attempts,
        maxAttempts: job.max_attempts,
      });
      await store.complete(db, job.id, now());
      metrics.jobsProcessed.inc({ kind: job.kind, outcome: 'done' });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      try {
        if (nextStepAfterFailure(job.attempts, job.max_attempts) === 'dead') {
          await store.bury(db, job.id, message, now());
          metrics.jobsProcessed.inc({ kind: job.kind, outcome: 'dead' });
          log.warn(
            { job: job.id, kind: job.kind, attempts: job.attempts, err: message },
            'job dead-lettered',
          );
        } else {
          const delay = backoffMs(job.attempts, entry.options.backoff);
          await store.retryLater(db, job.id, message, new Date(clock.now() + delay), now());
          metrics.jobsProcessed.inc({ kind: job.kind, outcome: 'retry' });
          log.info(
            { job: job.id, kind: job.kind, attempt: job.attempts, retryInMs: delay, err: message },
            'job failed; will retry',
          );
        }
      } catch (storeError) {
        log.error(
          { err: storeError, job: job.id },
          'recording a job failure failed; the lease will expire and it will run again',
        );
      }
    }
  }
}
