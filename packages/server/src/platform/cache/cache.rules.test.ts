import { describe, expect, it } from 'vitest';
import { assertIncrementStep, normaliseTtl, parseCounter } from './cache.rules.ts';

describe('normaliseTtl', () => {
  it('keeps undefined as no expiry', () => {
    expect(normaliseTtl(undefined)).toBeUndefined();
  });

  it('rounds a fractional TTL up to whole ms so it never becomes 0', () => {
    expect(normaliseTtl(0.2)).toBe(1);
    expect(normaliseTtl(150)).toBe(150);
    expect(normaliseTtl(150.01)).toBe(151);
  });

  it('rejects zero, negative and non-finite TTLs', () => {
    for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => normaliseTtl(ttl)).toThrow(RangeError);
  });
});

describe('assertIncrementStep', () => {
  it('accepts safe integers, negative ones included, and rejects the rest', () => {
    for (const by of [1, 0, -3, Number.MAX_SAFE_INTEGER]) expect(() => assertIncrementStep(by)).not.toThrow();
    for (const by of [0.5, Number.NaN, 2 ** 60]) expect(() => assertIncrementStep(by)).toThrow(RangeError);
  });
});

describe('parseCounter', () => {
  it('reads canonical base-10 integers', () => {
    expect(parseCounter('0')).toBe(0);
    expect(parseCounter('42')).toBe(42);
    expect(parseCounter('-17')).toBe(-17);
  });

  it('rejects what Redis INCRBY would reject', () => {
    for (const value of ['', 'abc', '1.5', ' 1', '01', '+1', '1e3', '-0x1', '99999999999999999999']) {
      expect(() => parseCounter(value), value).toThrow(/not an integer/);
    }
  });
});
