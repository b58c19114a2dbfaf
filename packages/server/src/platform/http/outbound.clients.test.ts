import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createOutboundClients, providerOrigins } from './outbound.clients.ts';

/** A stand-in for a provider's API on 127.0.0.1, counting the connections it accepts. */
let server: Server;
let port: number;
let connections = 0;

beforeAll(async () => {
  server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
  );
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function clientsFor(env: Record<string, string>) {
  return createOutboundClients(
    loadConfig({
      STRIPE_SECRET_KEY: 'sk_test_outbound',
      STRIPE_WEBHOOK_SECRET: 'whsec_outbound',
      STRIPE_API_BASE: `http://127.0.0.1:${port}`,
      ...env,
    }),
  );
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('the outbound clients, one per policy', () => {
  it("lets the payment providers reach the operator's configured API origin, and no other private target", async () => {
    const clients = clientsFor({});
    try {
      const res = await clients.providers.fetch(`http://127.0.0.1:${port}/v1/checkout/sessions`, {
        method: 'POST',
      });
      expect(await res.json()).toEqual({ ok: true });
      const before = connections;
      expect(await codeOf(clients.providers.fetch(`http://localhost:${port}/v1`))).toBe(
        'OUTBOUND_TARGET_PRIVATE',
      );
      expect(await codeOf(clients.providers.fetch(`http://127.0.0.1:${port + 1}/`))).toBe(
        'OUTBOUND_TARGET_PRIVATE',
      );
      expect(connections).toBe(before);
    } finally {
      await clients.close();
    }
  });

  it("never lets user-supplied targets reach the operator's origins or private networks", async () => {
    const clients = clientsFor({ WEBHOOKS_ALLOW_PRIVATE: 'false' });
    try {
      const operatorOrigin = new URL(`http://127.0.0.1:${port}/v1`);
      expect(await codeOf(clients.webhooks.checkTarget(operatorOrigin))).toBe('OUTBOUND_TARGET_PRIVATE');
      expect(await codeOf(clients.userTargets.checkTarget(operatorOrigin))).toBe('OUTBOUND_TARGET_PRIVATE');
      const before = connections;
      expect(await codeOf(clients.webhooks.fetch(operatorOrigin))).toBe('OUTBOUND_TARGET_PRIVATE');
      expect(connections).toBe(before);
    } finally {
      await clients.close();
    }
  });

  it('allows private webhook targets in development only for webhooks, never for other user targets', async () => {
    const clients = clientsFor({ WEBHOOKS_ALLOW_PRIVATE: 'true' });
    try {
      const local = new URL(`http://127.0.0.1:${port}/hook`);
      await expect(clients.webhooks.checkTarget(local)).resolves.toBeUndefined();
      expect((await clients.webhooks.fetch(local, { method: 'POST', body: '{}' })).status).toBe(200);
      expect(await codeOf(clients.userTargets.checkTarget(local))).toBe('OUTBOUND_TARGET_PRIVATE');
    } finally {
      await clients.close();
    }
  });

  it('takes the provider origins from the configuration of the enabled providers', () => {
    expect(providerOrigins(loadConfig({}))).toEqual([]);
    expect(
      providerOrigins(
        loadConfig({
          STRIPE_SECRET_KEY: 'sk_test_x',
          STRIPE_WEBHOOK_SECRET: 'whsec_x',
          STRIPE_API_BASE: 'http://127.0.0.1:12111/',
        }),
      ),
    ).toEqual(['http://127.0.0.1:12111']);
    expect(
      providerOrigins(
        loadConfig({
          EPAYCO_CUSTOMER_ID: '12345',
          EPAYCO_P_KEY: 'p-key-0123456789',
          EPAYCO_PUBLIC_KEY: 'public-0123456789',
          EPAYCO_VALIDATION_URL: 'http://127.0.0.1:12112/validation/v1/reference/',
        }),
      ),
    ).toEqual(['http://127.0.0.1:12112/validation/v1/reference']);
  });
});
