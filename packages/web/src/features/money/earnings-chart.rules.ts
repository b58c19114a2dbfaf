import type { EarningsDay } from './money.types.ts';

/** The kinds of earnings a chart stacks, bottom to top. */
export const EARNING_KINDS = ['gifts', 'tips', 'tickets', 'subscriptions'] as const;

/** One kind of earnings. */
export type EarningKind = (typeof EARNING_KINDS)[number];

/** One coloured segment of a day's bar, from `y0` to `y1` in coins. */
export interface Segment {
  kind: EarningKind;
  value: number;
  y0: number;
  y1: number;
}

/** A day's bar: its segments stacked in EARNING_KINDS order and their total. */
export interface StackedDay {
  date: string;
  total: number;
  segments: Segment[];
}

/** Stacks each day's kinds on top of each other; negative or missing values count as 0. */
export function stackDays(daily: readonly EarningsDay[]): StackedDay[] {
  return daily.map((day) => {
    let top = 0;
    const segments: Segment[] = [];
    for (const kind of EARNING_KINDS) {
      const value = Math.max(0, Number(day[kind]) || 0);
      segments.push({ kind, value, y0: top, y1: top + value });
      top += value;
    }
    return { date: day.date, total: top, segments };
  });
}

/** The smallest "round" number (1, 2 or 5 × 10ⁿ) at or above `max`; 10 for an empty chart. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 10;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) {
    if (step * magnitude >= max) return step * magnitude;
  }
  return 10 * magnitude;
}

/** `count` + 1 evenly spaced axis values from 0 to `max`, rounded to whole coins. */
export function ticks(max: number, count = 4): number[] {
  return Array.from({ length: count + 1 }, (_, index) => Math.round((max * index) / count));
}

/** Maps a coin value to a vertical pixel position: 0 at the bottom (`height`), `max` at the top (0). */
export function scaleY(value: number, max: number, height: number): number {
  if (max <= 0) return height;
  return height - (Math.min(Math.max(value, 0), max) / max) * height;
}

/** Geometry of a bar chart of `days` bars over `width` px: each bar's x and width, with a gap between bars. */
export function barLayout(days: number, width: number, gapRatio = 0.25): { step: number; barWidth: number } {
  if (days <= 0) return { step: 0, barWidth: 0 };
  const step = width / days;
  return { step, barWidth: Math.max(1, step * (1 - gapRatio)) };
}

/** Totals per kind over all days (the chart's legend). */
export function totalsByKind(daily: readonly EarningsDay[]): Record<EarningKind, number> {
  const totals = { gifts: 0, tips: 0, tickets: 0, subscriptions: 0 };
  for (const day of stackDays(daily)) {
    for (const segment of day.segments) totals[segment.kind] += segment.value;
  }
  return totals;
}
