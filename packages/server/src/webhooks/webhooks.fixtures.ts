/** Shared pieces of the webhooks HTTP tests. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Db } from '../platform/db/schema.ts';

/** Everything the webhooks capability writes, to prove a refused request changed nothing. */
export async function webhookState(db: Db): Promise<unknown> {
  const [endpoints, deliveries, audit, jobs] = await Promise.all([
    db.selectFrom('webhook_endpoints').selectAll().orderBy('id').execute(),
    db.selectFrom('webhook_deliveries').selectAll().orderBy('id').execute(),
    db.selectFrom('audit_log').select('id').orderBy('id').execute(),
    db.selectFrom('jobs').select('id').orderBy('id').execute(),
  ]);
  return { endpoints, deliveries, audit: audit.length, jobs: jobs.length };
}

/** Asserts an error response's status and stable code. */
export function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect({ status: res.statusCode, code: (res.json() as { code?: string }).code }).toEqual({ status, code });
}

/** Asserts that `request` is refused with `status`/`code` and leaves the webhook tables as they were. */
export async function expectRefused(
  db: Db,
  request: () => Promise<LightMyRequestResponse>,
  status: number,
  code: string,
): Promise<void> {
  const before = await webhookState(db);
  expectError(await request(), status, code);
  expect(await webhookState(db)).toEqual(before);
}

/** A real receiver on 127.0.0.1 that answers 200 and keeps every request. */
export async function startReceiver(): Promise<{
  server: Server;
  url: (path: string) => string;
  got: { path: string; body: string; headers: IncomingHttpHeaders }[];
}> {
  const got: { path: string; body: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ path: req.url ?? '/', body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, got, url: (path) => `http://127.0.0.1:${port}${path}` };
}

/** An endpoint as the API returns it. */
export interface EndpointJson {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
}
