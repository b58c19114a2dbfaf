import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostResolver, OutboundOptions } from './outbound.ts';
import { UndiciOutboundHttp } from './outbound.undici.ts';

/** Every test talks only to this server on 127.0.0.1; "public" addresses never get past the policy. */
let server: Server;
let port: number;
/** TCP connections accepted: a refused target must not even be connected to. */
let connections = 0;
const seen: { method: string; path: string; body: string; headers: IncomingMessage['headers'] }[] = [];
const behaviours: Record<string, (res: ServerResponse) => void> = {
  '/ok': (res) => res.writeHead(200, { 'content-type': 'text/plain', 'x-reply': 'yes' }).end('hello'),
  '/empty': (res) => res.writeHead(204).end(),
  '/redirect': (res) => res.writeHead(302, { location: `http://127.0.0.1:${port}/ok` }).end(),
  '/declared-big': (res) =>
    res.writeHead(200, { 'content-length': String(64 * 1024) }).end(Buffer.alloc(64 * 1024)),
  '/streamed-big': (res) => {
    res.writeHead(200);
    for (let i = 0; i < 16; i++) res.write(Buffer.alloc(4096, 'x'));
    res.end();
  },
  '/hang': () => {},
};
const clients: UndiciOutboundHttp[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
        headers: req.headers,
      });
      behaviours[req.url ?? '']?.(res);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function client(options: Partial<OutboundOptions> = {}): UndiciOutboundHttp {
  const created = new UndiciOutboundHttp({
    allowPrivate: false,
    allowedOrigins: [],
    timeoutMs: 2000,
    maxResponseBytes: 16 * 1024,
    ...options,
  });
  clients.push(created);
  return created;
}

/** A resolver answering from a script, one answer per call, the last one repeated. */
function scriptedResolver(...answers: string[][]): { resolve: HostResolver; calls: string[] } {
  const calls: string[] = [];
  const resolve: HostResolver = async (hostname) => {
    calls.push(hostname);
    const answer = answers[Math.min(calls.length, answers.length) - 1] ?? [];
    return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, calls };
}

const never: HostResolver = async () => {
  throw new Error('DNS must not be asked');
};

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('the private-target policy of outbound HTTP', () => {
  it('lets a public address through the check without connecting anywhere', async () => {
    const http = client({ resolve: never });
    await expect(http.checkTarget(new URL('https://93.184.216.34/hook'))).resolves.toBeUndefined();
    const { resolve } = scriptedResolver(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']);
    await expect(
      client({ resolve }).checkTarget(new URL('https://hooks.example.com/')),
    ).resolves.toBeUndefined();
  });

  it('refuses literal private targets up front and at connect, and sends them nothing', async () => {
    const http = client({ resolve: never });
    const before = connections;
    for (const target of [
      `http://127.0.0.1:${port}/ok`,
      `http://[::ffff:127.0.0.1]:${port}/ok`,
      'http://[::1]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://192.0.2.1/',
      'http://[2001:db8::1]/',
      'http://2130706433/',
    ]) {
      expect(await codeOf(http.checkTarget(new URL(target))), target).toBe('OUTBOUND_TARGET_PRIVATE');
    }
    expect(await codeOf(http.fetch(`http://127.0.0.1:${port}/ok`))).toBe('OUTBOUND_TARGET_PRIVATE');
    expect(await codeOf(http.fetch(`http://[::ffff:127.0.0.1]:${port}/ok`))).toBe('OUTBOUND_TARGET_PRIVATE');
    expect(connections).toBe(before);
  });

  it("refuses this host's own interface address, even a global one", async () => {
    for (const entry of Object.values(networkInterfaces()).flatMap((list) => list ?? [])) {
      const host = entry.family === 'IPv6' ? `[${entry.address.split('%')[0]}]` : entry.address;
      expect(await codeOf(client().checkTarget(new URL(`http://${host}/`))), entry.address).toBe(
        'OUTBOUND_TARGET_PRIVATE',
      );
    }
    const ownGlobal = client({
      resolve: scriptedResolver(['93.184.216.34']).resolve,
      networkInterfaces: () => ({ eth0: [{ address: '93.184.216.34', family: 'IPv4' }] }),
    });
    expect(await codeOf(ownGlobal.checkTarget(new URL('https://93.184.216.34/')))).toBe(
      'OUTBOUND_TARGET_PRIVATE',
    );
    expect(await codeOf(ownGlobal.checkTarget(new URL('https://me.example.com/')))).toBe(
      'OUTBOUND_TARGET_PRIVATE',
    );
  });

  it('refuses a host name that resolves to loopback when connecting', async () => {
    const before = connections;
    expect(await codeOf(client().fetch(`http://localhost:${port}/ok`))).toBe('OUTBOUND_TARGET_PRIVATE');
    expect(connections).toBe(before);
  });

  it('refuses a host with any refused address among its answers', async () => {
    const { resolve } = scriptedResolver(['93.184.216.34', '10.0.0.5']);
    expect(await codeOf(client({ resolve }).checkTarget(new URL('https://mixed.example.com/')))).toBe(
      'OUTBOUND_TARGET_PRIVATE',
    );
  });

  it('refuses at connect a host that answered a public address when checked and loopback afterwards', async () => {
    const { resolve, calls } = scriptedResolver(['93.184.216.34'], ['127.0.0.1']);
    const http = client({ resolve });
    const url = new URL(`http://rebinding.example.com:${port}/ok`);
    await http.checkTarget(url);
    const before = connections;
    expect(await codeOf(http.fetch(url))).toBe('OUTBOUND_TARGET_PRIVATE');
    expect(calls).toEqual(['rebinding.example.com', 'rebinding.example.com']);
    expect(connections).toBe(before);
  });

  it('reports a host that does not resolve', async () => {
    const { resolve } = scriptedResolver([]);
    const http = client({ resolve });
    expect(await codeOf(http.checkTarget(new URL('https://nowhere.example.com/')))).toBe(
      'OUTBOUND_TARGET_UNRESOLVED',
    );
    expect(await codeOf(http.fetch('https://nowhere.example.com/'))).toBe('OUTBOUND_TARGET_UNRESOLVED');
  });

  it('refuses anything but http and https', async () => {
    expect(await codeOf(client().fetch('file:///etc/passwd'))).toBe('OUTBOUND_URL_INVALID');
    expect(await codeOf(client().checkTarget(new URL('ftp://example.com/')))).toBe('OUTBOUND_URL_INVALID');
    expect(await codeOf(client().fetch('not a url'))).toBe('OUTBOUND_URL_INVALID');
  });

  it("connects to the operator's configured origins wherever they are, and only to those", async () => {
    const http = client({ allowedOrigins: [`http://127.0.0.1:${port}/v1`], resolve: never });
    const res = await http.fetch(`http://127.0.0.1:${port}/ok`);
    expect(await res.text()).toBe('hello');
    await expect(http.checkTarget(new URL(`http://127.0.0.1:${port}/other`))).resolves.toBeUndefined();
    expect(await codeOf(http.fetch(`http://127.0.0.1:${port + 1}/ok`))).toBe('OUTBOUND_TARGET_PRIVATE');
    expect(await codeOf(http.fetch(`https://127.0.0.1:${port}/ok`))).toBe('OUTBOUND_TARGET_PRIVATE');
  });
});

describe('requests through outbound HTTP (private targets allowed, on 127.0.0.1)', () => {
  const open = () => client({ allowPrivate: true });

  it('sends method, headers and body, and returns status, headers and body', async () => {
    const res = await open().fetch(`http://127.0.0.1:${port}/ok`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test': 'yes' },
      body: '{"héllo":1}',
    });
    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-reply')).toBe('yes');
    expect(res.url).toBe(`http://127.0.0.1:${port}/ok`);
    expect(await res.text()).toBe('hello');
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ method: 'POST', path: '/ok', body: '{"héllo":1}' });
    expect(last.headers['x-test']).toBe('yes');
    expect((await open().fetch(`http://127.0.0.1:${port}/empty`)).status).toBe(204);
  });

  it('returns a redirect as it is instead of following it', async () => {
    const before = seen.length;
    const res = await open().fetch(`http://127.0.0.1:${port}/redirect`, { redirect: 'follow' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`http://127.0.0.1:${port}/ok`);
    expect(seen.slice(before).map((s) => s.path)).toEqual(['/redirect']);
  });

  it('stops at the response size limit, declared or streamed', async () => {
    expect(await codeOf(open().fetch(`http://127.0.0.1:${port}/declared-big`))).toBe(
      'OUTBOUND_RESPONSE_TOO_LARGE',
    );
    const res = await open().fetch(`http://127.0.0.1:${port}/streamed-big`);
    expect(res.status).toBe(200);
    expect(await codeOf(res.arrayBuffer())).toBe('OUTBOUND_RESPONSE_TOO_LARGE');
  });

  it('gives up when the target does not answer in time, by its own deadline or the caller’s', async () => {
    const started = Date.now();
    expect(
      await codeOf(client({ allowPrivate: true, timeoutMs: 300 }).fetch(`http://127.0.0.1:${port}/hang`)),
    ).toBe('OUTBOUND_TIMEOUT');
    expect(
      await codeOf(open().fetch(`http://127.0.0.1:${port}/hang`, { signal: AbortSignal.timeout(300) })),
    ).toBe('OUTBOUND_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(1900);
  });

  it('reports a refused connection without details from the target', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(open().fetch(`http://127.0.0.1:${freePort}/`)).rejects.toMatchObject({
      code: 'OUTBOUND_CONNECT_FAILED',
      message: 'Connection refused',
    });
  });
});
