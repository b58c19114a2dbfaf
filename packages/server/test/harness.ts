import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { createAppDeps, createServices, type Services } from '../src/composition.ts';
import type { Clock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import type { DatabaseHandle } from '../src/platform/db/database.ts';
import type { HostResolver } from '../src/platform/http/outbound.ts';
import { createPlatform, type Platform } from '../src/platform/platform.ts';
import type { TestDatabaseFactory } from './databases.ts';
import { rememberDatabase } from './factories.ts';

/** A whole server in-process: platform, services and the Fastify app (not listening). */
export interface TestContext {
  platform: Platform;
  services: Services;
  app: FastifyInstance;
  /** Runs every due job now (the worker does not poll in tests). */
  drainJobs(): Promise<number>;
  close(): Promise<void>;
}

/** Options for a test server. */
export interface TestContextOptions {
  /** Extra environment for loadConfig (e.g. TELEGRAM_BOT_TOKEN). */
  env?: Record<string, string>;
  clock?: Clock;
  /** Use Redis (REDIS_URL) for bus, cache and rate limits instead of memory. */
  redis?: boolean;
  /** Host resolver of the outbound HTTP clients (the system's by default). */
  outboundResolve?: HostResolver;
}

/** Builds a test server on a database from `factory` (or an open handle); close() releases everything. */
export async function createTestContext(
  database: TestDatabaseFactory | DatabaseHandle,
  options: TestContextOptions = {},
): Promise<TestContext> {
  const handle = 'open' in database ? await database.open() : database;
  const env: Record<string, string> = {
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://localhost:8080',
    WEBHOOKS_ALLOW_PRIVATE: 'true',
    ...options.env,
  };
  if (options.redis) {
    if (!process.env.REDIS_URL) throw new Error('REDIS_URL is not set');
    env.REDIS_URL = process.env.REDIS_URL;
  }
  const config = loadConfig(env);
  const platform = await createPlatform(config, {
    database: handle,
    clock: options.clock,
    nodeId: 'test-node',
    outboundResolve: options.outboundResolve,
  });
  const services = createServices(platform);
  const app = await buildApp(createAppDeps(platform, services));
  await app.ready();
  rememberDatabase(app, platform.db);
  return {
    platform,
    services,
    app,
    drainJobs: () => platform.worker.drain(),
    close: async () => {
      await app.close();
      await platform.close();
    },
  };
}
