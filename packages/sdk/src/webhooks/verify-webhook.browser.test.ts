import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Sdk = typeof import('../index.ts');

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_WAIT_MS = 5 * 60_000;

const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

/** Chromium may still be installing when the suite starts: wait for it rather than skip. */
async function waitForChromium(): Promise<void> {
  const deadline = Date.now() + CHROMIUM_WAIT_MS;
  while (!existsSync(CHROMIUM)) {
    if (Date.now() > deadline) throw new Error(`${CHROMIUM} did not appear within ${CHROMIUM_WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** The SDK entry bundled the way a browser app would consume it; fails if it pulls in Node built-ins. */
async function bundleSdk(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../index.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}

function serve(bundle: string): Promise<{ server: Server; url: string }> {
  const page =
    '<!doctype html><meta charset="utf-8"><title>sdk</title>' +
    '<script type="module">import * as sdk from "/sdk.js"; globalThis.pnptvSdk = sdk;</script>';
  const server = createServer((req, res) => {
    if (req.url === '/sdk.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(bundle);
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }),
    ),
  );
}

describe('verifyWebhook in a real browser', () => {
  let browser: Browser | undefined;
  let server: Server | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await waitForChromium();
    const bundle = await bundleSdk();
    const served = await serve(bundle);
    server = served.server;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(served.url);
    await page.waitForFunction(() => 'pnptvSdk' in globalThis, undefined, { timeout: 20_000 });
  }, CHROMIUM_WAIT_MS + 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
  });

  it('runs in a browser page without Node globals', async () => {
    const environment = await page.evaluate(() => ({
      hasBuffer: 'Buffer' in globalThis,
      hasProcess: 'process' in globalThis,
      secure: globalThis.isSecureContext,
      userAgent: navigator.userAgent,
    }));
    expect(environment.hasBuffer).toBe(false);
    expect(environment.hasProcess).toBe(false);
    expect(environment.secure).toBe(true);
    expect(environment.userAgent).toMatch(/Chrome/);
    expect(pageErrors).toEqual([]);
  });

  it('verifies the Standard Webhooks test vector and rejects it once tampered', async () => {
    const outcome = await page.evaluate(async (vector) => {
      const sdk = (globalThis as unknown as { pnptvSdk: Sdk }).pnptvSdk;
      const headers = new Headers({
        'Webhook-Id': vector.id,
        'Webhook-Timestamp': String(vector.timestamp),
        'Webhook-Signature': vector.signature,
      });
      const options = { now: () => vector.timestamp * 1000 };
      const envelope = await sdk.verifyWebhook(vector.payload, headers, vector.secret, options);
      const bytes = await sdk.verifyWebhook(
        new TextEncoder().encode(vector.payload),
        headers,
        vector.secret,
        options,
      );
      const tampered = await sdk.verifyWebhook(`${vector.payload} `, headers, vector.secret, options).then(
        () => 'accepted',
        (error: unknown) => (error instanceof sdk.WebhookVerificationError ? error.code : String(error)),
      );
      const signature = await sdk.signWebhook(vector.id, vector.timestamp, vector.payload, vector.secret);
      return { envelope, bytes, tampered, signature };
    }, VECTOR);
    expect(outcome.envelope).toEqual(JSON.parse(VECTOR.payload));
    expect(outcome.bytes).toEqual(JSON.parse(VECTOR.payload));
    expect(outcome.tampered).toBe('WEBHOOK_BAD_SIGNATURE');
    expect(outcome.signature).toBe(VECTOR.signature);
  });
});
