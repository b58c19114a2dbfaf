import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendWebhook, TargetRefusedError, vetTarget } from './webhooks.sender.ts';

describe('vetting a target', () => {
  const resolveTo =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('returns the first address of a host that resolves only to public addresses', async () => {
    const vetted = await vetTarget(new URL('https://hooks.example.com/x'), {
      allowPrivate: false,
      resolve: resolveTo('93.184.216.34', '2606:2800::1'),
    });
    expect(vetted).toEqual({ address: '93.184.216.34', family: 4 });
  });

  it('refuses a host with any private answer, even next to a public one', async () => {
    const attempt = vetTarget(new URL('https://mixed.example.com/'), {
      allowPrivate: false,
      resolve: resolveTo('93.184.216.34', '10.0.0.5'),
    });
    await expect(attempt).rejects.toMatchObject({ reason: 'forbidden' });
  });

  it('refuses IP literals off limits without asking DNS', async () => {
    const never = async () => {
      throw new Error('DNS must not be asked');
    };
    for (const url of [
      'http://127.0.0.1/',
      'http://[::1]/',
      'http://169.254.169.254/latest/meta-data',
      'http://[::ffff:a00:1]/',
      'http://0.0.0.0/',
    ]) {
      await expect(
        vetTarget(new URL(url), { allowPrivate: false, resolve: never }),
        url,
      ).rejects.toBeInstanceOf(TargetRefusedError);
    }
  });

  it('refuses names that resolve to loopback through the system resolver', async () => {
    await expect(vetTarget(new URL('http://localhost:9/'), { allowPrivate: false })).rejects.toMatchObject({
      reason: 'forbidden',
    });
  });

  it('reports a host that does not resolve', async () => {
    const nothing = async () => [];
    await expect(
      vetTarget(new URL('https://nowhere.invalid/'), { allowPrivate: false, resolve: nothing }),
    ).rejects.toMatchObject({ reason: 'unresolvable' });
  });

  it('lets private addresses through when they are allowed', async () => {
    expect(await vetTarget(new URL('http://127.0.0.1:1/'), { allowPrivate: true })).toEqual({
      address: '127.0.0.1',
      family: 4,
    });
  });
});

describe('sending to a real receiver', () => {
  let server: Server;
  let port: number;
  const seen: { host: string | undefined; body: string; headers: IncomingMessage['headers'] }[] = [];
  const behaviours: Record<string, (res: ServerResponse) => void> = {
    '/ok': (res) => res.writeHead(204).end(),
    '/big': (res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(64 * 1024, 'x'));
      // Never ends: the sender must stop reading after its byte limit instead of waiting.
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

  const send = (path: string, options: { host?: string; timeoutMs?: number } = {}) =>
    sendWebhook({
      url: new URL(`http://${options.host ?? '127.0.0.1'}:${port}${path}`),
      target: { address: '127.0.0.1', family: 4 },
      headers: { 'content-type': 'application/json', 'x-test': 'yes' },
      body: '{"héllo":1}',
      timeoutMs: options.timeoutMs ?? 2000,
      maxResponseBytes: 4096,
    });

  it('posts the body and headers and returns the status', async () => {
    expect(await send('/ok')).toEqual({ status: 204 });
    const last = seen.at(-1)!;
    expect(last.body).toBe('{"héllo":1}');
    expect(last.headers['x-test']).toBe('yes');
    expect(last.headers['content-length']).toBe(String(Buffer.byteLength('{"héllo":1}')));
  });

  it('connects to the vetted address whatever the host name would resolve to now', async () => {
    expect(await send('/ok', { host: 'rebinding.invalid' })).toEqual({ status: 204 });
    expect(seen.at(-1)!.host).toBe(`rebinding.invalid:${port}`);
  });

  it('stops reading a large response after the byte limit', async () => {
    expect(await send('/big')).toEqual({ status: 200 });
  });

  it('does not follow redirects', async () => {
    expect(await send('/redirect')).toEqual({ status: 302 });
  });

  it('gives up when the receiver does not answer in time', async () => {
    const started = Date.now();
    await expect(send('/hang', { timeoutMs: 300 })).rejects.toThrow(/No complete answer/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      sendWebhook({
        url: new URL(`http://127.0.0.1:${freePort}/`),
        target: { address: '127.0.0.1', family: 4 },
        headers: {},
        body: '{}',
        timeoutMs: 2000,
        maxResponseBytes: 4096,
      }),
    ).rejects.toThrow('Connection refused');
  });
});
