import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PnptvClient } from './pnptv-client.ts';
import { RecordingServer } from './recording-server.fixture.ts';
import { app, audit, delivery, endpoint, key, payload } from './sample-bodies.fixture.ts';

const server = new RecordingServer();
let baseUrl = '';
const API_KEY = `pk_${Math.random().toString(36).slice(2)}`;

beforeAll(async () => {
  baseUrl = await server.start();
});
afterAll(() => server.stop());
beforeEach(() => server.reset());

function client(): PnptvClient {
  return new PnptvClient({ baseUrl, apiKey: API_KEY });
}

type Call = (c: PnptvClient) => Promise<unknown>;

/** Name, call, method, URL, request body, server response, and what the call resolves with. */
const CALLS: [string, Call, string, string, unknown, unknown, unknown][] = [
  [
    'apps.list',
    (c) => c.apps.list(),
    'GET',
    '/api/v1/apps',
    undefined,
    { items: [app], nextCursor: 'c2' },
    { items: [app], nextCursor: 'c2' },
  ],
  [
    'apps.list with cursor and limit',
    (c) => c.apps.list({ cursor: 'a b', limit: 5 }),
    'GET',
    '/api/v1/apps?cursor=a+b&limit=5',
    undefined,
    { items: [], nextCursor: null },
    { items: [], nextCursor: null },
  ],
  ['apps.get', (c) => c.apps.get('app_1'), 'GET', '/api/v1/apps/app_1', undefined, { app }, app],
  [
    'apps.update',
    (c) => c.apps.update('app_1', { name: 'New' }),
    'PATCH',
    '/api/v1/apps/app_1',
    { name: 'New' },
    { app },
    app,
  ],
  [
    'apps.audit',
    (c) => c.apps.audit('app_1', { cursor: 'aud_9' }),
    'GET',
    '/api/v1/apps/app_1/audit?cursor=aud_9',
    undefined,
    { items: [audit], nextCursor: null },
    { items: [audit], nextCursor: null },
  ],
  [
    'keys.list',
    (c) => c.keys.list('app_1', { cursor: 'key_9', limit: 2 }),
    'GET',
    '/api/v1/apps/app_1/keys?cursor=key_9&limit=2',
    undefined,
    { items: [key], nextCursor: 'key_1' },
    { items: [key], nextCursor: 'key_1' },
  ],
  [
    'keys.create',
    (c) => c.keys.create('app_1', { name: 'ci', scopes: ['streams:read'] }),
    'POST',
    '/api/v1/apps/app_1/keys',
    { name: 'ci', scopes: ['streams:read'] },
    { key, secret: 's3cret' },
    { key, secret: 's3cret' },
  ],
  [
    'keys.rotate',
    (c) => c.keys.rotate('app_1', 'key_1'),
    'POST',
    '/api/v1/apps/app_1/keys/key_1/rotate',
    undefined,
    { key, secret: 'n3w' },
    { key, secret: 'n3w' },
  ],
  [
    'webhooks.list',
    (c) => c.webhooks.list('app_1'),
    'GET',
    '/api/v1/apps/app_1/webhooks',
    undefined,
    { items: [endpoint], nextCursor: null },
    { items: [endpoint], nextCursor: null },
  ],
  [
    'webhooks.create',
    (c) => c.webhooks.create('app_1', { url: endpoint.url, events: ['stream.live'], description: 'prod' }),
    'POST',
    '/api/v1/apps/app_1/webhooks',
    { url: endpoint.url, events: ['stream.live'], description: 'prod' },
    { endpoint, secret: 'whsec_AAAA' },
    { endpoint, secret: 'whsec_AAAA' },
  ],
  [
    'webhooks.get',
    (c) => c.webhooks.get('app_1', 'whe_1'),
    'GET',
    '/api/v1/apps/app_1/webhooks/whe_1',
    undefined,
    { endpoint },
    endpoint,
  ],
  [
    'webhooks.update',
    (c) => c.webhooks.update('app_1', 'whe_1', { enabled: true, events: ['*'] }),
    'PATCH',
    '/api/v1/apps/app_1/webhooks/whe_1',
    { enabled: true, events: ['*'] },
    { endpoint },
    endpoint,
  ],
  [
    'webhooks.rotateSecret',
    (c) => c.webhooks.rotateSecret('app_1', 'whe_1'),
    'POST',
    '/api/v1/apps/app_1/webhooks/whe_1/rotate-secret',
    undefined,
    { secret: 'whsec_BBBB' },
    { secret: 'whsec_BBBB' },
  ],
  [
    'webhooks.test',
    (c) => c.webhooks.test('app_1', 'whe_1'),
    'POST',
    '/api/v1/apps/app_1/webhooks/whe_1/test',
    undefined,
    { delivery },
    delivery,
  ],
  [
    'webhooks.deliveries',
    (c) => c.webhooks.deliveries('app_1', 'whe_1', { cursor: 'dlv_9', status: 'failed', limit: 10 }),
    'GET',
    '/api/v1/apps/app_1/webhooks/whe_1/deliveries?cursor=dlv_9&limit=10&status=failed',
    undefined,
    { items: [delivery], nextCursor: null },
    { items: [delivery], nextCursor: null },
  ],
  [
    'webhooks.delivery',
    (c) => c.webhooks.delivery('app_1', 'whe_1', 'dlv_1'),
    'GET',
    '/api/v1/apps/app_1/webhooks/whe_1/deliveries/dlv_1',
    undefined,
    { delivery, payload },
    { delivery, payload },
  ],
  [
    'webhooks.replay',
    (c) => c.webhooks.replay('app_1', 'whe_1', 'dlv_1'),
    'POST',
    '/api/v1/apps/app_1/webhooks/whe_1/deliveries/dlv_1/replay',
    undefined,
    { delivery: { ...delivery, id: 'dlv_2' } },
    { ...delivery, id: 'dlv_2' },
  ],
  [
    'tokens.create',
    (c) => c.tokens.create('app_1', { userId: 'usr_7', ttlSeconds: 600, scopes: ['chat:write'] }),
    'POST',
    '/api/v1/apps/app_1/tokens',
    { userId: 'usr_7', ttlSeconds: 600, scopes: ['chat:write'] },
    { token: 'eyJ.x.y', expiresAt: '2025-01-01T00:10:00.000Z' },
    { token: 'eyJ.x.y', expiresAt: '2025-01-01T00:10:00.000Z' },
  ],
  [
    'events.list',
    (c) => c.events.list(),
    'GET',
    '/api/v1/events',
    undefined,
    { items: [{ name: 'stream.live', description: 'live' }] },
    { items: [{ name: 'stream.live', description: 'live' }] },
  ],
  [
    'scopes.list',
    (c) => c.scopes.list(),
    'GET',
    '/api/v1/scopes',
    undefined,
    { items: [{ name: 'apps:read', description: 'Read the app' }] },
    { items: [{ name: 'apps:read', description: 'Read the app' }] },
  ],
];

describe('PnptvClient requests', () => {
  it.each(CALLS)(
    '%s sends the right request and resolves with the documented shape',
    async (_name, call, method, url, body, response, expected) => {
      server.reply(200, response);
      const result = await call(client());
      const seen = server.last();
      expect(seen.method).toBe(method);
      expect(seen.url).toBe(url);
      expect(seen.headers.authorization).toBe(`Bearer ${API_KEY}`);
      expect(seen.headers.accept).toBe('application/json');
      if (body === undefined) {
        expect(seen.body).toBe('');
        expect(seen.headers['content-type']).toBeUndefined();
      } else {
        expect(JSON.parse(seen.body)).toEqual(body);
        expect(seen.headers['content-type']).toBe('application/json');
      }
      expect(result).toEqual(expected);
    },
  );

  it.each([
    ['keys.revoke', (c: PnptvClient) => c.keys.revoke('app_1', 'key_1'), '/api/v1/apps/app_1/keys/key_1'],
    [
      'webhooks.delete',
      (c: PnptvClient) => c.webhooks.delete('app_1', 'whe_1'),
      '/api/v1/apps/app_1/webhooks/whe_1',
    ],
  ] as const)('%s sends DELETE and resolves with nothing on 204', async (_name, call, url) => {
    server.replyRaw({ status: 204 });
    await expect(call(client())).resolves.toBeUndefined();
    expect([server.last().method, server.last().url]).toEqual(['DELETE', url]);
  });

  it('URL-encodes every path segment so ids cannot reach another route', async () => {
    server.reply(200, { key, secret: 'x' });
    await client().keys.rotate('app/1?x=#y', 'key 1&%');
    expect(server.last().url).toBe('/api/v1/apps/app%2F1%3Fx%3D%23y/keys/key%201%26%25/rotate');
  });

  it('refuses empty and dot segments that URL parsing would collapse', async () => {
    for (const bad of ['', '.', '..']) {
      await expect(client().apps.get(bad)).rejects.toThrow(TypeError);
      await expect(client().webhooks.deliveries('app_1', bad)).rejects.toThrow(TypeError);
    }
    expect(server.seen).toHaveLength(0);
  });

  it('keeps a path prefix in baseUrl and ignores trailing slashes', async () => {
    server.reply(200, { items: [], nextCursor: null });
    await new PnptvClient({ baseUrl: `${baseUrl}/pnptv//`, apiKey: API_KEY }).apps.list();
    expect(server.last().url).toBe('/pnptv/api/v1/apps');
  });

  it('sends a user token as the bearer credential', async () => {
    server.reply(200, { items: [], nextCursor: null });
    await new PnptvClient({ baseUrl, token: 'eyJhbGciOi.user.token' }).apps.list();
    expect(server.last().headers.authorization).toBe('Bearer eyJhbGciOi.user.token');
  });

  it('sends no authorization header without a credential', async () => {
    server.reply(200, { items: [] });
    await new PnptvClient({ baseUrl }).events.list();
    expect(server.last().headers.authorization).toBeUndefined();
  });

  it('refuses both an API key and a token at once', () => {
    expect(() => new PnptvClient({ baseUrl, apiKey: 'a', token: 'b' })).toThrow(TypeError);
  });

  it('uses the fetch implementation given in the options', async () => {
    const urls: string[] = [];
    server.reply(200, { items: [] });
    const pnptv = new PnptvClient({
      baseUrl,
      fetch: (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      },
    });
    await pnptv.events.list();
    expect(urls).toEqual([`${baseUrl}/api/v1/events`]);
  });
});
