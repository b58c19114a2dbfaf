import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type Bus, createBus, type MemoryBusHub } from './bus/index.ts';
import { type Cache, createCache } from './cache/index.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { type DatabaseHandle, openPGlite, openPostgres } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import type { Db } from './db/schema.ts';
import { createOutboundClients, type OutboundClients } from './http/outbound.clients.ts';
import type { HostResolver } from './http/outbound.ts';
import { randomSecret } from './ids.ts';
import { JobStore, JobWorker } from './jobs/index.ts';
import { capLogger, createLogger } from './log.ts';
import { DevMailTransport, MailService, type MailTransport, SmtpMailTransport } from './mail/index.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createRateLimiter, type RateLimiter } from './ratelimit/index.ts';
import { openRedis } from './redis-client.ts';

/** The shared infrastructure every capability is built on, chosen by configuration. */
export interface Platform {
  config: Config;
  nodeId: string;
  log: Logger;
  clock: Clock;
  database: DatabaseHandle;
  db: Db;
  bus: Bus;
  cache: Cache;
  rateLimiter: RateLimiter;
  metrics: Metrics;
  jobs: JobStore;
  worker: JobWorker;
  mail: MailService;
  /** Outbound HTTP, one client per private-target policy (user targets, webhooks, payment providers). */
  outbound: OutboundClients;
  /** Releases everything the platform opened, in reverse order. */
  close(): Promise<void>;
}

/** Overrides for tests: an already open database, a shared in-memory hub, a fake clock. */
export interface PlatformOverrides {
  database?: DatabaseHandle;
  busHub?: MemoryBusHub;
  clock?: Clock;
  logDestination?: NodeJS.WritableStream;
  mailTransport?: MailTransport;
  nodeId?: string;
  /** Host resolver of the outbound HTTP clients. */
  outboundResolve?: HostResolver;
}

/**
 * Opens the database (PGlite in `<DATA_DIR>/db` or PostgreSQL), runs migrations, and
 * creates the bus, cache and rate limiter (in memory, or Redis when REDIS_URL is set).
 */
export async function createPlatform(config: Config, overrides: PlatformOverrides = {}): Promise<Platform> {
  const nodeId = overrides.nodeId ?? `${hostname()}-${process.pid}-${randomSecret(3)}`;
  const log = createLogger({ level: config.logLevel, nodeId, destination: overrides.logDestination });
  const clock = overrides.clock ?? systemClock;
  const closers: (() => Promise<void> | void)[] = [];
  try {
    const database =
      overrides.database ??
      (config.databaseUrl ? openPostgres(config.databaseUrl) : await openPGlite(config.dataDir));
    closers.push(() => database.close());
    const applied = await migrate(database.db);
    if (applied.length > 0) capLogger(log, 'db').info({ applied, kind: database.kind }, 'migrations applied');

    let redis: Redis | undefined;
    if (config.redisUrl) {
      redis = openRedis(config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: false });
      redis.on('error', (err) => capLogger(log, 'bus').warn({ err: err.message }, 'redis connection error'));
      const client = redis;
      closers.push(async () => {
        await client.quit().catch(() => client.disconnect());
      });
    }
    const bus = createBus({
      nodeId,
      redis,
      hub: overrides.busHub,
      onError: (err, meta) => capLogger(log, 'bus').error({ err, topic: meta.topic }, 'bus handler failed'),
    });
    closers.push(() => bus.close());
    const cache = createCache({ redis });
    closers.push(() => cache.close());
    const rateLimiter = createRateLimiter({ redis });
    closers.push(() => rateLimiter.close());

    const metrics = createMetrics({ defaultMetrics: !overrides.database });
    const jobs = new JobStore();
    metrics.onScrape(async () => {
      const counts = await jobs.countByStatus(database.db);
      for (const status of ['queued', 'running', 'done', 'dead'])
        metrics.jobsQueued.set({ status }, counts[status] ?? 0);
    });
    const worker = new JobWorker({
      db: database.db,
      store: jobs,
      clock,
      log: capLogger(log, 'jobs'),
      metrics,
      bus,
      workerId: nodeId,
      pollMs: config.jobsPollMs,
    });
    const transport =
      overrides.mailTransport ??
      (config.smtpUrl ? new SmtpMailTransport(config.smtpUrl, config.mailFrom) : new DevMailTransport());
    const mail = new MailService({ db: database.db, jobs, transport, clock });
    mail.registerWorker(worker);
    const outbound = createOutboundClients(config, { resolve: overrides.outboundResolve });
    closers.push(() => outbound.close());

    return {
      config,
      nodeId,
      log,
      clock,
      database,
      db: database.db,
      bus,
      cache,
      rateLimiter,
      metrics,
      jobs,
      worker,
      mail,
      outbound: {
        userTargets: outbound.userTargets,
        webhooks: outbound.webhooks,
        providers: outbound.providers,
      },
      close: async () => {
        await worker.stop();
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => {});
    throw error;
  }
}
