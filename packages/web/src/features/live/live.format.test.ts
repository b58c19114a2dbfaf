import { describe, expect, it } from 'vitest';
import {
  cacheBusted,
  chartGeometry,
  formatBitrate,
  formatBytes,
  formatDuration,
  giftToAnimate,
  newViewerId,
  niceCeiling,
} from './live.format.ts';

describe('formatDuration', () => {
  it('formats minutes and seconds under an hour', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(245.9)).toBe('4:05');
  });

  it('adds hours with padded minutes', () => {
    expect(formatDuration(3723)).toBe('1:02:03');
  });

  it('treats negative and non-finite values as zero', () => {
    expect(formatDuration(-5)).toBe('0:00');
    expect(formatDuration(Number.NaN)).toBe('0:00');
  });
});

describe('formatBitrate and formatBytes', () => {
  it('uses kbps below a megabit and Mbps above', () => {
    expect(formatBitrate(850.4, 'en')).toBe('850 kbps');
    expect(formatBitrate(2500, 'en')).toBe('2.5 Mbps');
    expect(formatBitrate(2500, 'es')).toBe('2,5 Mbps');
  });

  it('uses decimal byte units', () => {
    expect(formatBytes(999, 'en')).toBe('999 B');
    expect(formatBytes(1_234_567, 'en')).toBe('1.2 MB');
  });
});

describe('cacheBusted', () => {
  it('adds or replaces the t parameter, keeping the rest', () => {
    expect(cacheBusted('/hls/s1/thumb.jpg', 5)).toBe('/hls/s1/thumb.jpg?t=5');
    expect(cacheBusted('/hls/s1/thumb.jpg?token=x&t=1', 9)).toBe('/hls/s1/thumb.jpg?token=x&t=9');
    expect(cacheBusted('http://a.test/t.jpg?a=1#f', 2)).toBe('http://a.test/t.jpg?a=1&t=2#f');
  });
});

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(3)).toBe(5);
    expect(niceCeiling(11)).toBe(20);
    expect(niceCeiling(50)).toBe(50);
    expect(niceCeiling(501)).toBe(1000);
  });
});

describe('chartGeometry', () => {
  it('draws nothing without samples', () => {
    expect(chartGeometry([], 100, 50)).toEqual({ line: '', area: '', maxY: 1, points: [] });
  });

  it('spreads samples across the width and scales viewers to a nice maximum', () => {
    const g = chartGeometry(
      [
        { t: 'a', viewers: 0 },
        { t: 'b', viewers: 4 },
        { t: 'c', viewers: 2 },
      ],
      104,
      54,
      2,
    );
    expect(g.maxY).toBe(5);
    expect(g.points.map((p) => [p.x, p.y])).toEqual([
      [2, 52],
      [52, 12],
      [102, 32],
    ]);
    expect(g.line).toBe('M2 52 L52 12 L102 32');
    expect(g.area).toBe('M2 52 L52 12 L102 32 L102 52 L2 52 Z');
  });

  it('draws one sample as a flat line across the box', () => {
    const g = chartGeometry([{ t: 'a', viewers: 1 }], 100, 50, 0);
    expect(g.line).toBe('M0 0 L100 0');
    expect(g.points).toHaveLength(1);
  });
});

describe('newViewerId', () => {
  it('makes a prefixed id of 20 characters from the random source', () => {
    expect(newViewerId(() => 0)).toBe(`v_${'a'.repeat(20)}`);
    expect(newViewerId()).toMatch(/^v_[a-z0-9]{20}$/);
  });
});

describe('giftToAnimate', () => {
  const base = { id: 'g1', streamId: 's1', fromUserId: 'u1', fromName: 'Ana', coins: 50 };

  it('plays a complete gift with its animation and quantity', () => {
    const gift = giftToAnimate({
      ...base,
      kind: 'gift',
      giftId: 'gft_1',
      giftName: 'Diamond',
      icon: '💎',
      animation: 'burst',
      quantity: 2,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(gift).toMatchObject({ id: 'g1', giftName: 'Diamond', animation: 'burst', quantity: 2, coins: 50 });
  });

  it('plays nothing for a tip or a gift missing its look', () => {
    expect(giftToAnimate({ ...base, kind: 'tip' })).toBeNull();
    expect(giftToAnimate({ ...base, kind: 'gift', giftId: 'gft_1', giftName: 'Rose' })).toBeNull();
  });
});
