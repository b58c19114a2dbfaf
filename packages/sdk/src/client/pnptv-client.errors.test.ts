import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PnptvApiError } from './api-error.ts';
import { PnptvClient } from './pnptv-client.ts';
import { RecordingServer } from './recording-server.fixture.ts';

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

describe('PnptvClient errors', () => {
  async function failure(promise: Promise<unknown>): Promise<PnptvApiError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PnptvApiError);
    return error as PnptvApiError;
  }

  it('turns a { code, message } error body into a PnptvApiError', async () => {
    const details = [{ path: 'body.name', message: 'must NOT have fewer than 1 characters' }];
    const message = 'body.name must NOT have fewer than 1 characters';
    server.reply(400, { code: 'VALIDATION_FAILED', message, details });
    const error = await failure(client().apps.update('app_1', { name: '' }));
    expect([error.status, error.code, error.message]).toEqual([400, 'VALIDATION_FAILED', message]);
    expect(error.details).toEqual(details);
  });

  it('falls back to HTTP_<status> when the error body is not the API format', async () => {
    server.replyRaw({ status: 502, body: '<html>Bad gateway</html>', contentType: 'text/html' });
    const error = await failure(client().apps.get('app_1'));
    expect([error.status, error.code]).toEqual([502, 'HTTP_502']);
    expect(error.message).toBeTruthy();

    server.reply(404, { error: 'nope' });
    expect((await failure(client().apps.get('app_1'))).code).toBe('HTTP_404');
  });

  it('reports a success response that is not JSON', async () => {
    server.replyRaw({ status: 200, body: 'OK', contentType: 'text/plain' });
    const error = await failure(client().apps.get('app_1'));
    expect([error.status, error.code]).toEqual([200, 'CLIENT_BAD_RESPONSE']);
  });

  it('reports CLIENT_BAD_RESPONSE when a single-resource response lacks its wrapper field', async () => {
    server.reply(200, { id: 'app_1', name: 'Studio' });
    const unwrapped = await failure(client().apps.get('app_1'));
    expect([unwrapped.status, unwrapped.code]).toEqual([200, 'CLIENT_BAD_RESPONSE']);
    expect(unwrapped.message).toContain('"app"');

    server.replyRaw({ status: 202 });
    const empty = await failure(client().webhooks.test('app_1', 'whe_1'));
    expect([empty.status, empty.code]).toEqual([202, 'CLIENT_BAD_RESPONSE']);

    server.reply(200, null);
    expect((await failure(client().webhooks.get('app_1', 'whe_1'))).code).toBe('CLIENT_BAD_RESPONSE');
  });

  it('gives up with CLIENT_TIMEOUT when the server never answers', async () => {
    server.replyRaw({ status: 200, hang: true });
    const started = performance.now();
    const error = await failure(new PnptvClient({ baseUrl, apiKey: API_KEY, timeoutMs: 150 }).apps.list());
    const elapsed = performance.now() - started;
    expect([error.status, error.code]).toEqual([0, 'CLIENT_TIMEOUT']);
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(5000);
  });

  it('reports CLIENT_NETWORK_ERROR when nothing listens', async () => {
    const closed = new RecordingServer();
    const url = await closed.start();
    await closed.stop();
    const error = await failure(new PnptvClient({ baseUrl: url }).apps.list());
    expect([error.status, error.code]).toEqual([0, 'CLIENT_NETWORK_ERROR']);
  });
});
