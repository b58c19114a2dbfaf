import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectConsoleErrors, launchBrowser, screenshot, takeConsoleProblems } from './browser.ts';
import { e2eDatabases, type ServerProcess, startServer } from './server-process.ts';
import { type SignUpDetails, STEP_MS, setUpFirstAdmin, signUpAndConfirm, visible } from './steps.ts';

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

describe.each(e2eDatabases())('sign-up, throttled sign-in and two-factor on %s', (database) => {
  const stamp = Date.now().toString(36);
  const member: SignUpDetails = {
    displayName: 'Tess Twofactor',
    email: `tess.${stamp}@example.test`,
    password: 'a long member password',
  };
  const contexts: BrowserContext[] = [];
  let server: ServerProcess;
  let admin: Page;
  let page: Page;
  let secret = '';

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    return context.newPage();
  }

  const shot = (p: Page, name: string) => screenshot(p, `identity-${database}-${name}`);

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await newPage();
    page = await newPage();
    await setUpFirstAdmin(admin, server.output(), `ada.${stamp}@example.test`);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await server?.stop();
  });

  it('signs a member up: check your inbox, then the mailed link creates the account and signs in', async () => {
    await signUpAndConfirm(page, admin, member);
    await shot(page, '01-account-created');
  });

  it('enrols two-factor from the QR page with a code computed from the secret shown', async () => {
    await page.goto('/profile');
    const card = await visible(page.getByTestId('two-factor-card'));
    await visible(card.getByTestId('two-factor-off'));
    await card.getByTestId('two-factor-start').click();
    await visible(card.getByTestId('two-factor-qr'));
    secret = ((await card.getByTestId('two-factor-secret').textContent()) ?? '').trim();
    expect(secret).toMatch(/^[A-Z2-7]+$/);
    await shot(page, '02-two-factor-qr');
    await card.getByTestId('two-factor-confirm-code').fill(await generate({ secret }));
    await card.getByTestId('two-factor-confirm-submit').click();
    const codes = ((await (await visible(card.getByTestId('recovery-codes'))).textContent()) ?? '').trim();
    expect(codes.split(/\s+/)).toHaveLength(10);
    await visible(card.getByTestId('recovery-codes-download'));
    await shot(page, '03-recovery-codes');
    await card.getByTestId('recovery-codes-dismiss').click();
    await visible(card.getByTestId('two-factor-on'));
  });

  it('asks for the code after the password, refuses a wrong one and signs in with the right one', async () => {
    expectConsoleErrors(/status of 401 .*\/api\/v1\/auth\/login\/second-factor/);
    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout-button').click();
    await visible(page.getByTestId('nav-login'));
    await page.goto('/login');
    await visible(page.getByTestId('login-form'));
    await page.getByTestId('login-email').fill(member.email);
    await page.getByTestId('login-password').fill(member.password);
    await page.getByTestId('login-submit').click();
    await visible(page.getByTestId('login-code-form'));
    await page.getByTestId('login-code').fill('000000');
    await page.getByTestId('login-code-submit').click();
    const error = await visible(page.getByTestId('login-code-error'));
    await expect(error.getAttribute('data-code')).resolves.toBe('IDENTITY_MFA_INVALID_CODE');
    await shot(page, '04-second-step');
    // The enrolment used the current 30 s step; the next step's code is accepted within the drift allowance.
    const next = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    await page.getByTestId('login-code').fill(next);
    await page.getByTestId('login-code-submit').click();
    await visible(page.getByTestId('user-menu'));
    await expect(page.getByTestId('user-menu').textContent()).resolves.toContain(member.displayName);
  });

  it('tells someone guessing passwords how long to wait', async () => {
    expectConsoleErrors(/status of (401|429) .*\/api\/v1\/auth\/login\)/);
    const guesser = await newPage();
    await guesser.goto('/login');
    await visible(guesser.getByTestId('login-form'));
    await guesser.getByTestId('login-email').fill(`nobody.${stamp}@example.test`);
    const notice = guesser.getByTestId('login-retry-after');
    for (let i = 0; i < 10 && !(await notice.isVisible()); i++) {
      await guesser.getByTestId('login-password').fill(`guess number ${i}`);
      await guesser.getByTestId('login-submit').click();
      await visible(guesser.getByTestId('login-error'), STEP_MS);
      await guesser.waitForLoadState('networkidle');
    }
    await expect(notice.textContent()).resolves.toMatch(/Try again in \d+ s/);
    await expect(guesser.getByTestId('login-error').getAttribute('data-code')).resolves.toBe(
      'IDENTITY_LOGIN_THROTTLED',
    );
    await shot(guesser, '05-throttled');
  });
});
