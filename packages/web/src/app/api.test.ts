import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError, buildRequest, errorFromBody, NETWORK_ERROR, withQuery } from './api.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('buildRequest', () => {
  it('sends no content type and no body when there is nothing to send', () => {
    const init = buildRequest('GET', undefined, 'tok');
    const headers = init.headers as Record<string, string>;
    expect(init.body).toBeUndefined();
    expect(headers['content-type']).toBeUndefined();
    expect(init.credentials).toBe('same-origin');
  });

  it('adds the csrf token to mutating requests only', () => {
    expect((buildRequest('GET', undefined, 'tok').headers as Record<string, string>)['x-csrf-token']).toBe(
      undefined,
    );
    for (const method of ['POST', 'PATCH', 'PUT', 'DELETE'] as const) {
      const headers = buildRequest(method, undefined, 'tok').headers as Record<string, string>;
      expect(headers['x-csrf-token']).toBe('tok');
    }
  });

  it('omits the csrf header when logged out', () => {
    const headers = buildRequest('POST', { a: 1 }, null).headers as Record<string, string>;
    expect(headers['x-csrf-token']).toBeUndefined();
    expect(headers['content-type']).toBe('application/json');
  });
});

describe('withQuery', () => {
  it('skips empty values and encodes the rest', () => {
    expect(withQuery('/admin/users', { query: 'a b&c', cursor: undefined, limit: 20, x: '' })).toBe(
      '/admin/users?query=a+b%26c&limit=20',
    );
  });

  it('leaves the path alone when there is nothing to add', () => {
    expect(withQuery('/apps', { cursor: null })).toBe('/apps');
  });
});

describe('errorFromBody', () => {
  it('keeps the server code, message and details', () => {
    const error = errorFromBody(
      422,
      'Unprocessable',
      JSON.stringify({ code: 'X_BAD', message: 'Bad', details: [{ path: '/name', message: 'too short' }] }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.code, error.message, error.details.length]).toEqual([422, 'X_BAD', 'Bad', 1]);
  });

  it('keeps how long a throttled caller must wait', () => {
    const body = { code: 'IDENTITY_LOGIN_THROTTLED', message: 'Too many', retryAfterS: 4 };
    expect(errorFromBody(429, 'Too Many Requests', JSON.stringify(body)).retryAfterS).toBe(4);
    expect(errorFromBody(401, 'Unauthorized', JSON.stringify({ code: 'X', message: 'y' })).retryAfterS).toBe(
      null,
    );
  });

  it('falls back to a generic error for bodies that are not error objects', () => {
    const error = errorFromBody(502, 'Bad Gateway', '<html>oops</html>');
    expect([error.code, error.message]).toEqual(['HTTP_502', 'Bad Gateway']);
  });
});

describe('ApiClient against a real HTTP server', () => {
  let server: Server;
  let baseUrl = '';
  const seen: Seen[] = [];
  let sessionToken: string | null = null;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        if (req.url === '/api/v1/auth/session') {
          const status = sessionToken ? 200 : 401;
          const reply = sessionToken
            ? { user: { id: 'usr_1' }, csrfToken: sessionToken }
            : { code: 'IDENTITY_UNAUTHENTICATED', message: 'Not logged in' };
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(reply));
        } else if (req.url?.startsWith('/api/v1/fail')) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ code: 'IDENTITY_INVALID_CREDENTIALS', message: 'Wrong email or password' }),
          );
        } else if (req.method === 'DELETE') {
          res.writeHead(204).end();
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ echo: body ? JSON.parse(body) : null }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('checks the session before the first mutating request and sends its csrf token', async () => {
    sessionToken = 'csrf-123';
    const client = new ApiClient({ baseUrl });
    const before = seen.length;
    const reply = await client.post<{ echo: unknown }>('/apps', { name: 'Demo' });
    const calls = seen.slice(before);
    expect(reply.echo).toEqual({ name: 'Demo' });
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual([
      'GET /api/v1/auth/session',
      'POST /api/v1/apps',
    ]);
    expect([calls[1]?.headers['x-csrf-token'], calls[1]?.headers['content-type']]).toEqual([
      'csrf-123',
      'application/json',
    ]);
  });

  it('sends no csrf header when the session check says logged out', async () => {
    sessionToken = null;
    const client = new ApiClient({ baseUrl });
    await client.post('/auth/login', { email: 'a@b.test', password: 'x' });
    expect(seen.at(-1)!.headers['x-csrf-token']).toBeUndefined();
    expect(client.csrfToken).toBeNull();
  });

  it('uses a session it was handed without asking the server again', async () => {
    const client = new ApiClient({ baseUrl });
    client.setSession({ user: {} as never, csrfToken: 'csrf-9' });
    const before = seen.length;
    await client.post('/auth/verify-email/resend');
    const calls = seen.slice(before);
    expect(calls.map((call) => call.url)).toEqual(['/api/v1/auth/verify-email/resend']);
    expect(calls[0]?.headers['content-type']).toBeUndefined();
    expect(calls[0]?.headers['x-csrf-token']).toBe('csrf-9');
  });

  it('resolves empty 204 replies with undefined', async () => {
    const client = new ApiClient({ baseUrl });
    await expect(client.delete('/apps/app_1')).resolves.toBeUndefined();
  });

  it('rejects with the server error code and message', async () => {
    const client = new ApiClient({ baseUrl });
    const error = await client.get('/fail', { q: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect([(error as ApiError).status, (error as ApiError).code]).toEqual([
      401,
      'IDENTITY_INVALID_CREDENTIALS',
    ]);
    expect(seen.at(-1)!.url).toBe('/api/v1/fail?q=x');
  });

  it('reports an unreachable server as a network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await new ApiClient({ baseUrl: `http://127.0.0.1:${port}` })
      .get('/x')
      .catch((e: unknown) => e);
    expect((error as ApiError).code).toBe(NETWORK_ERROR);
  });
});
