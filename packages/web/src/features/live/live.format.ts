/** Pure formatting and drawing helpers of the streaming pages. */

/** "4:05" under an hour, "1:02:03" above; whole seconds, never negative. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(Number.isFinite(totalSeconds) ? totalSeconds : 0));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const mm = hours > 0 ? String(minutes).padStart(2, '0') : String(minutes);
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** "850 kbps" or "2.5 Mbps". */
export function formatBitrate(kbps: number, locale: string): string {
  if (kbps >= 1000) {
    const mbps = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(kbps / 1000);
    return `${mbps} Mbps`;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(kbps)} kbps`;
}

/** "1.2 MB", "3.4 GB": bytes in decimal units. */
export function formatBytes(bytes: number, locale: string): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/**
 * `url` with a `t=<stamp>` query parameter so a refreshed thumbnail is fetched again instead of
 * coming from the browser cache. An existing `t` is replaced.
 */
export function cacheBusted(url: string, stamp: number): string {
  const hashAt = url.indexOf('#');
  const base = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const hash = hashAt >= 0 ? url.slice(hashAt) : '';
  const [path, query = ''] = base.split('?', 2) as [string, string?];
  const params = query.split('&').filter((part) => part !== '' && !part.startsWith('t='));
  params.push(`t=${stamp}`);
  return `${path}?${params.join('&')}${hash}`;
}

/** One sample of the viewers series: `t` an ISO time, `viewers` concurrent viewers then. */
export interface ViewerSample {
  t: string;
  viewers: number;
}

/** What the viewers chart draws, in SVG user units. */
export interface ChartGeometry {
  /** The `d` of the line through every sample ('' without samples). */
  line: string;
  /** The `d` of the area under the line, closed along the bottom. */
  area: string;
  /** The top of the y axis: the peak rounded up to a "nice" number, at least 1. */
  maxY: number;
  /** Each sample's position, for markers and hit areas. */
  points: { x: number; y: number; viewers: number; t: string }[];
}

/** The smallest of 1, 2, 5 × 10^n that is ≥ `value`. */
export function niceCeiling(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

/**
 * Lays `series` out in a `width` × `height` box with `pad` units of margin: time runs left to
 * right by sample order, viewers bottom to top from 0 to a nice maximum. One sample is drawn as
 * a flat line across the box.
 */
export function chartGeometry(
  series: readonly ViewerSample[],
  width: number,
  height: number,
  pad = 4,
): ChartGeometry {
  const peak = series.reduce((max, sample) => Math.max(max, sample.viewers), 0);
  const maxY = niceCeiling(peak);
  if (series.length === 0) return { line: '', area: '', maxY, points: [] };
  const innerW = width - pad * 2;
  const innerH = height - pad * 2;
  const xAt = (i: number) => (series.length === 1 ? pad : pad + (innerW * i) / (series.length - 1));
  const yAt = (v: number) => pad + innerH - (innerH * Math.max(0, v)) / maxY;
  const round = (n: number) => Math.round(n * 100) / 100;
  const points = series.map((sample, i) => ({
    x: round(xAt(i)),
    y: round(yAt(sample.viewers)),
    viewers: sample.viewers,
    t: sample.t,
  }));
  if (points.length === 1) {
    const only = points[0] as (typeof points)[number];
    points.push({ ...only, x: round(pad + innerW) });
  }
  const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(' ');
  const bottom = round(pad + innerH);
  const first = points[0] as (typeof points)[number];
  const last = points[points.length - 1] as (typeof points)[number];
  const area = `${line} L${last.x} ${bottom} L${first.x} ${bottom} Z`;
  return { line, area, maxY, points: series.length === 1 ? points.slice(0, 1) : points };
}

/** A random id for this browser tab's viewer heartbeats (not a secret; it only de-duplicates counts). */
export function newViewerId(random: () => number = Math.random): string {
  let id = 'v_';
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < 20; i++) id += alphabet[Math.floor(random() * alphabet.length)];
  return id;
}

/** A gift or tip as the stream's channel pushes it. */
export interface PushedGift {
  kind: 'gift' | 'tip';
  id: string;
  streamId: string;
  fromUserId: string;
  fromName: string;
  coins: number;
  giftId?: string;
  giftName?: string;
  icon?: string;
  animation?: 'float' | 'burst' | 'rain';
  quantity?: number;
  createdAt?: string;
}

/** The gift to play over the player for a pushed event; tips and incomplete gifts play nothing. */
export function giftToAnimate(event: PushedGift) {
  if (event.kind !== 'gift' || !event.giftId || !event.giftName || !event.icon || !event.animation)
    return null;
  return {
    id: event.id,
    streamId: event.streamId,
    creatorId: '',
    fromUserId: event.fromUserId,
    fromName: event.fromName,
    giftId: event.giftId,
    giftName: event.giftName,
    icon: event.icon,
    animation: event.animation,
    quantity: event.quantity ?? 1,
    coins: event.coins,
    createdAt: event.createdAt ?? new Date().toISOString(),
  };
}
