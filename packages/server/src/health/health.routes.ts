import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { metricsRoute } from '../platform/http/metrics-endpoint.ts';
import type { Platform } from '../platform/platform.ts';

const Check = Type.Object({
  ok: Type.Boolean(),
  ms: Type.Number(),
  error: Type.Optional(Type.String()),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  checks: Type.Record(Type.String(), Check),
});

/** A readiness check beyond the platform's: whether this role can work, why not, and details to show. */
export type ReadinessCheck = () => Promise<{
  ok: boolean;
  error?: string;
  details?: Record<string, unknown>;
}>;

/** How long an extra check may take, ms: the media tools' first check spawns ffmpeg and ffprobe. */
const EXTRA_CHECK_TIMEOUT_MS = 15_000;

async function timed(
  check: () => Promise<void>,
  timeoutMs: number,
): Promise<{ ok: boolean; ms: number; error?: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      ok: false,
      ms: Math.round(performance.now() - started),
      error: error instanceof Error ? error.message : 'failed',
    };
  } finally {
    clearTimeout(timer);
  }
}

async function timedExtra(check: ReadinessCheck): Promise<Static<typeof Check>> {
  let result: Awaited<ReturnType<ReadinessCheck>> = { ok: false };
  const outcome = await timed(async () => {
    result = await check();
  }, EXTRA_CHECK_TIMEOUT_MS);
  if (!outcome.ok) return outcome;
  const { ok, error, details } = result;
  return { ok, ms: outcome.ms, ...(error ? { error } : {}), ...(details ? { details } : {}) };
}

/**
 * Liveness, readiness (database, bus and cache reachable, and every check in `extra`, such as
 * the media tools on an ingest node) and Prometheus metrics (token-guarded on this port).
 */
export async function healthRoutes(
  app: FastifyInstance,
  platform: Platform,
  extra: Record<string, ReadinessCheck> = {},
): Promise<void> {
  const HealthBody = '{"status":"ok"}';
  app.get(
    '/healthz',
    {
      schema: { hide: true, response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
      // Probes are read by load balancers, not browsers: no security headers, so they cost
      // what a bare route costs (the http benchmark's health_rps).
      helmet: false,
    },
    (_request, reply) => {
      void reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(HealthBody);
    },
  );

  app.get(
    '/readyz',
    { schema: { hide: true, response: { 200: Ready, 503: Ready } }, helmet: false },
    async (_request, reply) => {
      const names = Object.keys(extra);
      const [db, bus, cache, ...more] = await Promise.all([
        timed(() => platform.database.ping(), 2000),
        timed(() => platform.bus.ping(), 2000),
        timed(() => platform.cache.ping(), 2000),
        ...names.map((name) => timedExtra(extra[name]!)),
      ]);
      const checks: Record<string, Static<typeof Check>> = { db, bus, cache };
      names.forEach((name, i) => {
        checks[name] = more[i]!;
      });
      const ok = Object.values(checks).every((check) => check.ok);
      return reply
        .status(ok ? 200 : 503)
        .header('cache-control', 'no-store')
        .send({ status: ok ? 'ready' : 'unavailable', checks });
    },
  );

  metricsRoute(app, platform.metrics, platform.config.metricsToken);
}
