import { describe, expect, it } from 'vitest';
import { deletionBlockers, eraseAfter, exportProgress, redactForeignEmails } from './account.rules.ts';

const clear = { lastAdmin: false, pendingPayouts: 0, earnings: 0, payoutMinimum: 1000 };

describe('deletionBlockers', () => {
  it('lets a member with nothing pending go', () => {
    expect(deletionBlockers(clear)).toEqual([]);
  });

  it('lets earnings below the payout minimum go (they are forfeited)', () => {
    expect(deletionBlockers({ ...clear, earnings: 999 })).toEqual([]);
  });

  it('holds earnings that could be paid out, payouts in flight and the last admin', () => {
    expect(deletionBlockers({ ...clear, earnings: 1000 })).toEqual(['earnings_pending']);
    expect(deletionBlockers({ ...clear, pendingPayouts: 1 })).toEqual(['payout_pending']);
    expect(
      deletionBlockers({ lastAdmin: true, pendingPayouts: 2, earnings: 5000, payoutMinimum: 1000 }),
    ).toEqual(['last_admin', 'payout_pending', 'earnings_pending']);
  });
});

describe('eraseAfter', () => {
  it('adds the grace period in whole days', () => {
    expect(eraseAfter(new Date('2026-01-01T10:00:00Z'), 14).toISOString()).toBe('2026-01-15T10:00:00.000Z');
    expect(eraseAfter(new Date('2026-01-01T10:00:00Z'), 0).toISOString()).toBe('2026-01-01T10:00:00.000Z');
  });
});

describe('redactForeignEmails', () => {
  it('keeps the member’s own address and hides everyone else’s, however deep', () => {
    const input = {
      note: 'write to Ana@Example.com or bob@example.org',
      list: [{ to: 'ana@example.com' }, 'carol@example.net'],
      n: 3,
      none: null,
    };
    expect(redactForeignEmails(input, 'ana@example.com')).toEqual({
      note: 'write to Ana@Example.com or [redacted]',
      list: [{ to: 'ana@example.com' }, '[redacted]'],
      n: 3,
      none: null,
    });
  });

  it('hides every address when the member has none', () => {
    expect(redactForeignEmails('x@y.io', null)).toBe('[redacted]');
  });
});

describe('exportProgress', () => {
  it('counts sections and stays below 100 until the archive is stored', () => {
    expect(exportProgress(0, 20)).toBe(0);
    expect(exportProgress(10, 20)).toBe(50);
    expect(exportProgress(20, 20)).toBe(99);
    expect(exportProgress(1, 0)).toBe(0);
  });
});
