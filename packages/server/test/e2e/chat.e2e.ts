import type { Browser, BrowserContext, Dialog, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, takeConsoleProblems } from './browser.ts';
import { e2eDatabases, type ServerProcess, startServer } from './server-process.ts';
import { openCommunity, type SignUpDetails, STEP_MS, signUpAndConfirm, visible } from './steps.ts';

/** Payloads that must come out as inert text, in messages and in a display name. */
const XSS_PAYLOADS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  '"><svg onload=alert(1)>',
  '{{7*7}}',
];

/** The message bodies shown in a page's chat, in order. */
async function messageTexts(page: Page): Promise<string[]> {
  return page.getByTestId('chat-message-text').allTextContents();
}

/** Waits until a message whose whole text is `text` is shown in `page`'s chat. */
async function seesMessage(page: Page, text: string): Promise<Locator> {
  const message = page.getByTestId('chat-message').filter({
    has: page.getByTestId('chat-message-text').getByText(text, { exact: true }),
  });
  return visible(message.last());
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

describe.each(e2eDatabases())('chat and the community room on %s', (database) => {
  const stamp = Date.now().toString(36);
  const alice = {
    displayName: 'Alice Example',
    email: `alice.${stamp}@example.test`,
    password: 'alice password 123',
  };
  // Bob's display name is itself an injection attempt: it must be shown as text everywhere.
  const bob = {
    displayName: XSS_PAYLOADS[0] ?? '',
    email: `bob.${stamp}@example.test`,
    password: 'bob password 1234',
  };
  const contexts: BrowserContext[] = [];
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  let server: ServerProcess;
  let admin: Page;
  let alicePage: Page;
  let bobPage: Page;

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog: Dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    return page;
  }

  const shot = (page: Page, name: string) => screenshot(page, `chat-${database}-${name}`);

  async function signUp(page: Page, user: SignUpDetails): Promise<void> {
    await signUpAndConfirm(page, admin, user);
  }

  async function send(page: Page, text: string): Promise<void> {
    const input = page.getByTestId('chat-input');
    await input.fill(text);
    await page.getByTestId('chat-send').click();
    await expect.poll(() => input.inputValue(), { timeout: STEP_MS }).toBe('');
  }

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await newPage();
    alicePage = await newPage();
    bobPage = await newPage();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await server?.stop();
  });

  it('signs up an admin (setup link) and two members', async () => {
    const printed = /Create the first admin at (\S+\/setup\?token=[\w-]+)/.exec(server.output());
    expect(printed, server.output()).not.toBeNull();
    const setup = new URL(printed?.[1] ?? '');
    await admin.goto(`${setup.pathname}${setup.search}`);
    await visible(admin.getByTestId('setup-form'));
    await admin.getByTestId('setup-display-name').fill('Mona Moderator');
    await admin.getByTestId('setup-email').fill(`mona.${stamp}@example.test`);
    await admin.getByTestId('setup-password').fill('a long admin password');
    await admin.getByTestId('setup-submit').click();
    await visible(admin.getByTestId('nav-admin'));

    await signUp(alicePage, alice);
    await signUp(bobPage, bob);
    await expect(bobPage.getByTestId('user-menu').textContent()).resolves.toContain(bob.displayName);
  });

  it('lets two members chat in the community room and see each other live', async () => {
    await alicePage.goto('/');
    await alicePage.getByTestId('nav-community').click();
    await visible(alicePage.getByTestId('community-page'));
    await openCommunity(alicePage);
    await openCommunity(bobPage);
    await visible(alicePage.getByTestId('community-video-slot'));

    await send(alicePage, 'Hello from Alice 👋');
    await seesMessage(bobPage, 'Hello from Alice 👋');
    await send(bobPage, 'Hi Alice, Bob here');
    const fromBob = await seesMessage(alicePage, 'Hi Alice, Bob here');

    // Bob's name is shown exactly as typed, as text.
    const group = alicePage.getByTestId('chat-group').filter({ has: fromBob });
    await expect(group.getByTestId('chat-author').textContent()).resolves.toBe(bob.displayName);

    // The composer counts characters as they are typed.
    await alicePage.getByTestId('chat-input').fill('abc');
    await expect(alicePage.getByTestId('chat-counter').textContent()).resolves.toBe('3/500');
    await alicePage.getByTestId('chat-input').fill('');

    await shot(alicePage, '01-alice-community-chat');
    await shot(bobPage, '02-bob-community-chat');
  });

  it('carries replies, message reactions and floating live reactions between the two members', async () => {
    const fromBob = await seesMessage(alicePage, 'Hi Alice, Bob here');
    await fromBob.hover();
    await fromBob.getByTestId('chat-react').click();
    await fromBob.getByTestId('chat-picker-emoji').first().click();
    const onBobsPage = await seesMessage(bobPage, 'Hi Alice, Bob here');
    await expect
      .poll(async () => (await onBobsPage.getByTestId('chat-reaction').allTextContents()).join(' '), {
        timeout: STEP_MS,
      })
      .toBe('👍 1');
    await expect(fromBob.getByTestId('chat-reaction').getAttribute('aria-pressed')).resolves.toBe('true');

    await fromBob.hover();
    await fromBob.getByTestId('chat-reply').click();
    await visible(alicePage.getByTestId('chat-composer-mode'));
    await send(alicePage, 'Replying to you');
    const reply = await seesMessage(bobPage, 'Replying to you');
    const context = bobPage
      .getByTestId('chat-group')
      .filter({ has: reply })
      .getByTestId('chat-reply-context');
    await expect(context.textContent()).resolves.toContain('Hi Alice, Bob here');

    const mine = await seesMessage(alicePage, 'Replying to you');
    await mine.hover();
    await mine.getByTestId('chat-edit').click();
    await visible(alicePage.getByTestId('chat-composer-mode'));
    await expect
      .poll(() => alicePage.getByTestId('chat-input').inputValue(), { timeout: STEP_MS })
      .toBe('Replying to you');
    await send(alicePage, 'Replying to you (fixed)');
    const edited = await seesMessage(bobPage, 'Replying to you (fixed)');
    await visible(edited.locator('.chat-edited'));
    await expect(messageTexts(bobPage)).resolves.not.toContain('Replying to you');

    for (let i = 0; i < 3; i++) await bobPage.getByTestId('chat-live-react').first().click();
    const totals = await visible(alicePage.getByTestId('chat-floating-totals'));
    await expect.poll(() => totals.textContent(), { timeout: STEP_MS }).toContain('❤️');
    await shot(bobPage, '02b-reply-and-reactions');
  });

  it('shows injection attempts in messages and names as plain text', async () => {
    for (const payload of XSS_PAYLOADS) await send(bobPage, payload);
    for (const payload of XSS_PAYLOADS) await seesMessage(alicePage, payload);

    const texts = await messageTexts(alicePage);
    for (const payload of XSS_PAYLOADS) expect(texts).toContain(payload);
    for (const page of [alicePage, bobPage]) {
      const list = page.getByTestId('chat-messages');
      await expect(list.locator('img, script, svg, iframe, object, embed').count()).resolves.toBe(0);
      await expect(list.locator('a[href^="javascript:"]').count()).resolves.toBe(0);
      await expect(list.textContent()).resolves.not.toContain('49');
    }
    // The name shows as text in the header menu too, and no script ran anywhere.
    await expect(bobPage.locator('.site-header img:not(.brand-logo)').count()).resolves.toBe(0);
    expect(dialogs).toEqual([]);
    await shot(alicePage, '03-xss-as-text');
  });

  it('shows slow mode set by a moderator, and its refusal inline', async () => {
    await openCommunity(admin);
    await admin.getByTestId('chat-slowmode-select').selectOption('30');
    await visible(alicePage.getByTestId('chat-slowmode'));
    await send(alicePage, 'First under slow mode');
    await alicePage.getByTestId('chat-input').fill('Second too soon');
    await alicePage.getByTestId('chat-send').click();
    const refusal = await visible(alicePage.getByTestId('chat-composer-refusal'));
    await expect(refusal.getAttribute('data-code')).resolves.toBe('CHAT_SLOW_MODE');
    await expect(alicePage.getByTestId('chat-input').inputValue()).resolves.toBe('Second too soon');
    await shot(alicePage, '03b-slow-mode');
    await admin.getByTestId('chat-slowmode-select').selectOption('0');
    await expect.poll(() => alicePage.getByTestId('chat-slowmode').count(), { timeout: STEP_MS }).toBe(0);
    await alicePage.getByTestId('chat-input').fill('');
  });

  it('lets a moderator time a member out, and the member’s composer says why', async () => {
    const message = await seesMessage(admin, 'Hi Alice, Bob here');
    await message.hover();
    await (await visible(message.getByTestId('chat-timeout'))).click();

    const refusal = await visible(bobPage.getByTestId('chat-composer-refusal'));
    await expect(refusal.getAttribute('data-code')).resolves.toBe('CHAT_TIMED_OUT');
    await expect(bobPage.getByTestId('chat-input').isDisabled()).resolves.toBe(true);
    await expect(refusal.textContent()).resolves.toContain('timed you out');

    // Alice is not affected and can still write.
    await send(alicePage, 'Still here');
    await seesMessage(admin, 'Still here');
    await shot(admin, '04-moderator-view');
    await shot(bobPage, '05-bob-timed-out');
  });

  it('keeps a moderator’s deletion in sync for everyone', async () => {
    const message = await seesMessage(admin, 'Still here');
    await message.hover();
    await message.getByTestId('chat-delete').click();
    // Either the message goes away or the moderator is told why it could not.
    const notice = admin.getByTestId('chat-notice');
    await expect
      .poll(async () => (await notice.count()) > 0 || !(await messageTexts(admin)).includes('Still here'), {
        timeout: STEP_MS,
      })
      .toBe(true)
      .catch(() => {
        throw new Error(`no answer to the deletion; page errors: ${pageErrors.join(' | ')}`);
      });
    expect(await notice.count(), (await notice.allTextContents()).join(' ')).toBe(0);
    for (const page of [admin, alicePage, bobPage])
      await expect
        .poll(async () => (await messageTexts(page)).includes('Still here'), { timeout: STEP_MS })
        .toBe(false);
    expect(dialogs).toEqual([]);
  });

  it('shows the room’s members, stats and leaderboard, pushed as people come and go', async () => {
    await admin.getByTestId('community-tab-members').click();
    const members = admin.getByTestId('community-member');
    await expect.poll(() => members.count(), { timeout: STEP_MS }).toBe(3);
    const bobRow = members.filter({ hasText: bob.displayName });
    await expect(bobRow.locator('th .chat-presence-name').textContent()).resolves.toBe(bob.displayName);
    await expect(
      members.filter({ hasText: 'Mona Moderator' }).getByTestId('chat-role-badge').textContent(),
    ).resolves.toBe('Mod');

    await alicePage.getByTestId('community-tab-stats').click();
    const active = alicePage.getByTestId('community-stat-active');
    await expect.poll(() => active.locator('.stat-value').textContent(), { timeout: STEP_MS }).toBe('3');
    await visible(alicePage.getByTestId('community-utilisation'));

    // Bob leaves the room: the others see it without reloading.
    await bobPage.getByTestId('brand').click();
    await visible(bobPage.getByTestId('home'));
    await expect.poll(() => members.count(), { timeout: STEP_MS }).toBe(2);
    await expect.poll(() => active.locator('.stat-value').textContent(), { timeout: STEP_MS }).toBe('2');
    await shot(admin, '06-members-tab');
    await shot(alicePage, '07-stats-tab');

    await alicePage.getByTestId('community-tab-leaderboard').click();
    await expect
      .poll(() => alicePage.getByTestId('community-leader').count(), { timeout: STEP_MS })
      .toBeGreaterThanOrEqual(3);
    await shot(alicePage, '08-leaderboard-tab');

    await alicePage.getByTestId('community-tab-chat').click();
    await openCommunity(alicePage);

    // A room moderator mutes Alice from the members list: her composer says why at once.
    await members.filter({ hasText: alice.displayName }).getByTestId('community-mute').click();
    const refusal = await visible(alicePage.getByTestId('chat-composer-refusal'));
    await expect(refusal.getAttribute('data-code')).resolves.toBe('CHAT_TIMED_OUT');
    await shot(alicePage, '09-alice-muted');

    await admin.getByTestId('community-tab-chat').click();
    expect(pageErrors).toEqual([]);
  });

  it('lets a member report a message and a moderator resolve it, and logs what moderators did', async () => {
    const reported = await seesMessage(alicePage, '{{7*7}}');
    await reported.hover();
    await reported.getByTestId('chat-report').click();
    await reported.getByTestId('chat-report-reason').fill('Template injection attempt');
    await reported.getByTestId('chat-report-send').click();
    await expect(
      (await visible(alicePage.getByTestId('chat-notice'))).getAttribute('data-code'),
    ).resolves.toBe('REPORTED');

    await admin.goto('/');
    await admin.getByTestId('nav-moderation').click();
    const log = await visible(admin.getByTestId('moderation-log-list'));
    await expect(log.textContent()).resolves.toContain('timeout');
    await expect(log.textContent()).resolves.toContain('delete');
    await admin.getByTestId('moderation-filter-action').selectOption('timeout');
    await expect
      .poll(
        async () =>
          new Set(await admin.getByTestId('moderation-log-row').locator('th code').allTextContents()),
      )
      .toEqual(new Set(['timeout']));
    await shot(admin, '10-moderation-log');

    await admin.getByTestId('moderation-tab-reports').click();
    const report = await visible(
      admin.getByTestId('moderation-report').filter({ hasText: 'Template injection attempt' }),
    );
    await expect(report.textContent()).resolves.toContain('{{7*7}}');
    await shot(admin, '11-reports-queue');
    await report.getByTestId('moderation-report-resolve').click();
    await expect.poll(() => report.count(), { timeout: STEP_MS }).toBe(0);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('lets a moderator ban a member, who is told in place', async () => {
    await openCommunity(bobPage);
    await openCommunity(admin);
    const message = await seesMessage(admin, 'Hi Alice, Bob here');
    await message.hover();
    await message.getByTestId('chat-ban').click();
    await message.getByTestId('chat-ban-confirm').click();
    const refusal = await visible(bobPage.getByTestId('chat-composer-refusal'));
    await expect.poll(() => refusal.getAttribute('data-code'), { timeout: STEP_MS }).toBe('CHAT_BANNED');
    await expect(bobPage.getByTestId('chat-input').isDisabled()).resolves.toBe(true);
    await expect(bobPage.getByTestId('chat-status').getAttribute('data-status')).resolves.toBe('refused');
    await bobPage.getByTestId('language-switch').selectOption('es');
    await expect(refusal.textContent()).resolves.toBe('Estás expulsado de este chat.');
    await shot(bobPage, '12-bob-banned-es');
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
