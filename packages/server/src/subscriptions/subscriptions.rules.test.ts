import { describe, expect, it } from 'vitest';
import {
  addMonths,
  chargeKey,
  grantsAccess,
  periodEnd,
  periodStart,
  renewalStep,
  renewJobKey,
} from './subscriptions.rules.ts';

const at = (iso: string) => new Date(iso);

describe('period arithmetic', () => {
  it('clamps to the last day of shorter months and keeps the time of day', () => {
    expect(addMonths(at('2026-01-31T10:15:00.000Z'), 1).toISOString()).toBe('2026-02-28T10:15:00.000Z');
    expect(addMonths(at('2028-01-31T10:15:00.000Z'), 1).toISOString()).toBe('2028-02-29T10:15:00.000Z');
    expect(addMonths(at('2026-03-31T00:00:00.000Z'), 1).toISOString()).toBe('2026-04-30T00:00:00.000Z');
    expect(addMonths(at('2026-05-15T23:59:59.999Z'), 1).toISOString()).toBe('2026-06-15T23:59:59.999Z');
  });

  it('crosses year ends', () => {
    expect(addMonths(at('2026-12-31T08:00:00.000Z'), 1).toISOString()).toBe('2027-01-31T08:00:00.000Z');
    expect(addMonths(at('2026-11-30T08:00:00.000Z'), 3).toISOString()).toBe('2027-02-28T08:00:00.000Z');
    expect(addMonths(at('2026-01-10T00:00:00.000Z'), 24).toISOString()).toBe('2028-01-10T00:00:00.000Z');
  });

  it('counts periods from the start, so a Jan 31 start goes back to the 31st after February', () => {
    const start = at('2026-01-31T12:00:00.000Z');
    expect([1, 2, 3, 4].map((p) => periodEnd(start, p).toISOString().slice(0, 10))).toEqual([
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
    ]);
    expect(periodStart(start, 1)).toEqual(start);
    expect(periodStart(start, 3).toISOString().slice(0, 10)).toBe('2026-03-31');
  });

  it('refuses periods and month counts that are not whole and positive', () => {
    expect(() => periodEnd(at('2026-01-01T00:00:00Z'), 0)).toThrow(RangeError);
    expect(() => addMonths(at('2026-01-01T00:00:00Z'), 1.5)).toThrow(RangeError);
    expect(() => addMonths(at('2026-01-01T00:00:00Z'), -1)).toThrow(RangeError);
  });
});

describe('renewal steps', () => {
  const active = { status: 'active' as const, period: 1, cancelAtPeriodEnd: false };

  it('charges the next period of an active subscription once, and skips stale or repeated jobs', () => {
    expect(renewalStep(active, { period: 2, final: false })).toBe('charge');
    expect(renewalStep({ ...active, period: 2 }, { period: 2, final: false })).toBe('skip');
    expect(renewalStep(active, { period: 3, final: false })).toBe('skip');
    expect(renewalStep(active, { period: 2, final: true })).toBe('skip');
  });

  it('ends a cancelled subscription and retries a past-due one only in the final job', () => {
    expect(renewalStep({ ...active, cancelAtPeriodEnd: true }, { period: 2, final: false })).toBe(
      'end_cancelled',
    );
    expect(renewalStep({ ...active, status: 'past_due' }, { period: 2, final: false })).toBe('skip');
    expect(renewalStep({ ...active, status: 'past_due' }, { period: 2, final: true })).toBe('charge');
    expect(renewalStep({ ...active, status: 'expired' }, { period: 2, final: true })).toBe('skip');
  });

  it('gives access only while active and paid up', () => {
    const now = at('2026-02-01T00:00:00Z');
    expect(grantsAccess({ status: 'active', currentPeriodEnd: at('2026-02-02T00:00:00Z') }, now)).toBe(true);
    expect(grantsAccess({ status: 'active', currentPeriodEnd: now }, now)).toBe(false);
    expect(grantsAccess({ status: 'past_due', currentPeriodEnd: at('2026-03-01T00:00:00Z') }, now)).toBe(
      false,
    );
  });

  it('keys one charge per period and one job per period and retry', () => {
    expect(chargeKey('sub_1', 2)).toBe('sub:sub_1:2');
    expect(renewJobKey('sub_1', 2, false)).toBe('sub:sub_1:2');
    expect(renewJobKey('sub_1', 2, true)).toBe('sub:sub_1:2:final');
  });
});
