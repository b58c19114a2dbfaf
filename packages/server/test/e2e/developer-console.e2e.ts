import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook, WebhookVerificationError } from '@pnptv/sdk';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectConsoleErrors, launchBrowser, screenshot, takeConsoleProblems } from './browser.ts';
import { e2eDatabases, type ServerProcess, startServer } from './server-process.ts';
import { waitFor } from './steps.ts';

/** How long one UI step may take before the test fails, in ms (generous: CI machines have 2 cores). */
const STEP_MS = 30_000;
/** How long background work (mail via the job worker, webhook delivery) may take, in ms. */
const BACKGROUND_MS = 60_000;

/** One request the local webhook receiver got, body kept byte for byte. */
interface ReceivedRequest {
  body: Buffer;
  headers: IncomingHttpHeaders;
}

/** A webhook receiver on 127.0.0.1 that records every request and answers 204. */
async function startReceiver(): Promise<{
  url: string;
  requests: ReceivedRequest[];
  close: () => Promise<void>;
}> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ body: Buffer.concat(chunks), headers: request.headers });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/pnptv`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `link` with its origin replaced by the server's: the server prints links with its public URL. */
function onServer(server: ServerProcess, link: string): string {
  const url = new URL(link);
  return `${server.url}${url.pathname}${url.search}`;
}

/** Waits until `locator` is visible. */
async function visible(locator: Locator, timeout = STEP_MS): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout });
  return locator;
}

let browser: Browser;

/** Every page of the journey stays free of console errors it did not provoke on purpose. */
afterEach(() => {
  expect(takeConsoleProblems()).toEqual([]);
});

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(e2eDatabases())('the developer console on %s', (database) => {
  const developer = {
    displayName: 'Dana Developer',
    email: `dana.${Date.now().toString(36)}@example.test`,
    password: 'correct horse battery',
  };
  const contexts: BrowserContext[] = [];
  let server: ServerProcess;
  let admin: Page;
  let dev: Page;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | null = null;
  let setupUrl = '';
  let appId = '';

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ baseURL: server.url });
    contexts.push(context);
    return context.newPage();
  }

  const shot = (page: Page, name: string) => screenshot(page, `developer-console-${database}-${name}`);

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await newPage();
    dev = await newPage();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await receiver?.close();
    await server?.stop();
  });

  it('creates the first admin from the setup link the server printed at boot', async () => {
    const printed = /Create the first admin at (\S+\/setup\?token=[\w-]+)/.exec(server.output());
    expect(printed, server.output()).not.toBeNull();
    setupUrl = onServer(server, printed?.[1] ?? '');

    await admin.goto(setupUrl);
    await visible(admin.getByTestId('setup-form'));
    await admin.getByTestId('setup-display-name').fill('Ada Admin');
    await admin.getByTestId('setup-email').fill('ada.admin@example.test');
    await admin.getByTestId('setup-password').fill('a long admin password');
    await shot(admin, '01-setup-form');
    await admin.getByTestId('setup-submit').click();

    await visible(admin.getByTestId('nav-admin'));
    await admin.waitForURL(/\/admin\/users$/, { timeout: STEP_MS });
    await expect(admin.getByTestId('user-menu').textContent()).resolves.toContain('Ada Admin');
    await shot(admin, '02-admin-created');
  });

  it('closes the setup link once an admin exists and lets a developer sign up', async () => {
    await dev.goto(setupUrl);
    await visible(dev.getByTestId('setup-closed'));
    await expect(dev.getByTestId('setup-form').count()).resolves.toBe(0);
    await shot(dev, '03-setup-closed');

    await dev.goto('/signup');
    await visible(dev.getByTestId('signup-form'));
    await dev.getByTestId('signup-display-name').fill(developer.displayName);
    await dev.getByTestId('signup-email').fill(developer.email);
    await dev.getByTestId('signup-password').fill(developer.password);
    await dev.getByTestId('signup-submit').click();

    const notice = await visible(dev.getByTestId('signup-notice'));
    await expect(notice.textContent()).resolves.toContain(developer.email);
    expect(new URL(dev.url()).pathname).toBe('/verify-email');
    await shot(dev, '04-signed-up');
  });

  it('verifies the address with the link the admin finds in the outbox', async () => {
    await admin.goto('/admin/mail');
    const mail = admin.getByTestId('mail-item').filter({ hasText: developer.email });
    const deadline = Date.now() + BACKGROUND_MS;
    for (;;) {
      await visible(admin.getByTestId('admin-mail'));
      await visible(admin.getByTestId('mail-list').or(admin.getByTestId('empty')).first());
      if ((await mail.count()) > 0 || Date.now() > deadline) break;
      await admin.reload();
    }
    await visible(mail.first());

    const details = mail.first().locator('details');
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
    const links = mail.first().getByTestId('mail-link');
    const hrefs = await Promise.all((await links.all()).map((link) => link.getAttribute('href')));
    const verifyLink = hrefs.find((href) => href?.includes('/verify-email?token='));
    expect(verifyLink, `links in the mail: ${hrefs.join(', ')}`).toBeTruthy();
    await visible(mail.first().getByTestId('mail-text'));
    await shot(admin, '05-admin-mail');

    await dev.goto(onServer(server, verifyLink ?? ''));
    const success = await visible(dev.getByTestId('verify-email-success'));
    await expect(success.textContent()).resolves.toContain(developer.email);
    await shot(dev, '06-email-verified');
  });

  it('refuses a wrong password and logs the developer back in with the right one', async () => {
    await dev.getByTestId('user-menu').click();
    await dev.getByTestId('logout-button').click();
    await visible(dev.getByTestId('nav-login'));

    await dev.goto('/login');
    await visible(dev.getByTestId('login-form'));
    await dev.getByTestId('login-email').fill(developer.email);
    expectConsoleErrors(/status of 401 .*\/api\/v1\/auth\/login/);
    await dev.getByTestId('login-password').fill('not the password at all');
    await dev.getByTestId('login-submit').click();
    const error = await visible(dev.getByTestId('login-error'));
    await expect(error.getAttribute('data-code')).resolves.toBe('IDENTITY_INVALID_CREDENTIALS');

    await dev.getByTestId('login-password').fill(developer.password);
    await dev.getByTestId('login-submit').click();
    await visible(dev.getByTestId('user-menu'));
    await expect(dev.getByTestId('user-menu').textContent()).resolves.toContain(developer.displayName);
  });

  it('creates an app and an API key whose secret works and is shown only once', async () => {
    await dev.goto('/developer');
    await visible(dev.getByTestId('create-app-form'));
    await dev.getByTestId('create-app-name').fill('Dana TV');
    await dev.getByTestId('create-app-submit').click();
    appId = ((await (await visible(dev.getByTestId('app-id'))).textContent()) ?? '').trim();
    expect(appId).not.toBe('');

    await dev.getByTestId('tab-keys').click();
    await visible(dev.getByTestId('create-key-form'));
    await dev.getByTestId('create-key-name').fill('Production server');
    await (await visible(dev.getByTestId('scope-apps:read'))).check();
    await dev.getByTestId('create-key-submit').click();
    const secret = ((await (await visible(dev.getByTestId('api-key-secret'))).textContent()) ?? '').trim();
    expect(secret).toMatch(/^sk_/);
    await shot(dev, '07-api-key-secret');

    const response = await fetch(`${server.url}/api/v1/apps`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(response.status).toBe(200);
    const listed = (await response.json()) as { items: { id: string; name: string }[] };
    expect(listed.items.map((app) => app.id)).toContain(appId);

    await dev.getByTestId('api-key-secret-dismiss').click();
    await dev.getByTestId('api-key-secret-panel').waitFor({ state: 'detached', timeout: STEP_MS });
    await dev.reload();
    await visible(dev.getByTestId('api-key-row').filter({ hasText: 'Production server' }));
    expect(await dev.content()).not.toContain(secret);
    await shot(dev, '08-api-keys');
  });

  it('delivers a signed test event to a webhook endpoint created in the console', async () => {
    receiver = await startReceiver();
    await dev.getByTestId('tab-webhooks').click();
    await visible(dev.getByTestId('create-webhook-form'));
    await dev.getByTestId('create-webhook-form-url').fill(receiver.url);
    await (await visible(dev.getByTestId('event-webhook.test'))).check();
    await dev.getByTestId('event-stream.live').check();
    await dev.getByTestId('create-webhook-form-submit').click();
    const secret = ((await (await visible(dev.getByTestId('webhook-secret'))).textContent()) ?? '').trim();
    expect(secret).toMatch(/^whsec_/);

    await (await visible(dev.getByTestId('webhook-link').filter({ hasText: receiver.url }))).click();
    await visible(dev.getByTestId('webhook-endpoint-page'));
    await dev.getByTestId('webhook-test-send').click();
    await visible(dev.getByTestId('webhook-test-sent'));
    await visible(dev.locator('[data-testid="delivery-row"][data-status="succeeded"]'), BACKGROUND_MS);
    await shot(dev, '09-webhook-deliveries');

    expect(receiver.requests).toHaveLength(1);
    const [received] = receiver.requests;
    if (!received) throw new Error('the receiver got no request');
    const envelope = await verifyWebhook(received.body, received.headers, secret);
    expect(envelope.type).toBe('webhook.test');
    expect(envelope.appId).toBe(appId);

    const wrongSecret = `whsec_${randomBytes(32).toString('base64')}`;
    const rejected = await verifyWebhook(received.body, received.headers, wrongSecret).catch(
      (error: unknown) => error,
    );
    expect(rejected).toBeInstanceOf(WebhookVerificationError);
    expect((rejected as WebhookVerificationError).code).toBe('WEBHOOK_BAD_SIGNATURE');
  });

  it('answers a second sign-up with the same email like any other, and mails the owner instead', async () => {
    const visitor = await newPage();
    await visitor.goto('/signup');
    await visible(visitor.getByTestId('signup-form'));
    await visitor.getByTestId('signup-display-name').fill('Someone Else');
    await visitor.getByTestId('signup-email').fill(developer.email);
    await visitor.getByTestId('signup-password').fill('another long password');
    await visitor.getByTestId('signup-submit').click();

    const notice = await visible(visitor.getByTestId('signup-notice'));
    await expect(notice.textContent()).resolves.toContain(developer.email);
    expect(new URL(visitor.url()).pathname).toBe('/verify-email');
    await shot(visitor, '10-email-taken');

    const warning = await waitFor('the mail to the owner', async () => {
      const res = await admin.request.get('/api/v1/admin/mail?limit=100');
      const { items } = (await res.json()) as { items: { to: string; subject: string; text: string }[] };
      return items.find((m) => m.to === developer.email && m.subject.startsWith('Someone tried'));
    });
    expect(warning.text).toContain('/forgot-password');
  });
});
