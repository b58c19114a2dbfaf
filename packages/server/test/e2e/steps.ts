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

/** Opens the community room and waits until its chat is live. */
export async function openCommunity(page: Page): Promise<void> {
  await page.goto('/community');
  await visible(page.getByTestId('community-page'));
  const status = await visible(page.getByTestId('chat-status'));
  await waitFor('the community chat to be live', async () =>
    (await status.getAttribute('data-status')) === 'live' ? true : undefined,
  );
}
