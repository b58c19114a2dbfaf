import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { Locator, Page } from 'playwright-core';
import { locateMediaTool } from '../../src/platform/media/index.ts';

/** How long one UI step may take before a test fails, ms (generous: the machine has 2 cores). */
export const STEP_MS = 30_000;

const ffmpeg = locateMediaTool('ffmpeg', process.env.FFMPEG_PATH ?? null);

/** A free TCP port on 127.0.0.1 (for the RTMP ingest). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A test publisher as OBS would be: a `size` testsrc2 picture and a sine tone, x264 with 1 s key
 * frames and AAC, FLV over RTMP to the server URL and key the studio showed, for `seconds`.
 */
export function publishTestPattern(
  rtmpUrl: string,
  streamKey: string,
  options: { seconds: number; size: string },
): ChildProcess {
  const child = spawn(
    ffmpeg,
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${options.size}:rate=30`,
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=48000',
      '-t',
      String(options.seconds),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-tune',
      'zerolatency',
      '-g',
      '30',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-b:a',
      '64k',
      '-f',
      'flv',
      `${rtmpUrl.replace(/\/+$/, '')}/${streamKey}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.resume();
  return child;
}

/** Waits until `locator` is visible. */
export async function visible(locator: Locator, timeout = STEP_MS): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout });
  return locator;
}

/** Polls `check` until it returns a value other than undefined, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = STEP_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A new member's details as the sign-up form takes them. */
export interface SignUpDetails {
  displayName: string;
  email: string;
  password: string;
}

/** Opens the sign-up page, fills the form with `user` and submits it. */
export async function submitSignUp(page: Page, user: SignUpDetails): Promise<void> {
  await page.goto('/signup');
  await visible(page.getByTestId('signup-form'));
  await page.getByTestId('signup-display-name').fill(user.displayName);
  await page.getByTestId('signup-email').fill(user.email);
  await page.getByTestId('signup-password').fill(user.password);
  await page.getByTestId('signup-submit').click();
}

/**
 * Creates the first admin through the one-time setup link the server printed at start, in `admin`'s
 * page, which stays signed in (the dev outbox with members' sign-up links is read through it).
 */
export async function setUpFirstAdmin(admin: Page, serverOutput: string, email: string): Promise<void> {
  const printed = /Create the first admin at (\S+\/setup\?token=[\w-]+)/.exec(serverOutput);
  if (!printed) throw new Error(`the server printed no setup link:\n${serverOutput}`);
  const setup = new URL(printed[1]!);
  await admin.goto(`${setup.pathname}${setup.search}`);
  await visible(admin.getByTestId('setup-form'));
  await admin.getByTestId('setup-display-name').fill('Ada Admin');
  await admin.getByTestId('setup-email').fill(email);
  await admin.getByTestId('setup-password').fill('a long admin password');
  await admin.getByTestId('setup-submit').click();
  await visible(admin.getByTestId('nav-admin'));
}

/**
 * The path of the newest sign-up link mailed to `email`, read from the dev outbox through `admin`'s
 * session (the mail arrives once the job worker has run).
 */
export async function mailedSignUpLink(admin: Page, email: string): Promise<string> {
  return waitFor(`the sign-up mail to ${email}`, async () => {
    const res = await admin.request.get('/api/v1/admin/mail?limit=100');
    if (!res.ok()) return undefined;
    const { items } = (await res.json()) as { items: { to: string; text: string }[] };
    for (const mail of items) {
      const link = mail.to === email ? /\/verify-email\?token=[\w%-]+/.exec(mail.text) : null;
      if (link) return link[0];
    }
    return undefined;
  });
}

/**
 * Signs `user` up through the form, then opens the link from the mail (as the person would from their
 * inbox), which creates the account and signs it in.
 */
export async function signUpAndConfirm(page: Page, admin: Page, user: SignUpDetails): Promise<void> {
  await submitSignUp(page, user);
  await visible(page.getByTestId('signup-notice'));
  await page.goto(await mailedSignUpLink(admin, user.email));
  await visible(page.getByTestId('verify-email-success'));
  await visible(page.getByTestId('user-menu'));
}

/** Signs `user` up through the API in `page`'s browser context and confirms the mailed link; returns the new user id. */
export async function registerThroughApi(page: Page, admin: Page, user: SignUpDetails): Promise<string> {
  const registered = await page.request.post('/api/v1/auth/register', { data: user });
  if (registered.status() !== 202) throw new Error(`sign-up failed: ${await registered.text()}`);
  const token = new URL(await mailedSignUpLink(admin, user.email), 'http://x').searchParams.get('token');
  const verified = await page.request.post('/api/v1/auth/verify-email', { data: { token } });
  if (verified.status() !== 200) throw new Error(`sign-up link failed: ${await verified.text()}`);
  return ((await verified.json()) as { user: { id: string } }).user.id;
}

/** Opens the community room and waits until its chat is live. */
export async function openCommunity(page: Page): Promise<void> {
  await page.goto('/community');
  await visible(page.getByTestId('community-page'));
  const status = await visible(page.getByTestId('chat-status'));
  await waitFor('the community chat to be live', async () =>
    (await status.getAttribute('data-status')) === 'live' ? true : undefined,
  );
}
