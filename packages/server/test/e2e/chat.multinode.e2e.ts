import type { Browser, BrowserContext, Dialog, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, takeConsoleProblems } from './browser.ts';
import { createDatabase, type E2eDatabase, type ServerProcess, startServer } from './server-process.ts';
import { freePort, openCommunity, type SignUpDetails, STEP_MS, signUpAndConfirm, visible } from './steps.ts';

/**
 * How long an event may take to reach a page served by the other node, ms. Measured at a few
 * hundred ms on 2 cores with Chromium and both servers busy; a lost event fails the step instead.
 */
const CROSS_NODE_MS = 10_000;

/** A cluster needs both; CI sets them (scripts/test.ts fails skipped suites there). */
const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL;

/** The message bodies shown in a page's chat, in order. */
async function messageTexts(page: Page): Promise<string[]> {
  return page.getByTestId('chat-message-text').allTextContents();
}

/** The message whose whole text is `text` in `page`'s chat (the last one if repeated). */
function messageIn(page: Page, text: string): Locator {
  return page
    .getByTestId('chat-message')
    .filter({ has: page.getByTestId('chat-message-text').getByText(text, { exact: true }) })
    .last();
}

/** Waits until `page` shows the message `text`, and returns how long that took, ms. */
async function seesMessage(page: Page, text: string, timeout = CROSS_NODE_MS): Promise<number> {
  const begun = Date.now();
  await visible(messageIn(page, text), timeout);
  return Date.now() - begun;
}

/** The names in the chat panel's presence list of `page`. */
async function presentNames(page: Page): Promise<string[]> {
  return (
    await page.getByTestId('chat-presence-member').locator('.chat-presence-name').allTextContents()
  ).sort();
}

describe.runIf(DATABASE_URL && REDIS_URL)(
  'chat across two server processes sharing PostgreSQL and Redis',
  () => {
    const stamp = Date.now().toString(36);
    const people = {
      mona: {
        displayName: 'Mona Moderator',
        email: `mona.${stamp}@example.test`,
        password: 'a long admin password',
      },
      alice: {
        displayName: 'Alice on A',
        email: `alice.${stamp}@example.test`,
        password: 'alice password 123',
      },
      bob: { displayName: 'Bob on B', email: `bob.${stamp}@example.test`, password: 'bob password 1234' },
    };
    const contexts: BrowserContext[] = [];
    const dialogs: string[] = [];
    const pageErrors: string[] = [];
    /** Send-click to shown-on-the-other-node times, ms. */
    const latencies: number[] = [];
    let browser: Browser;

    /** Every page of the journey stays free of console errors it did not provoke on purpose. */
    afterEach(() => {
      expect(takeConsoleProblems()).toEqual([]);
    });
    let database: E2eDatabase;
    let nodeA: ServerProcess;
    let nodeB: ServerProcess;
    /** The moderator: signed up on node B, moderating from node A's page. */
    let mona: Page;
    /** Alice uses node A only. */
    let alice: Page;
    /** Bob uses node B only. */
    let bob: Page;

    async function newPage(node: ServerProcess): Promise<Page> {
      const context = await browser.newContext({ baseURL: node.url, viewport: { width: 1280, height: 900 } });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('dialog', (dialog: Dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      return page;
    }

    const shot = (page: Page, name: string) => screenshot(page, `chat-multinode-${name}`);

    async function signUp(page: Page, user: SignUpDetails): Promise<void> {
      await signUpAndConfirm(page, mona, user);
    }

    /** Sends `text` from `from`, and returns how long until `to` (served by the other node) shows it. */
    async function sendAcross(from: Page, to: Page, text: string): Promise<number> {
      const input = from.getByTestId('chat-input');
      await input.fill(text);
      const begun = Date.now();
      await from.getByTestId('chat-send').click();
      await seesMessage(to, text);
      const took = Date.now() - begun;
      latencies.push(took);
      await expect.poll(() => input.inputValue(), { timeout: STEP_MS }).toBe('');
      return took;
    }

    beforeAll(async () => {
      database = await createDatabase(DATABASE_URL ?? '');
      // What a cluster shares: the database, Redis, and the one address users reach it at (links
      // and token issuer). Each process gets its own RTMP port, as it would on its own host.
      const shared = { PUBLIC_URL: 'http://pnptv-cluster.test' };
      // One after the other: the second boot finds the migrations applied, and its setup link is
      // the one that stays valid (each boot issues a new one while no admin exists).
      nodeA = await startServer({
        database: 'postgres',
        databaseUrl: database.url,
        env: { ...shared, RTMP_PORT: String(await freePort()) },
      });
      nodeB = await startServer({
        database: 'postgres',
        databaseUrl: database.url,
        env: { ...shared, RTMP_PORT: String(await freePort()) },
      });
      browser = await launchBrowser();
      mona = await newPage(nodeA);
      alice = await newPage(nodeA);
      bob = await newPage(nodeB);
    });

    afterAll(async () => {
      for (const context of contexts) await context.close();
      await browser?.close();
      await nodeA?.stop();
      await nodeB?.stop();
      await database?.drop();
      if (latencies.length > 0)
        process.stdout.write(
          `cross-node chat delivery (send click → shown on the other node's page): ${latencies.join(', ')} ms\n`,
        );
    });

    it('runs two separate processes, both ready, at one public address', async () => {
      expect(nodeA.url).not.toBe(nodeB.url);
      for (const node of [nodeA, nodeB]) {
        const ready = await fetch(`${node.url}/readyz`);
        const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
        expect(ready.status, JSON.stringify(body)).toBe(200);
        expect(body.checks.bus?.ok && body.checks.cache?.ok && body.checks.db?.ok).toBe(true);
      }
      for (const node of [nodeA, nodeB]) expect(node.output()).toContain('http://pnptv-cluster.test');
    });

    it('signs the moderator up on node B and keeps the session on node A; members sign up on their own node', async () => {
      const printed = /Create the first admin at (\S+\/setup\?token=[\w-]+)/.exec(nodeB.output());
      expect(printed, nodeB.output()).not.toBeNull();
      const setup = new URL(printed?.[1] ?? '');
      await mona.goto(`${nodeB.url}${setup.pathname}${setup.search}`);
      await visible(mona.getByTestId('setup-form'));
      await mona.getByTestId('setup-display-name').fill(people.mona.displayName);
      await mona.getByTestId('setup-email').fill(people.mona.email);
      await mona.getByTestId('setup-password').fill(people.mona.password);
      await mona.getByTestId('setup-submit').click();
      await visible(mona.getByTestId('nav-admin'));

      // The same browser on node A: the session made by node B is valid there.
      await mona.goto(`${nodeA.url}/`);
      await visible(mona.getByTestId('nav-admin'));
      await expect(mona.getByTestId('user-menu').textContent()).resolves.toContain(people.mona.displayName);

      await signUp(alice, people.alice);
      await signUp(bob, people.bob);
      expect(new URL(alice.url()).origin).toBe(nodeA.url);
      expect(new URL(bob.url()).origin).toBe(nodeB.url);
    });

    it('shows everyone present in the community room, whichever node they are on', async () => {
      await openCommunity(mona);
      await openCommunity(alice);
      await openCommunity(bob);
      const everyone = [people.alice.displayName, people.bob.displayName, people.mona.displayName].sort();
      for (const page of [alice, bob, mona]) {
        await expect.poll(() => presentNames(page), { timeout: CROSS_NODE_MS }).toEqual(everyone);
        await expect(page.getByTestId('chat-presence-total').textContent()).resolves.toBe('3 in chat');
      }
      await bob.getByTestId('chat-presence').locator('summary').click();
      await shot(bob, '01-bob-on-b-presence');
    });

    it('carries messages both ways between a page on node A and a page on node B', async () => {
      await sendAcross(alice, bob, 'Hello from Alice on node A');
      await sendAcross(bob, alice, 'Hi Alice, Bob here on node B');
      await sendAcross(alice, bob, 'Second from A');
      await sendAcross(bob, alice, 'Second from B');
      // Each page shows each message once, in the order sent.
      const expected = [
        'Hello from Alice on node A',
        'Hi Alice, Bob here on node B',
        'Second from A',
        'Second from B',
      ];
      for (const page of [alice, bob, mona])
        await expect.poll(() => messageTexts(page), { timeout: CROSS_NODE_MS }).toEqual(expected);
      await shot(alice, '02-alice-on-a-chat');
      await shot(bob, '03-bob-on-b-chat');
    });

    it('carries a message reaction and live reactions to the other node’s page', async () => {
      const onAlice = messageIn(alice, 'Hi Alice, Bob here on node B');
      await onAlice.hover();
      await onAlice.getByTestId('chat-react').click();
      await onAlice.getByTestId('chat-picker-emoji').first().click();
      const onBob = messageIn(bob, 'Hi Alice, Bob here on node B');
      await expect
        .poll(async () => (await onBob.getByTestId('chat-reaction').allTextContents()).join(' '), {
          timeout: CROSS_NODE_MS,
        })
        .toBe('👍 1');

      const fire = bob.getByTestId('chat-live-react').filter({ hasText: '🔥' });
      for (let i = 0; i < 3; i++) await fire.click();
      const totals = alice.getByTestId('chat-floating-totals');
      await expect
        .poll(
          async () => ((await totals.count()) > 0 ? (await totals.textContent())?.replace(/\s+/g, ' ') : ''),
          {
            timeout: CROSS_NODE_MS,
          },
        )
        .toBe('🔥 3');
      await shot(alice, '04-alice-sees-reactions-from-b');
    });

    it('removes a message deleted on node A from the page on node B', async () => {
      await sendAcross(bob, mona, 'Bob will lose this one');
      const doomed = messageIn(mona, 'Bob will lose this one');
      await doomed.hover();
      await doomed.getByTestId('chat-delete').click();
      for (const page of [bob, alice, mona])
        await expect
          .poll(async () => (await messageTexts(page)).includes('Bob will lose this one'), {
            timeout: CROSS_NODE_MS,
          })
          .toBe(false);
      await expect(mona.getByTestId('chat-notice').count()).resolves.toBe(0);
      await expect(messageTexts(bob)).resolves.toContain('Second from B');
    });

    it('lets a moderator on node A time out a member on node B, who can no longer send while the other still chats', async () => {
      const target = messageIn(mona, 'Second from B');
      await target.hover();
      await (await visible(target.getByTestId('chat-timeout'))).click();

      // Told at once on node B's page: the composer is closed and says why.
      const refusal = await visible(bob.getByTestId('chat-composer-refusal'), CROSS_NODE_MS);
      await expect(refusal.getAttribute('data-code')).resolves.toBe('CHAT_TIMED_OUT');
      await expect(refusal.textContent()).resolves.toContain('timed you out');
      await expect(bob.getByTestId('chat-input').isDisabled()).resolves.toBe(true);
      await shot(bob, '05-bob-on-b-timed-out');

      // A fresh page on node B has not been told, so it tries: node B refuses what node A decided.
      await openCommunity(bob);
      const input = bob.getByTestId('chat-input');
      await input.fill('Can I still talk?');
      await bob.getByTestId('chat-send').click();
      const refused = await visible(bob.getByTestId('chat-composer-refusal'));
      await expect(refused.getAttribute('data-code')).resolves.toBe('CHAT_TIMED_OUT');
      await expect(refused.textContent()).resolves.toBe(
        'You are timed out in this chat and cannot send messages for now.',
      );
      await expect(input.inputValue()).resolves.toBe('Can I still talk?');
      await shot(bob, '06-bob-on-b-send-refused');

      // Alice, on node A, is not affected, and Bob still receives what she writes.
      await sendAcross(alice, bob, 'Still chatting on A');
      for (const page of [alice, mona, bob])
        await expect(messageTexts(page)).resolves.not.toContain('Can I still talk?');
      await shot(mona, '07-moderator-on-a');
    });

    it('lets a moderator on node A ban a member on node B, whose page says so in place', async () => {
      const target = messageIn(mona, 'Second from B');
      await target.hover();
      await target.getByTestId('chat-ban').click();
      await target.getByTestId('chat-ban-confirm').click();
      const refusal = await visible(bob.getByTestId('chat-composer-refusal'), CROSS_NODE_MS);
      await expect
        .poll(() => refusal.getAttribute('data-code'), { timeout: CROSS_NODE_MS })
        .toBe('CHAT_BANNED');
      await expect(bob.getByTestId('chat-status').getAttribute('data-status')).resolves.toBe('refused');
      await expect(bob.getByTestId('chat-input').isDisabled()).resolves.toBe(true);
      // Bob is gone from the room as seen from node A.
      await expect
        .poll(() => presentNames(alice), { timeout: CROSS_NODE_MS })
        .toEqual([people.alice.displayName, people.mona.displayName].sort());
      await shot(bob, '08-bob-on-b-banned');
      expect(dialogs).toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  },
);
