import type { ChildProcess } from 'node:child_process';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectConsoleErrors, launchBrowser, screenshot, takeConsoleProblems } from './browser.ts';
import { e2eDatabases, type ServerProcess, startServer } from './server-process.ts';
import {
  freePort,
  publishTestPattern,
  registerThroughApi,
  STEP_MS,
  signUpAndConfirm,
  visible,
  waitFor,
} from './steps.ts';

/** How long a stream may take to go live after ffmpeg starts publishing, ms. */
const GO_LIVE_MS = 90_000;
/** The package the admin puts on sale and the member buys; its name has a 60-letter word. */
const PACKAGE = {
  name: `Starter ${'pack'.repeat(15)}`,
  coins: 1200,
  price: '4.99',
  priceText: '$4.99',
};
/** The catalogue's Diamond (seeded): 50 coins, bursts. */
const DIAMOND = { id: 'gift_0diamond', coins: 50 };
const TIP_COINS = 150;
/** Prices the creator and the admin set for a ticket, a subscription and PRIME. */
const TICKET_COINS = 100;
const PLAN_COINS = 120;
const PRIME_COINS = 300;

/** The number a `data-*` attribute of `locator` holds. */
async function numberAttribute(locator: Locator, name: string): Promise<number> {
  return Number(await locator.getAttribute(name));
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

describe.each(e2eDatabases())('coins, gifts, earnings and payouts in the browser on %s', (database) => {
  const stamp = Date.now().toString(36);
  const contexts: BrowserContext[] = [];
  const publishers = new Set<ChildProcess>();
  const member = {
    displayName: 'Mia Member',
    email: `mia.${stamp}@example.test`,
    password: 'a long member password',
  };
  let server: ServerProcess;
  let admin: Page;
  let creator: Page;
  let viewer: Page;
  let streamId = '';
  let creatorId = '';
  /** The creator's share of every coin spent on them, in basis points (read from the earnings page). */
  let creatorBps = 0;
  /** Uncaught errors and console errors of every page, printed when the suite ends. */
  const pageErrors: string[] = [];

  const shot = (page: Page, name: string) => screenshot(page, `money-${database}-${name}`);

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1360, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`${page.url()}: console: ${message.text()}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`${page.url()}: ${response.status()} ${response.url()}`);
    });
    return page;
  }

  /** Calls the API from `page`'s browser context (its cookies), echoing the session's CSRF token. */
  async function call(page: Page, method: 'GET' | 'POST' | 'PATCH' | 'PUT', path: string, data?: unknown) {
    const session = await page.request.get('/api/v1/auth/session');
    const csrf = session.ok() ? ((await session.json()) as { csrfToken: string }).csrfToken : '';
    return page.request.fetch(`/api/v1${path}`, { method, data, headers: { 'x-csrf-token': csrf } });
  }

  /** The member's balance as the wallet page shows it. */
  async function walletBalance(page: Page): Promise<number> {
    return numberAttribute(await visible(page.getByTestId('wallet-balance')), 'data-balance');
  }

  beforeAll(async () => {
    const rtmpPort = await freePort();
    server = await startServer({ database, env: { RTMP_PORT: String(rtmpPort) } });
    admin = await newPage();
    creator = await newPage();
    viewer = await newPage();

    const setupToken = /\/setup\?token=([\w-]+)/.exec(server.output())?.[1];
    expect(setupToken, server.output()).toBeTruthy();
    const setup = await admin.request.post('/api/v1/auth/setup', {
      data: {
        token: setupToken,
        email: `ada.${stamp}@example.test`,
        password: 'a long admin password',
        displayName: 'Ada Admin',
      },
    });
    expect(setup.status(), await setup.text()).toBe(201);

    creatorId = await registerThroughApi(creator, admin, {
      email: `cleo.${stamp}@example.test`,
      password: 'a long creator password',
      displayName: 'Cleo Creator',
    });
    const promoted = await call(admin, 'PATCH', `/admin/users/${creatorId}`, { role: 'creator' });
    expect(promoted.status(), await promoted.text()).toBe(200);
  });

  afterAll(async () => {
    if (pageErrors.length > 0) console.warn(`page errors:\n${pageErrors.join('\n')}`);
    for (const child of publishers) child.kill('SIGKILL');
    for (const context of contexts) await context.close();
    await server?.stop();
  });

  it('lets an admin put a coin package on sale', async () => {
    await admin.goto('/admin');
    await (await visible(admin.getByTestId('admin-tab-coin-packages'))).click();
    await visible(admin.getByTestId('package-new-form'));
    await admin.getByTestId('package-new-name').fill(PACKAGE.name);
    await admin.getByTestId('package-new-coins').fill(String(PACKAGE.coins));
    await admin.getByTestId('package-new-price').fill(PACKAGE.price);
    await admin.getByTestId('package-new-currency').fill('USD');
    await admin.getByTestId('package-new-submit').click();
    const row = await visible(admin.getByTestId('admin-package-row').filter({ hasText: PACKAGE.name }));
    await expect(row.textContent()).resolves.toContain(PACKAGE.priceText);
    await shot(admin, '01-admin-coin-packages');
  });

  it('signs a member up, whose header shows an empty wallet', async () => {
    await signUpAndConfirm(viewer, admin, member);

    await (await visible(viewer.getByTestId('nav-wallet'))).click();
    await viewer.waitForURL(/\/wallet$/, { timeout: STEP_MS });
    expect(await walletBalance(viewer)).toBe(0);
    await visible(viewer.getByTestId('wallet-history').getByTestId('empty'));
    await shot(viewer, '02-wallet-empty');
  });

  it('buys coins in the sandbox checkout and the wallet shows them', async () => {
    await viewer.getByTestId('wallet-buy').click();
    await viewer.waitForURL(/\/wallet\/buy$/, { timeout: STEP_MS });
    const card = await visible(viewer.getByTestId('coin-package').filter({ hasText: PACKAGE.name }));
    await expect(card.getByTestId('coin-package-price').textContent()).resolves.toBe(PACKAGE.priceText);
    // The long word wraps inside its card instead of spilling over the next one.
    const spills = await card.evaluate((el) => {
      const box = el.getBoundingClientRect();
      return [...el.querySelectorAll('*')].filter((child) => {
        const r = child.getBoundingClientRect();
        return r.left < box.left - 1 || r.right > box.right + 1;
      }).length;
    });
    expect(spills).toBe(0);
    await expect((await visible(viewer.getByTestId('provider-sandbox'))).isChecked()).resolves.toBe(true);
    await shot(viewer, '03-buy-coins');
    await card.getByRole('button').click();

    await viewer.waitForURL(/\/checkout\/sandbox\/[^/]+$/, { timeout: STEP_MS });
    await visible(viewer.getByTestId('sandbox-banner'));
    await expect(viewer.getByTestId('sandbox-package').textContent()).resolves.toBe(PACKAGE.name);
    await expect(viewer.getByTestId('sandbox-amount').textContent()).resolves.toBe(PACKAGE.priceText);
    await shot(viewer, '04-sandbox-checkout');
    await viewer.getByTestId('sandbox-pay').click();

    await viewer.waitForURL(/\/wallet\?order=/, { timeout: STEP_MS });
    await visible(viewer.getByTestId('order-paid'));
    await waitFor('the paid coins in the wallet', async () =>
      (await walletBalance(viewer)) === PACKAGE.coins ? true : undefined,
    );
    const purchase = await visible(viewer.getByTestId('wallet-history-row').first());
    await expect(purchase.getAttribute('data-kind')).resolves.toBe('purchase');
    await expect(purchase.textContent()).resolves.toContain('+1,200');
    await expect(viewer.getByTestId('nav-wallet-balance').textContent()).resolves.toBe('1,200');
    await shot(viewer, '05-wallet-paid');
  });

  it('credits nothing when the member declines in the sandbox checkout', async () => {
    await viewer.goto('/wallet/buy');
    const card = await visible(viewer.getByTestId('coin-package').filter({ hasText: PACKAGE.name }));
    await card.getByRole('button').click();
    await viewer.waitForURL(/\/checkout\/sandbox\//, { timeout: STEP_MS });
    await (await visible(viewer.getByTestId('sandbox-decline'))).click();
    await viewer.waitForURL(/\/wallet\?order=/, { timeout: STEP_MS });
    const failed = await visible(viewer.getByTestId('order-failed'));
    await expect(failed.getAttribute('data-status')).resolves.toBe('rejected');
    expect(await walletBalance(viewer)).toBe(PACKAGE.coins);
    await shot(viewer, '06-wallet-declined');
  });

  it('shows an order left pending as still processing', async () => {
    await viewer.goto('/wallet/buy');
    const card = await visible(viewer.getByTestId('coin-package').filter({ hasText: PACKAGE.name }));
    await card.getByRole('button').click();
    await viewer.waitForURL(/\/checkout\/sandbox\//, { timeout: STEP_MS });
    await (await visible(viewer.getByTestId('sandbox-leave-pending'))).click();
    await viewer.waitForURL(/\/wallet\?order=/, { timeout: STEP_MS });
    await visible(viewer.getByTestId('order-pending'));
    expect(await walletBalance(viewer)).toBe(PACKAGE.coins);
    await shot(viewer, '06b-wallet-pending');
  });

  it('puts the creator live from an ffmpeg publisher', async () => {
    const created = await call(creator, 'POST', '/studio/streams', {
      title: 'Gift night',
      visibility: 'public',
      transcodingProfile: 'compact',
    });
    expect(created.status(), await created.text()).toBe(201);
    const body = (await created.json()) as {
      stream: { id: string };
      ingest: { rtmpUrl: string; streamKey: string };
    };
    streamId = body.stream.id;
    const child = publishTestPattern(body.ingest.rtmpUrl, body.ingest.streamKey, {
      seconds: 600,
      size: '640x360',
    });
    publishers.add(child);
    child.once('close', () => publishers.delete(child));
    await waitFor(
      'the stream to go live',
      async () => {
        const response = await call(creator, 'GET', `/studio/streams/${streamId}`);
        const { stream } = (await response.json()) as { stream: { status: string } };
        return stream.status === 'live' ? true : undefined;
      },
      GO_LIVE_MS,
    );
  });

  it('sends a gift and a tip from the gift panel of the live watch page', async () => {
    // A stream is live a moment before its first master playlist is written; the player asks again.
    expectConsoleErrors(/status of 404 .*\/hls\/[^/]+\/master\.m3u8/);
    await viewer.goto(`/watch/${streamId}`);
    const panel = await visible(viewer.getByTestId('gift-panel'));
    await visible(panel.getByTestId('gift-catalogue'));
    await expect(panel.getByTestId('gift-panel-balance').getAttribute('data-coins')).resolves.toBe(
      String(PACKAGE.coins),
    );
    await shot(viewer, '07-watch-gift-panel');

    await panel.getByTestId(`gift-${DIAMOND.id}`).click();
    await visible(panel.getByTestId('gift-sent'));
    // The gift comes back over the stream's channel and plays over the player.
    await visible(viewer.getByTestId('gift-overlay').getByTestId('gift-animation').first());
    await waitFor('the balance after the gift', async () =>
      (await panel.getByTestId('gift-panel-balance').getAttribute('data-coins')) ===
      String(PACKAGE.coins - DIAMOND.coins)
        ? true
        : undefined,
    );

    await panel.getByTestId('tip-amount').fill(String(TIP_COINS));
    await panel.getByTestId('tip-message').fill('Great show!');
    await panel.getByTestId('tip-submit').click();
    await visible(panel.getByTestId('tip-sent'));
    const spent = DIAMOND.coins + TIP_COINS;
    await waitFor('the balance after the tip', async () =>
      (await panel.getByTestId('gift-panel-balance').getAttribute('data-coins')) ===
      String(PACKAGE.coins - spent)
        ? true
        : undefined,
    );
    const gifter = await visible(panel.getByTestId('top-gifter').first());
    await expect(gifter.textContent()).resolves.toContain(member.displayName);
    await shot(viewer, '08-watch-gift-sent');
  });

  it('refuses a tip the wallet cannot pay, with a way to buy coins', async () => {
    expectConsoleErrors(/status of 409 .*\/api\/v1\/streams\/[^/]+\/tips/);
    const panel = viewer.getByTestId('gift-panel');
    await panel.getByTestId('tip-amount').fill(String(PACKAGE.coins * 10));
    await panel.getByTestId('tip-submit').click();
    await visible(panel.getByTestId('tip-error'));
    await expect(panel.getByTestId('insufficient-buy-link').getAttribute('href')).resolves.toBe(
      '/wallet/buy',
    );
    await shot(viewer, '09-watch-insufficient');
  });

  it("shows the gift and the tip in the creator's earnings", async () => {
    await creator.goto('/');
    await (await visible(creator.getByTestId('user-menu'))).click();
    await (await visible(creator.getByTestId('menu-earnings'))).click();
    await creator.waitForURL(/\/creator\/earnings$/, { timeout: STEP_MS });
    await visible(creator.getByTestId('earnings-chart'));
    const split = (await (await visible(creator.getByTestId('earnings-split'))).textContent()) ?? '';
    creatorBps = Math.round(Number.parseFloat(split) * 100);
    expect(creatorBps).toBeGreaterThan(0);
    const expected =
      Math.floor((DIAMOND.coins * creatorBps) / 10_000) + Math.floor((TIP_COINS * creatorBps) / 10_000);
    const balanceText = (await creator.getByTestId('earnings-balance').textContent()) ?? '';
    const balance = Number(balanceText.replace(/[^\d]/g, ''));
    expect(balance, balanceText).toBe(expected);
    const kinds = await creator
      .getByTestId('earnings-recent-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-kind')));
    expect(kinds).toEqual(expect.arrayContaining(['gift', 'tip']));
    const today = new Date().toISOString().slice(0, 10);
    const bar = creator.locator(`[data-testid="earnings-chart"] g[data-date="${today}"]`);
    await expect(numberAttribute(bar, 'data-total')).resolves.toBe(balance);
    await shot(creator, '10-creator-earnings');
  });

  it('lets the creator request a payout once the admin lowered the minimum', async () => {
    await admin.goto('/admin/split');
    const minimum = await visible(admin.getByTestId('split-minimum'));
    await minimum.fill('10');
    await admin.getByTestId('split-default-submit').click();
    await visible(admin.getByTestId('split-default-saved'));
    await shot(admin, '11-admin-split');

    await creator.reload();
    const form = await visible(creator.getByTestId('payout-form'));
    await expect(form.textContent()).resolves.toContain('10 coins');
    await creator.getByTestId('payout-submit').click();
    await visible(creator.getByTestId('payout-requested'));
    const row = await visible(creator.getByTestId('payout-row').first());
    await expect(row.getAttribute('data-status')).resolves.toBe('requested');
    await shot(creator, '12-creator-payout-requested');
  });

  it('lets an admin approve the payout and mark it paid, and the creator sees it paid', async () => {
    await admin.goto('/admin');
    await (await visible(admin.getByTestId('admin-tab-payouts'))).click();
    const row = await visible(admin.getByTestId('admin-payout-row').filter({ hasText: 'Cleo Creator' }));
    const payoutId = (await row.getAttribute('data-payout-id')) ?? '';
    await shot(admin, '13-admin-payouts');
    await row.getByTestId(`payout-approve-${payoutId}`).click();
    // The list shows every status, so the approved payout stays in view, and the filter counts it.
    const rowOf = `[data-testid="admin-payout-row"][data-payout-id="${payoutId}"]`;
    await waitFor('the approved payout to stay listed', async () =>
      (await admin.locator(rowOf).getAttribute('data-status')) === 'approved' ? true : undefined,
    );
    const approvedOption = admin.locator('[data-testid="admin-payout-filter"] option[value="approved"]');
    await waitFor('the approved count', async () =>
      (await approvedOption.getAttribute('data-count')) === '1' ? true : undefined,
    );

    await admin.getByTestId('admin-payout-filter').selectOption('approved');
    const approved = await visible(
      admin.locator(`[data-testid="admin-payout-row"][data-payout-id="${payoutId}"]`),
    );
    await approved.getByTestId(`payout-paid-${payoutId}`).click();
    await approved.getByTestId('payout-paid-input').fill('WIRE-2026-0042');
    await shot(admin, '14-admin-mark-paid');
    await approved.getByTestId('payout-paid-submit').click();

    await admin.getByTestId('admin-payout-filter').selectOption('paid');
    const paid = await visible(
      admin.locator(`[data-testid="admin-payout-row"][data-payout-id="${payoutId}"]`),
    );
    await expect(paid.textContent()).resolves.toContain('WIRE-2026-0042');
    await shot(admin, '15-admin-paid');

    await creator.reload();
    const mine = await visible(creator.locator(`[data-testid="payout-row"][data-payout-id="${payoutId}"]`));
    await expect(mine.getAttribute('data-status')).resolves.toBe('paid');
    await expect(mine.textContent()).resolves.toContain('WIRE-2026-0042');
    await expect(creator.getByTestId('earnings-balance').textContent()).resolves.toMatch(/^0 coins$/);
    await shot(creator, '16-creator-paid');
  });

  it('lists the purchase for the admin on the payments tab', async () => {
    await admin.goto('/admin/payments');
    await admin.getByTestId('admin-payment-status').selectOption('paid');
    const row = await visible(admin.getByTestId('admin-payment-row').filter({ hasText: member.email }));
    await expect(row.textContent()).resolves.toContain(PACKAGE.priceText);
    await shot(admin, '17-admin-payments');
  });

  it('sells a ticket from the ticket gate of a ticketed stream', async () => {
    const created = await call(creator, 'POST', '/studio/streams', {
      title: 'Premiere',
      visibility: 'ticketed',
    });
    expect(created.status(), await created.text()).toBe(201);
    const ticketedId = ((await created.json()) as { stream: { id: string } }).stream.id;
    const priced = await call(creator, 'PUT', `/streams/${ticketedId}/ticket`, { priceCoins: TICKET_COINS });
    expect(priced.status(), await priced.text()).toBe(200);

    await viewer.goto('/wallet');
    const before = await walletBalance(viewer);
    await viewer.goto(`/watch/${ticketedId}`);
    const gate = await visible(viewer.getByTestId('ticket-gate'));
    await expect(gate.getByTestId('ticket-price').textContent()).resolves.toBe(`${TICKET_COINS} coins`);
    await expect(gate.getByTestId('ticket-balance').getAttribute('data-coins')).resolves.toBe(String(before));
    await shot(viewer, '18-ticket-gate');
    await gate.getByTestId('ticket-buy').click();
    await visible(viewer.getByTestId('watch-offline'));
    await expect(viewer.getByTestId('ticket-gate').count()).resolves.toBe(0);
    await shot(viewer, '19-ticket-unlocked');

    await viewer.goto('/wallet');
    await waitFor('the ticket in the wallet', async () =>
      (await walletBalance(viewer)) === before - TICKET_COINS ? true : undefined,
    );
    await expect(viewer.getByTestId('wallet-history-row').first().getAttribute('data-kind')).resolves.toBe(
      'ticket',
    );
  });

  it('subscribes to the creator from the watch page and cancels from the subscriptions page', async () => {
    const plan = await call(creator, 'PUT', '/creator/subscription-plan', { priceCoins: PLAN_COINS });
    expect(plan.status(), await plan.text()).toBe(200);

    await viewer.goto(`/watch/${streamId}`);
    const subscribe = await visible(viewer.getByTestId('subscribe-button'));
    await expect(subscribe.textContent()).resolves.toContain(`${PLAN_COINS} coins`);
    await subscribe.click();
    await visible(viewer.getByTestId('subscribed-badge'));
    await expect(viewer.getByTestId('subscription-renewal').textContent()).resolves.toMatch(/^Renews on /);
    await shot(viewer, '20-watch-subscribed');

    await viewer.getByTestId('user-menu').click();
    await (await visible(viewer.getByTestId('menu-subscriptions'))).click();
    const row = await visible(
      viewer.locator(`[data-testid="subscription-row"][data-creator-id="${creatorId}"]`),
    );
    await expect(row.textContent()).resolves.toContain('Cleo Creator');
    await row.getByTestId(`subscription-cancel-${creatorId}`).click();
    await row.getByTestId(`subscription-cancel-${creatorId}-confirm`).click();
    await waitFor('the subscription to end at the period end', async () =>
      (await row.textContent())?.includes('Ends on') ? true : undefined,
    );
    await shot(viewer, '21-subscriptions-cancelled');
  });

  it('lets an admin price PRIME and a member join it', async () => {
    await admin.goto('/admin');
    await (await visible(admin.getByTestId('admin-tab-prime'))).click();
    await (await visible(admin.getByTestId('prime-price'))).fill(String(PRIME_COINS));
    await admin
      .getByTestId('prime-perks-input')
      .fill('No ads\nPRIME badge in chat\nEarly access to premieres');
    await admin.getByTestId('prime-save').click();
    await visible(admin.getByTestId('prime-saved'));
    await shot(admin, '22-admin-prime');

    await viewer.goto('/subscriptions');
    const card = await visible(viewer.getByTestId('prime-card'));
    const perks = await visible(card.getByTestId('prime-perks'));
    await expect(perks.locator('li').count()).resolves.toBe(3);
    await expect(card.textContent()).resolves.toContain(`${PRIME_COINS} coins / month`);
    await card.getByTestId('prime-join').click();
    await visible(card.getByTestId('prime-active'));
    await shot(viewer, '23-prime-member');
  });

  it('shows the wallet in Spanish', async () => {
    await viewer.goto('/wallet');
    await visible(viewer.getByTestId('wallet-balance'));
    await viewer.getByTestId('language-switch').selectOption('es');
    await expect(viewer.locator('h1').first().textContent()).resolves.toBe('Billetera');
    await expect(viewer.getByTestId('wallet-buy').textContent()).resolves.toBe('Comprar monedas');
    await expect(viewer.getByTestId('wallet-history-list').textContent()).resolves.toContain('Compra');
    await shot(viewer, '24-wallet-es');
    await viewer.getByTestId('language-switch').selectOption('en');
  });

  it('lets an admin add a gift to the catalogue and take it off sale', async () => {
    await admin.goto('/admin/gifts');
    await (await visible(admin.getByTestId('gift-new-icon'))).fill('⭐');
    await admin.getByTestId('gift-new-name').fill('Star');
    await admin.getByTestId('gift-new-coins').fill('25');
    await admin.getByTestId('gift-new-animation').selectOption('rain');
    await admin.getByTestId('gift-new-submit').click();
    const row = await visible(admin.getByTestId('admin-gift-row').filter({ hasText: 'Star' }));
    await expect(row.textContent()).resolves.toContain('25 coins');
    const giftId = (await row.getAttribute('data-gift-id')) ?? '';
    const catalogue = await viewer.request.get('/api/v1/gifts');
    const names = ((await catalogue.json()) as { items: { name: string }[] }).items.map((gift) => gift.name);
    expect(names).toContain('Star');

    await row.getByTestId(`gift-toggle-${giftId}`).click();
    await waitFor('the gift to be hidden', async () =>
      (await row.textContent())?.includes('Hidden') ? true : undefined,
    );
    await shot(admin, '25-admin-gifts');
    const after = await viewer.request.get('/api/v1/gifts');
    const active = ((await after.json()) as { items: { name: string; active: boolean }[] }).items.filter(
      (gift) => gift.active,
    );
    expect(active.map((gift) => gift.name)).not.toContain('Star');
  });

  it('leaves a ledger that `pnptv ledger verify` passes', async () => {
    await server.stop({ keepData: true });
    const verified = await server.cli(['ledger', 'verify']);
    expect(verified.code, verified.output).toBe(0);
  });
});
