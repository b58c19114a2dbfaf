import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UndiciOutboundHttp } from '../platform/http/outbound.undici.ts';
import { sendWebhook } from './webhooks.sender.ts';

describe('sending to a real receiver', () => {
  let server: Server;
  let port: number;
  const seen: { host: string | undefined; body: string; headers: IncomingMessage['headers'] }[] = [];
  const behaviours: Record<string, (res: ServerResponse) => void> = {
    '/ok': (res) => res.writeHead(204).end(),
    '/big': (res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(64 * 1024, 'x'));
      // Never ends: the sender must return on the status instead of waiting for the body.
    },
    '/hang': () => {},
    '/redirect': (res) => res.writeHead(302, { location: 'http://169.254.169.254/' }).end(),
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          host: req.headers.host,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: req.headers,
        });
        behaviours[req.url ?? '']?.(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const http = new UndiciOutboundHttp({
    allowPrivate: true,
    allowedOrigins: [],
    timeoutMs: 5000,
    maxResponseBytes: 4096,
    resolve: async () => [{ address: '127.0.0.1', family: 4 }],
  });
  afterAll(() => http.close());

  const send = (path: string, options: { host?: string; port?: number; timeoutMs?: number } = {}) =>
    sendWebhook(http, {
      url: new URL(`http://${options.host ?? '127.0.0.1'}:${options.port ?? port}${path}`),
      headers: { 'content-type': 'application/json', 'x-test': 'yes' },
      body: '{"héllo":1}',
      timeoutMs: options.timeoutMs ?? 2000,
    });

  it('posts the body and headers and returns the status', async () => {
    expect(await send('/ok')).toEqual({ status: 204 });
    const last = seen.at(-1)!;
    expect(last.body).toBe('{"héllo":1}');
    expect(last.headers['x-test']).toBe('yes');
    expect(last.headers['content-length']).toBe(String(Buffer.byteLength('{"héllo":1}')));
  });

  it('sends the host name of the URL, connecting where the resolver says', async () => {
    expect(await send('/ok', { host: 'hooks.example.test' })).toEqual({ status: 204 });
    expect(seen.at(-1)!.host).toBe(`hooks.example.test:${port}`);
  });

  it('returns on the status without reading a large or endless response', async () => {
    expect(await send('/big')).toEqual({ status: 200 });
  });

  it('does not follow redirects', async () => {
    const before = seen.length;
    expect(await send('/redirect')).toEqual({ status: 302 });
    expect(seen.length).toBe(before + 1);
  });

  it('gives up when the receiver does not answer in time, saying so with its code', async () => {
    const started = Date.now();
    await expect(send('/hang', { timeoutMs: 300 })).rejects.toThrow(
      'The target did not answer in time (OUTBOUND_TIMEOUT)',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(send('/', { port: freePort })).rejects.toThrow(
      'Connection refused (OUTBOUND_CONNECT_FAILED)',
    );
  });
});
