import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  expectConsoleErrors,
  launchBrowser,
  SCREENSHOT_DIR,
  screenshot,
  takeConsoleProblems,
} from './browser.ts';
import { restreamJourney } from './restream.steps.ts';
import { e2eDatabases, type ServerProcess, startServer } from './server-process.ts';
import { freePort, publishTestPattern, registerThroughApi, STEP_MS, visible, waitFor } from './steps.ts';

/** How long the first playable master may take after publishing starts, ms. */
const GO_LIVE_MS = 60_000;
/** Renditions the 854x480 test source gets from the standard ladder (never upscaled). */
const RUNGS = [480, 360];

/** The playing state of a page's `<video>` found by test id. */
async function videoState(page: Page, testId: string) {
  return page.getByTestId(testId).evaluate((element) => {
    const video = element as HTMLVideoElement;
    return {
      currentTime: video.currentTime,
      videoHeight: video.videoHeight,
      paused: video.paused,
      readyState: video.readyState,
    };
  });
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

describe.each(e2eDatabases())('live streaming pages on %s', (database) => {
  const stamp = Date.now().toString(36);
  const contexts: BrowserContext[] = [];
  const publishers = new Set<ChildProcess>();
  let server: ServerProcess;
  let admin: Page;
  let creator: Page;
  let viewer: Page;
  let streamId = '';
  let rtmpUrl = '';
  let streamKey = '';
  let ticketedId = '';
  let live: ChildProcess | null = null;
  /** Uncaught errors and failed requests of every page, printed at the end for diagnosis. */
  const pageErrors: string[] = [];

  const shot = (page: Page, name: string) => screenshot(page, `live-${database}-${name}`);

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1360, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`${page.url()}: ${response.status()} ${response.url()}`);
    });
    return page;
  }

  /** Calls the API from `page`'s browser context (its cookies), echoing the session's CSRF token. */
  async function call(page: Page, method: 'GET' | 'POST' | 'PATCH', path: string, data?: unknown) {
    const session = await page.request.get('/api/v1/auth/session');
    const csrf = session.ok() ? ((await session.json()) as { csrfToken: string }).csrfToken : '';
    return page.request.fetch(`/api/v1${path}`, {
      method,
      data,
      headers: { 'x-csrf-token': csrf },
    });
  }

  beforeAll(async () => {
    const rtmpPort = await freePort();
    server = await startServer({
      database,
      env: { RTMP_PORT: String(rtmpPort), RESTREAM_ALLOW_PRIVATE: 'true' },
    });
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

    const creatorId = await registerThroughApi(creator, admin, {
      email: `cleo.${stamp}@example.test`,
      password: 'a long creator password',
      displayName: 'Cleo Creator',
    });
    const promoted = await call(admin, 'PATCH', `/admin/users/${creatorId}`, { role: 'creator' });
    expect(promoted.status(), await promoted.text()).toBe(200);

    await registerThroughApi(viewer, admin, {
      email: `vic.${stamp}@example.test`,
      password: 'a long viewer password',
      displayName: 'Vic Viewer',
    });
  });

  afterAll(async () => {
    if (pageErrors.length > 0) console.warn(`page errors:\n${pageErrors.join('\n')}`);
    for (const child of publishers) child.kill('SIGKILL');
    for (const context of contexts) await context.close();
    await server?.stop();
  });

  it('lets a creator create a stream in the studio and shows its server URL and key', async () => {
    await creator.goto('/');
    await (await visible(creator.getByTestId('nav-studio'))).click();
    await visible(creator.getByTestId('create-stream-form'));
    await creator.getByTestId('create-stream-title').fill('Test pattern live');
    await creator.getByTestId('create-stream-category').fill('Testing');
    await creator.getByTestId('create-stream-visibility').selectOption('public');
    await creator.getByTestId('create-stream-latency').selectOption('low');
    await creator.getByTestId('create-stream-profile').selectOption('standard');
    await creator.getByTestId('create-stream-record').check();
    await creator.getByTestId('create-stream-reconnect').fill('5');
    await shot(creator, '01-studio-create');
    await creator.getByTestId('create-stream-submit').click();

    const panel = await visible(creator.getByTestId('stream-panel'));
    streamId = (await panel.getAttribute('data-stream-id')) ?? '';
    expect(streamId).not.toBe('');
    await expect(creator.getByTestId('stream-key').textContent()).resolves.toMatch(/^•+$/);
    await creator.getByTestId('stream-key-reveal').click();
    streamKey = ((await creator.getByTestId('stream-key').textContent()) ?? '').trim();
    expect(streamKey).toMatch(/^live_[A-Za-z0-9_-]{43}$/);
    rtmpUrl = ((await creator.getByTestId('obs-server').textContent()) ?? '').trim();
    expect(rtmpUrl).toMatch(/^rtmp:\/\/[^/]+:\d+\/live$/);
    await expect(creator.getByTestId('obs-encoder').textContent()).resolves.toContain('1 s');
    await expect(creator.getByTestId('stream-status').textContent()).resolves.toBe('Offline');
    await visible(creator.getByTestId('studio-stream-item').filter({ hasText: 'Test pattern live' }));
    await shot(creator, '02-studio-stream-created');
  });

  it('goes live from an ffmpeg publisher and the studio shows status, preview and ingest health', async () => {
    const child = publishTestPattern(rtmpUrl, streamKey, { seconds: 300, size: '854x480' });
    live = child;
    publishers.add(child);
    child.once('close', () => publishers.delete(child));

    await waitFor(
      'the studio to show the stream live',
      async () => ((await creator.getByTestId('stream-status').textContent()) === 'Live' ? true : undefined),
      GO_LIVE_MS,
    );
    await visible(creator.getByTestId('preview-video'));
    await waitFor(
      'the studio preview to play',
      async () => ((await videoState(creator, 'preview-video')).currentTime > 1 ? true : undefined),
      GO_LIVE_MS,
    );
    await visible(creator.getByTestId('ingest-health'), GO_LIVE_MS);
    await expect(creator.getByTestId('health-bitrate').textContent()).resolves.toMatch(/\d.*(kbps|Mbps)/);
    await shot(creator, '03-studio-live');
    await creator
      .getByTestId('stream-health')
      .screenshot({ path: join(SCREENSHOT_DIR, `live-${database}-03b-health.png`) });
  });

  it('restreams the live stream to a destination added in the studio', async () => {
    await restreamJourney(creator, shot);
  }, 120_000);

  it('lists the stream on the discover page', async () => {
    await viewer.goto('/');
    await visible(viewer.getByTestId('home-live'));
    await shot(viewer, '04a-home');
    await (await visible(viewer.getByTestId('nav-live'))).click();
    const tile = viewer.locator(`[data-testid="live-item"][data-stream-id="${streamId}"]`);
    await visible(tile);
    await expect(tile.getByTestId('live-item-title').textContent()).resolves.toBe('Test pattern live');
    await expect(tile.getByTestId('live-item-lock').count()).resolves.toBe(0);
    await shot(viewer, '04-discover');
    await viewer.getByTestId('language-switch').selectOption('es');
    await expect(viewer.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('En vivo ahora');
    await expect(tile.getByTestId('live-item-viewers').textContent()).resolves.toMatch(/\d+ viendo/);
    await shot(viewer, '04b-discover-es');
    await viewer.getByTestId('language-switch').selectOption('en');
    await tile.locator('a').click();
    await viewer.waitForURL(new RegExp(`/watch/${streamId}$`), { timeout: STEP_MS });
  });

  it('plays on the watch page at one of the rungs, with live badge and latency readout', async () => {
    await visible(viewer.getByTestId('watch-player-video'));
    const first = await waitFor(
      'playback to start',
      async () => {
        const state = await videoState(viewer, 'watch-player-video');
        return state.currentTime > 0.5 && state.videoHeight > 0 ? state : undefined;
      },
      GO_LIVE_MS,
    );
    await waitFor('currentTime to advance', async () => {
      const state = await videoState(viewer, 'watch-player-video');
      return state.currentTime > first.currentTime + 2 ? true : undefined;
    });
    const playing = await videoState(viewer, 'watch-player-video');
    expect(RUNGS).toContain(playing.videoHeight);
    expect(playing.paused).toBe(false);
    await visible(viewer.getByTestId('watch-player-live'));
    await waitFor('a latency readout', async () => {
      const seconds = await viewer.getByTestId('watch-player-latency').getAttribute('data-seconds');
      return seconds ? Number(seconds) : undefined;
    });
    await expect(viewer.getByTestId('watch-title').textContent()).resolves.toBe('Test pattern live');
    await shot(viewer, '05-watch-playing');
    await viewer.setViewportSize({ width: 390, height: 844 });
    await shot(viewer, '05b-watch-phone');
    await viewer.setViewportSize({ width: 1360, height: 900 });
  });

  it('switches quality from the menu: Auto plus each rung, and the picture follows', async () => {
    const menu = viewer.getByTestId('watch-player-quality');
    const labels = await menu.locator('option').allTextContents();
    expect(labels).toHaveLength(1 + RUNGS.length);
    expect(labels[0]).toMatch(/^Auto/);
    expect(labels.slice(1)).toEqual(RUNGS.map((height) => `${height}p`));

    for (const height of [...RUNGS].reverse()) {
      await menu.selectOption({ label: `${height}p` });
      await waitFor(
        `the ${height}p rendition to play`,
        async () => {
          const level = await viewer.getByTestId('watch-player').getAttribute('data-level-height');
          const state = await videoState(viewer, 'watch-player-video');
          return level === String(height) && state.videoHeight === height ? true : undefined;
        },
        GO_LIVE_MS,
      );
      const before = (await videoState(viewer, 'watch-player-video')).currentTime;
      await waitFor('playback to continue after the switch', async () =>
        (await videoState(viewer, 'watch-player-video')).currentTime > before + 1 ? true : undefined,
      );
      await shot(viewer, `06-watch-${height}p`);
    }
    await menu.selectOption('-1');
    await expect(menu.inputValue()).resolves.toBe('-1');
  });

  it("counts the viewer's heartbeats in the studio", async () => {
    await waitFor(
      'the studio to count a viewer',
      async () => {
        const text = (await creator.getByTestId('health-viewers').textContent()) ?? '0';
        return Number(text) >= 1 ? true : undefined;
      },
      GO_LIVE_MS,
    );
    await creator
      .getByTestId('viewers-chart')
      .or(creator.getByTestId('viewers-chart-empty'))
      .first()
      .waitFor();
    await shot(creator, '07-studio-with-viewer');
  });

  /** Changes the visibility of the stream open in the studio through its settings form. */
  async function setVisibility(visibility: string) {
    const settings = creator.getByTestId('stream-settings');
    const form = settings.getByTestId('stream-settings-form');
    if (!(await form.isVisible())) await settings.locator('summary').click();
    await creator.getByTestId('stream-settings-visibility').selectOption(visibility);
    // Wait for this save's answer: the "saved" notice may still show from the previous save.
    const saved = creator.waitForResponse(
      (res) => res.request().method() === 'PATCH' && /\/api\/v1\/studio\/streams\/[^/?]+$/.test(res.url()),
      { timeout: STEP_MS },
    );
    await creator.getByTestId('stream-settings-submit').click();
    const answer = await saved;
    expect(answer.status()).toBe(200);
    expect(((await answer.json()) as { stream: { visibility: string } }).stream.visibility).toBe(visibility);
    await visible(creator.getByTestId('stream-settings-saved'));
  }

  it('plays a subscribers-only stream for its owner with a playback token and locks it for others', async () => {
    // The viewer's player, still open on the stream, is refused its playlists and segments once it is locked.
    expectConsoleErrors(/status of 403 .*\/hls\/[^/]+\//);
    const requested: string[] = [];
    const onRequest = (request: { url: () => string }) => requested.push(request.url());
    creator.on('request', onRequest);
    await setVisibility('subscribers');
    await expect(creator.getByTestId('visibility-badge').textContent()).resolves.toContain('Subscribers');

    const master = await viewer.request.get(`/hls/${streamId}/master.m3u8`);
    expect(master.status()).toBe(403);
    await visible(viewer.getByTestId('watch-locked'), GO_LIVE_MS);
    await shot(viewer, '07a-watch-subscribers-only');

    const before = (await videoState(creator, 'preview-video')).currentTime;
    await waitFor(
      'the owner preview to play with a token',
      async () => {
        const state = await videoState(creator, 'preview-video');
        return state.currentTime > 1 && state.currentTime !== before && !state.paused ? true : undefined;
      },
      GO_LIVE_MS,
    );
    await waitFor('segments fetched with a playback token', async () =>
      requested.some((url) => /\/hls\/[^?]+\.ts\?(.*&)?token=/.test(url)) ? true : undefined,
    );
    creator.off('request', onRequest);
    await shot(creator, '07b-studio-preview-with-token');

    await setVisibility('public');
    await expect((await viewer.request.get(`/hls/${streamId}/master.m3u8`)).status()).toBe(200);
  });

  it('refuses a ticketed stream without a token and shows the ticket gate', async () => {
    await creator.getByTestId('studio-new').click();
    await visible(creator.getByTestId('create-stream-form'));
    await creator.getByTestId('create-stream-title').fill('Ticketed show');
    await creator.getByTestId('create-stream-visibility').selectOption('ticketed');
    await creator.getByTestId('create-stream-submit').click();
    const panel = await visible(creator.getByTestId('stream-panel'));
    await waitFor('the new stream panel', async () => {
      const id = await panel.getAttribute('data-stream-id');
      return id && id !== streamId ? id : undefined;
    }).then((id) => {
      ticketedId = id;
    });
    await expect(creator.getByTestId('visibility-badge').textContent()).resolves.toContain('Ticket');

    const master = await viewer.request.get(`/hls/${ticketedId}/master.m3u8`);
    expect(master.status()).toBe(403);
    const token = await call(viewer, 'POST', `/streams/${ticketedId}/playback-token`, {});
    expect(token.status()).toBe(403);
    await expect(token.json()).resolves.toMatchObject({ code: 'STREAM_TICKET_REQUIRED' });

    await viewer.goto(`/watch/${ticketedId}`);
    await visible(viewer.getByTestId('watch-ticket-gate'));
    await expect(viewer.getByTestId('watch-player-video').count()).resolves.toBe(0);
    await shot(viewer, '08-watch-ticket-gate');
  });

  it('ends the broadcast: the watch page shows the offline slate and the recording plays in Videos', async () => {
    // The player's last playlist requests can cross the end of the stream before the page hears of it.
    expectConsoleErrors(/status of 404 .*\/hls\/[^/]+\/(\d+\/index|master)\.m3u8/);
    const exited = new Promise((resolve) => live?.once('close', resolve));
    live?.kill('SIGINT');
    await exited;

    await viewer.goto(`/watch/${streamId}`);
    await visible(viewer.getByTestId('watch-offline'), GO_LIVE_MS);

    await visible(viewer.getByTestId('watch-recording'), GO_LIVE_MS);
    await shot(viewer, '09-watch-offline');

    await viewer.goto('/videos');
    const item = viewer.getByTestId('vod-item').filter({ hasText: 'Test pattern live' });
    await visible(item);
    await expect(item.getByTestId('vod-duration').textContent()).resolves.toMatch(/^\d+:\d\d$/);
    await shot(viewer, '10-videos');

    await item.locator('a').click();
    await visible(viewer.getByTestId('vod-player-video'));
    const started = await waitFor(
      'the recording to play',
      async () => {
        const state = await videoState(viewer, 'vod-player-video');
        return state.currentTime > 0.5 ? state : undefined;
      },
      GO_LIVE_MS,
    );
    expect(RUNGS).toContain(started.videoHeight);
    await waitFor('the recording to keep playing', async () =>
      (await videoState(viewer, 'vod-player-video')).currentTime > started.currentTime + 1 ? true : undefined,
    );
    await expect(viewer.getByTestId('vod-player-live').count()).resolves.toBe(0);
    await shot(viewer, '11-video-playing');
  });
});
