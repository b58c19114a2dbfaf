import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { commonErrors } from '../errors.ts';
import type { Metrics } from '../metrics.ts';

/** Content type of Prometheus' text exposition format. */
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Whether an Authorization header carries `token` (compared in constant time). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

/**
 * `/metrics` on the main port: only with `Authorization: Bearer <METRICS_TOKEN>`. Without a
 * token configured it answers 404 as if absent, so a public site never leaks its figures; use
 * the separate listener (METRICS_PORT) instead.
 */
export function metricsRoute(app: FastifyInstance, metrics: Metrics, token: string | null): void {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (token === null) throw commonErrors.NOT_FOUND('No route for GET /metrics');
    if (!bearerMatches(request.headers.authorization, token)) {
      void reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw commonErrors.AUTH_INVALID_TOKEN('A valid metrics token is required');
    }
    return reply
      .header('content-type', CONTENT_TYPE)
      .header('cache-control', 'no-store')
      .send(await metrics.scrape());
  });
}

/** A running metrics listener. */
export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A plain HTTP listener that serves only `GET /metrics`, for Prometheus on a private interface
 * (METRICS_HOST, loopback by default). It runs with every role, so worker and ingest nodes
 * without the HTTP API are scraped too.
 */
export async function startMetricsServer(
  metrics: Metrics,
  port: number,
  host: string,
): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found\n');
      return;
    }
    metrics.scrape().then(
      (text) => {
        response.writeHead(200, { 'content-type': CONTENT_TYPE, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      () => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Error\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
