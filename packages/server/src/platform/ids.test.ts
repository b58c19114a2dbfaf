import { describe, expect, it } from 'vitest';
import { newId, safeEqual } from './ids.ts';

describe('newId', () => {
  it('sorts by creation order, also within one millisecond', () => {
    const now = Date.UTC(2026, 0, 1);
    const ids = Array.from({ length: 500 }, () => newId('msg', now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sorts later milliseconds after earlier ones', () => {
    const a = newId('msg', 1_000);
    const b = newId('msg', 1_001);
    expect(a < b).toBe(true);
    expect(a).toMatch(/^msg_[0-9a-z]{26}$/);
  });
});

describe('safeEqual', () => {
  it('compares strings of any length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});
