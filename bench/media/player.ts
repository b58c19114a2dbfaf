/**
 * The media bench's viewer side: when a ladder becomes playable, and how far a real player
 * (Chromium with hls.js and the watch page's settings) runs behind the publisher.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { liveLatencyConfig } from '../../packages/web/src/features/live/player.ts';
import { ROOT } from '../lib/process.ts';
import { CODE_BITS, CODE_HEIGHT, HEIGHT, sleep } from './clip.ts';

/** Middle value (the upper one of an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** `value` rounded to `digits` decimals. */
export function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

/** Reads a playlist over HTTP, or from disk for a file URL; empty when it is not there yet. */
async function readPlaylist(url: URL): Promise<string> {
  if (url.protocol === 'file:') return existsSync(url) ? readFileSync(url, 'utf8') : '';
  const res = await fetch(url).catch(() => null);
  return res?.ok ? res.text() : '';
}

/** Seconds from `since` (ms) until the master playlist exists and every variant lists a segment. */
export async function waitPlayable(master: string, since: number, timeoutMs = 30_000): Promise<number> {
  while (Date.now() - since < timeoutMs) {
    const text = await readPlaylist(new URL(master));
    const variants = text.split('\n').filter((line) => line.trim() && !line.startsWith('#'));
    if (variants.length > 0) {
      const lists = await Promise.all(variants.map((v) => readPlaylist(new URL(v.trim(), master))));
      if (lists.every((list) => /\.ts(\?.*)?$/m.test(list))) return (Date.now() - since) / 1000;
    }
    await sleep(50);
  }
  throw new Error(`${master} was not playable within ${timeoutMs} ms`);
}

/**
 * Plays `master` in Chromium and samples glass-to-glass latency against the publisher's start
 * (`startedAt`, ms) every 500 ms for `sampleS` seconds once playback is steady.
 */
export async function glassToGlass(
  browser: Browser,
  base: string,
  master: string,
  startedAt: number,
  mode: 'low' | 'standard',
  sampleS: number,
): Promise<{ medianS: number; samples: number; height: number }> {
  const page = await browser.newPage();
  try {
    // Same origin as the media, so the canvas holding the frames is readable.
    await page.goto(`${base}/healthz`);
    await page.setContent(
      '<video id="v" muted playsinline style="width:640px"></video><canvas id="c"></canvas>',
    );
    const require = createRequire(import.meta.url);
    await page.addScriptTag({
      path: require.resolve('hls.js/dist/hls.min.js', { paths: [join(ROOT, 'packages/web')] }),
    });
    await page.evaluate(
      ({ src, config }) => {
        const video = document.getElementById('v') as HTMLVideoElement;
        interface HlsPlayer {
          loadSource(src: string): void;
          attachMedia(video: HTMLVideoElement): void;
          on(event: string, listener: () => void): void;
          currentLevel: number;
        }
        const Hls = (
          window as unknown as {
            Hls: { new (config: object): HlsPlayer; Events: { MANIFEST_PARSED: string } };
          }
        ).Hls;
        const hls = new Hls(config);
        hls.loadSource(src);
        hls.attachMedia(video);
        hls.on(Hls.Events.MANIFEST_PARSED, () => {
          hls.currentLevel = 0;
          void video.play();
        });
      },
      { src: master, config: liveLatencyConfig(mode) },
    );
    await page.waitForFunction(
      () => (document.getElementById('v') as HTMLVideoElement).currentTime > 1,
      null,
      { timeout: 30_000 },
    );
    await sleep(3000);
    const samples: number[] = [];
    let height = 0;
    const until = Date.now() + sampleS * 1000;
    while (Date.now() < until) {
      const read = await page.evaluate(
        ({ bits, codeHeight, sourceHeight }) => {
          const video = document.getElementById('v') as HTMLVideoElement;
          const canvas = document.getElementById('c') as HTMLCanvasElement;
          const w = video.videoWidth;
          const h = video.videoHeight;
          if (!w || !h) return null;
          canvas.width = w;
          canvas.height = h;
          const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
          ctx.drawImage(video, 0, 0, w, h);
          const y = Math.floor(((codeHeight / 2) * h) / sourceHeight);
          const row = ctx.getImageData(0, y, w, 1).data;
          let value = 0;
          for (let bit = 0; bit < bits; bit++) {
            const x = Math.floor(((bit + 0.5) * w) / bits);
            if (row[x * 4]! > 128) value += 2 ** bit;
          }
          return { centis: value, now: Date.now(), height: h };
        },
        { bits: CODE_BITS, codeHeight: CODE_HEIGHT, sourceHeight: HEIGHT },
      );
      if (read) {
        height = read.height;
        const latency = (read.now - (startedAt + read.centis * 10)) / 1000;
        // A frame read mid-transition can decode to nonsense; keep plausible readings only.
        if (latency > 0 && latency < 30) samples.push(latency);
      }
      await sleep(500);
    }
    return { medianS: round(median(samples)), samples: samples.length, height };
  } finally {
    await page.close();
  }
}
