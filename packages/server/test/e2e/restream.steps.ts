import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { locateMediaTool } from '../../src/platform/media/index.ts';
import { SCREENSHOT_DIR } from './browser.ts';
import { freePort, visible, waitFor } from './steps.ts';

const ffmpeg = locateMediaTool('ffmpeg', process.env.FFMPEG_PATH ?? null);
/** How long a new destination may take to show Live in the studio, ms. */
const RESTREAM_LIVE_MS = 60_000;

/** A local RTMP server standing in for YouTube: ffmpeg accepting one publisher and discarding what it gets. */
function receiver(port: number, key: string): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(
    ffmpeg,
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-listen',
      '1',
      '-i',
      `rtmp://127.0.0.1:${port}/live/${key}`,
      '-f',
      'null',
      '-',
    ],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  return { child, exited: new Promise((resolve) => child.once('close', resolve)) };
}

/**
 * With `creator` on the studio panel of a stream that is live: adds a custom RTMP destination in
 * the Restream panel, sees it go Live with only the key's last four characters shown (English
 * and Spanish), then switches it off and sees the receiving server's connection end.
 */
export async function restreamJourney(
  creator: Page,
  shot: (page: Page, name: string) => Promise<void>,
): Promise<void> {
  const port = await freePort();
  const key = 'e2e-restream-key-4321';
  const server = receiver(port, key);
  try {
    const card = await visible(creator.getByTestId('restream-card'));
    await card.getByTestId('restream-preset').selectOption('twitch');
    await expect(card.getByTestId('restream-url').inputValue()).resolves.toBe('rtmp://live.twitch.tv/app');
    await card.getByTestId('restream-preset').selectOption('custom');
    await card.getByTestId('restream-name').fill('Local RTMP');
    await card.getByTestId('restream-url').fill(`rtmp://127.0.0.1:${port}/live`);
    await card.getByTestId('restream-key').fill(key);
    await card.scrollIntoViewIfNeeded();
    await shot(creator, 'restream-01-add');
    await card.getByTestId('restream-add-submit').click();

    const row = await visible(card.getByTestId('restream-target').filter({ hasText: 'Local RTMP' }));
    await expect(row.textContent()).resolves.toContain('••••4321');
    await expect(card.textContent()).resolves.not.toContain(key);
    await waitFor(
      'the destination to show Live',
      async () =>
        (await row.getByTestId('restream-target-status').textContent()) === 'Live' ? true : undefined,
      RESTREAM_LIVE_MS,
    );
    await card.screenshot({ path: join(SCREENSHOT_DIR, 'restream-02-live.png') });
    await creator.getByTestId('language-switch').selectOption('es');
    await expect(row.getByTestId('restream-target-status').textContent()).resolves.toBe('En vivo');
    await card.screenshot({ path: join(SCREENSHOT_DIR, 'restream-03-live-es.png') });
    await creator.getByTestId('language-switch').selectOption('en');

    await row.getByTestId('restream-target-enabled').uncheck();
    await waitFor('the destination to show Off', async () =>
      (await row.getByTestId('restream-target-status').textContent()) === 'Off' ? true : undefined,
    );
    await expect(server.exited).resolves.toBe(0);
  } finally {
    server.child.kill('SIGKILL');
  }
}
