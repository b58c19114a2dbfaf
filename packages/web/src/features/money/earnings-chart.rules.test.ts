import { describe, expect, it } from 'vitest';
import { barLayout, niceMax, scaleY, stackDays, ticks, totalsByKind } from './earnings-chart.rules.ts';

const day = (date: string, gifts: number, tips: number, tickets: number, subscriptions: number) => ({
  date,
  gifts,
  tips,
  tickets,
  subscriptions,
});

describe('stackDays', () => {
  it('stacks gifts, tips, tickets and subscriptions bottom to top', () => {
    const [stacked] = stackDays([day('2026-11-01', 10, 5, 0, 20)]);
    expect(stacked?.total).toBe(35);
    expect(stacked?.segments.map((s) => [s.kind, s.y0, s.y1])).toEqual([
      ['gifts', 0, 10],
      ['tips', 10, 15],
      ['tickets', 15, 15],
      ['subscriptions', 15, 35],
    ]);
  });

  it('treats negative values as nothing earned', () => {
    const [stacked] = stackDays([day('2026-11-01', -4, 3, 0, 0)]);
    expect(stacked?.total).toBe(3);
    expect(stacked?.segments[0]?.value).toBe(0);
  });

  it('sums each kind over the period', () => {
    expect(totalsByKind([day('a', 1, 2, 3, 4), day('b', 10, 20, 30, 40)])).toEqual({
      gifts: 11,
      tips: 22,
      tickets: 33,
      subscriptions: 44,
    });
  });
});

describe('axis scaling', () => {
  it('rounds the top of the axis up to 1, 2 or 5 × 10ⁿ', () => {
    expect(niceMax(0)).toBe(10);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(10)).toBe(10);
    expect(niceMax(11)).toBe(20);
    expect(niceMax(430)).toBe(500);
    expect(niceMax(5001)).toBe(10000);
  });

  it('spaces ticks evenly from zero', () => {
    expect(ticks(500)).toEqual([0, 125, 250, 375, 500]);
    expect(ticks(10, 2)).toEqual([0, 5, 10]);
  });

  it('maps coins to pixels with zero at the bottom and clamps outliers', () => {
    expect(scaleY(0, 100, 200)).toBe(200);
    expect(scaleY(50, 100, 200)).toBe(100);
    expect(scaleY(100, 100, 200)).toBe(0);
    expect(scaleY(150, 100, 200)).toBe(0);
    expect(scaleY(5, 0, 200)).toBe(200);
  });

  it('lays out bars with a gap', () => {
    expect(barLayout(30, 600)).toEqual({ step: 20, barWidth: 15 });
    expect(barLayout(0, 600)).toEqual({ step: 0, barWidth: 0 });
  });
});
