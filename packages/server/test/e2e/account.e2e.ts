import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectConsoleErrors, launchBrowser, screenshot, takeConsoleProblems } from './browser.ts';
import { e2eDatabases, type ServerProcess, startServer } from './server-process.ts';
import { setUpFirstAdmin, signUpAndConfirm, visible, waitFor } from './steps.ts';

const PHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';

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

describe.each(e2eDatabases())('account settings in the browser on %s', (database) => {
  const stamp = Date.now().toString(36);
  const member = {
    displayName: 'Ana Account',
    email: `ana.${stamp}@example.test`,
    password: 'a long member password',
  };
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  let server: ServerProcess;
  let laptop: Page;
  let phone: Page;

  const shot = (page: Page, name: string) => screenshot(page, `account-${database}-${name}`);

  async function newPage(options: { userAgent?: string; locale?: 'en' | 'es' } = {}): Promise<Page> {
    const context = await browser.newContext({
      baseURL: server.url,
      viewport: { width: 1360, height: 900 },
      userAgent: options.userAgent,
      acceptDownloads: true,
    });
    if (options.locale)
      await context.addInitScript((locale) => {
        // The first document of a page is about:blank, which has no storage of its own.
        if (window.location.protocol.startsWith('http')) window.localStorage.setItem('pnptv.locale', locale);
      }, options.locale);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    return page;
  }

  async function logIn(page: Page): Promise<void> {
    await page.goto('/login');
    await page.getByTestId('login-email').fill(member.email);
    await page.getByTestId('login-password').fill(member.password);
    await page.getByTestId('login-submit').click();
  }

  beforeAll(async () => {
    server = await startServer({ database });
    const admin = await newPage();
    await setUpFirstAdmin(admin, server.output(), `ada.${stamp}@example.test`);
    laptop = await newPage();
    await signUpAndConfirm(laptop, admin, member);
    phone = await newPage({ userAgent: PHONE_UA });
    await logIn(phone);
    await phone.waitForURL((url) => !url.pathname.startsWith('/login'));
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await server?.stop();
    if (pageErrors.length > 0) console.log(pageErrors.join('\n'));
  });

  it('lists the sessions with this device marked, and signs the phone out at once', async () => {
    await laptop.goto('/profile');
    await (await visible(laptop.getByTestId('account-settings-link'))).click();
    await visible(laptop.getByTestId('account-page'));
    const rows = laptop.getByTestId('session-row');
    await waitFor('both sessions to be listed', async () => ((await rows.count()) === 2 ? true : undefined));
    await expect(laptop.locator('[data-testid="session-row"][data-current="true"]').count()).resolves.toBe(1);
    const phoneRow = laptop.locator('[data-testid="session-row"][data-current="false"]');
    await expect(phoneRow.textContent()).resolves.toContain('Safari 17 · iOS');
    await shot(laptop, 'sessions');
    await phoneRow.getByTestId('session-revoke').click();
    await (await visible(phoneRow.getByTestId('session-revoke-confirm'))).click();
    await waitFor('the phone session to be gone', async () =>
      (await rows.count()) === 1 ? true : undefined,
    );
    const me = await phone.request.get('/api/v1/me');
    expect(me.status()).toBe(401);
  });

  it('exports the data with a progress bar and downloads the JSON', async () => {
    await laptop.getByTestId('export-request').click();
    const latest = await visible(laptop.getByTestId('export-latest'));
    await waitFor('the export to be ready', async () =>
      (await latest.getAttribute('data-status')) === 'ready' ? true : undefined,
    );
    await shot(laptop, 'export-ready');
    const [download] = await Promise.all([
      laptop.waitForEvent('download'),
      laptop.getByTestId('export-download').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^pnptv-export-exp_[0-9a-z]+\.json$/);
    const archive = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(archive.profile).toMatchObject({ email: member.email, displayName: member.displayName });
    expect(archive.sessions.length).toBeGreaterThanOrEqual(1);
  });

  it('deletes the account after stating the rules, then cancels the deletion at sign-in', async () => {
    // Signing in during the grace period is refused (403) with the offer to cancel.
    expectConsoleErrors(/status of 403 .*\/api\/v1\/auth\/login\)/);
    await laptop.getByTestId('delete-open').click();
    const dialog = await visible(laptop.getByTestId('delete-dialog'));
    await expect(dialog.getByTestId('delete-coins').textContent()).resolves.toContain(
      '0 coins are forfeited',
    );
    await shot(laptop, 'delete-dialog');
    await laptop.getByTestId('delete-password').fill(member.password);
    await laptop.getByTestId('delete-confirm').click();
    await visible(laptop.getByTestId('account-deleted'));
    await shot(laptop, 'deleted');

    await logIn(laptop);
    const pending = await visible(laptop.getByTestId('deletion-pending'));
    await shot(laptop, 'login-pending');
    await pending.getByTestId('deletion-cancel').click();
    await laptop.waitForURL((url) => !url.pathname.startsWith('/login'));
    await laptop.goto('/account');
    await waitFor('the new session to be listed', async () =>
      (await laptop.getByTestId('session-row').count()) === 1 ? true : undefined,
    );
  });

  it('speaks Spanish', async () => {
    const page = await newPage({ locale: 'es' });
    await logIn(page);
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await page.goto('/account');
    await visible(page.getByRole('heading', { name: 'Ajustes de la cuenta' }));
    await visible(page.getByRole('heading', { name: 'Tus datos' }));
    await shot(page, 'es');
    expect(pageErrors).toEqual([]);
  });
});
