import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowsNegative,
  HOT_ACCOUNT_SHARDS,
  headerProblem,
  MAX_ENTRIES,
  MAX_ENTRY_AMOUNT,
  ownerFits,
  postingFingerprint,
  postingProblem,
  shardCount,
  shardFor,
  splitGift,
  withoutZeroLegs,
} from './ledger.rules.ts';

const legs = (...amounts: number[]) => amounts.map((amount, i) => ({ accountId: `acct_${i}`, amount }));

describe('postingProblem', () => {
  it('accepts balanced postings of two or more distinct accounts', () => {
    expect(postingProblem(legs(-10, 10))).toBeNull();
    expect(postingProblem(legs(-10, 7, 3))).toBeNull();
  });

  it('refuses fewer than two entries and more than the maximum', () => {
    expect(postingProblem([])).toBe('too_few_entries');
    expect(postingProblem(legs(5))).toBe('too_few_entries');
    const many = legs(...Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => (i === 0 ? -MAX_ENTRIES : 1)));
    expect(postingProblem(many)).toBe('too_many_entries');
    const most = legs(...Array.from({ length: MAX_ENTRIES }, (_, i) => (i === 0 ? -(MAX_ENTRIES - 1) : 1)));
    expect(postingProblem(most)).toBeNull();
  });

  it('refuses fractional, non-finite and zero amounts', () => {
    expect(postingProblem(legs(-1.5, 1.5))).toBe('amount_not_integer');
    expect(postingProblem(legs(Number.NaN, 1))).toBe('amount_not_integer');
    expect(postingProblem(legs(Number.POSITIVE_INFINITY, -1))).toBe('amount_not_integer');
    expect(postingProblem(legs(0, 0))).toBe('amount_zero');
  });

  it('refuses amounts beyond 10^12 coins in either direction', () => {
    expect(postingProblem(legs(-MAX_ENTRY_AMOUNT, MAX_ENTRY_AMOUNT))).toBeNull();
    expect(postingProblem(legs(-(MAX_ENTRY_AMOUNT + 1), MAX_ENTRY_AMOUNT + 1))).toBe('amount_too_large');
    expect(postingProblem(legs(1e20, -1e20))).toBe('amount_too_large');
  });

  it('refuses the same account twice', () => {
    expect(
      postingProblem([
        { accountId: 'acct_a', amount: -2 },
        { accountId: 'acct_a', amount: 2 },
      ]),
    ).toBe('duplicate_account');
  });

  it('refuses entries that do not sum to zero', () => {
    expect(postingProblem(legs(-10, 9))).toBe('not_balanced');
    expect(postingProblem(legs(-10, 7, 4))).toBe('not_balanced');
  });

  it('accepts exactly the integer postings whose amounts sum to zero', () => {
    const amount = fc.integer({ min: -1000, max: 1000 }).filter((n) => n !== 0);
    fc.assert(
      fc.property(fc.array(amount, { minLength: 2, maxLength: 10 }), (amounts) => {
        const balanced = amounts.reduce((a, b) => a + b, 0) === 0;
        expect(postingProblem(legs(...amounts)) === null).toBe(balanced);
      }),
    );
  });
});

describe('headerProblem', () => {
  it('accepts ordinary kinds, keys and small metadata', () => {
    expect(headerProblem('gift', 'order-42:attempt', { stream: 'str_1' })).toBeNull();
    expect(headerProblem('payout.reversal', 'k')).toBeNull();
  });

  it('refuses empty, uppercase or overlong kinds', () => {
    expect(headerProblem('', 'k')).toBe('kind_invalid');
    expect(headerProblem('Gift', 'k')).toBe('kind_invalid');
    expect(headerProblem('g'.repeat(65), 'k')).toBe('kind_invalid');
  });

  it('refuses empty, overlong or non-printable keys', () => {
    expect(headerProblem('gift', '')).toBe('key_invalid');
    expect(headerProblem('gift', 'k'.repeat(201))).toBe('key_invalid');
    expect(headerProblem('gift', 'has space')).toBe('key_invalid');
    expect(headerProblem('gift', 'ключ')).toBe('key_invalid');
  });

  it('refuses metadata beyond 4 KB of JSON', () => {
    expect(headerProblem('gift', 'k', { note: 'x'.repeat(5000) })).toBe('metadata_too_large');
  });
});

describe('postingFingerprint', () => {
  it('ignores the order of entries', () => {
    expect(postingFingerprint('gift', legs(-10, 7, 3))).toBe(
      postingFingerprint('gift', legs(-10, 7, 3).reverse()),
    );
  });

  it('changes with the kind, an amount or an account', () => {
    const base = postingFingerprint('gift', legs(-10, 10));
    expect(postingFingerprint('tip', legs(-10, 10))).not.toBe(base);
    expect(postingFingerprint('gift', legs(-11, 11))).not.toBe(base);
    expect(
      postingFingerprint('gift', [
        { accountId: 'acct_0', amount: -10 },
        { accountId: 'acct_9', amount: 10 },
      ]),
    ).not.toBe(base);
  });
});

describe('splitGift', () => {
  it('gives the creator the floor of their share and the platform the rest', () => {
    expect(splitGift(100, 7000)).toEqual({ creator: 70, platform: 30 });
    expect(splitGift(1, 7000)).toEqual({ creator: 0, platform: 1 });
    expect(splitGift(3, 5000)).toEqual({ creator: 1, platform: 2 });
    expect(splitGift(10, 10_000)).toEqual({ creator: 10, platform: 0 });
    expect(splitGift(10, 0)).toEqual({ creator: 0, platform: 10 });
  });

  it('is exact for the largest gifts, where coins × bps passes 2^53', () => {
    expect(splitGift(MAX_ENTRY_AMOUNT, 7000)).toEqual({
      creator: 700_000_000_000,
      platform: 300_000_000_000,
    });
    expect(splitGift(999_999_999_999, 3333)).toEqual({ creator: 333_299_999_999, platform: 666_700_000_000 });
  });

  it('always sums to the gift with the creator share equal to floor(coins × bps / 10000)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_ENTRY_AMOUNT }),
        fc.integer({ min: 0, max: 10_000 }),
        (coins, bps) => {
          const { creator, platform } = splitGift(coins, bps);
          expect(creator + platform).toBe(coins);
          expect(BigInt(creator)).toBe((BigInt(coins) * BigInt(bps)) / 10_000n);
        },
      ),
    );
  });

  it('refuses non-positive or fractional coins and out-of-range splits', () => {
    expect(() => splitGift(0, 7000)).toThrow(RangeError);
    expect(() => splitGift(1.5, 7000)).toThrow(RangeError);
    expect(() => splitGift(10, 10_001)).toThrow(RangeError);
    expect(() => splitGift(10, 70.5)).toThrow(RangeError);
  });
});

describe('accounts', () => {
  it('lets only provider clearing accounts go negative', () => {
    expect(allowsNegative('provider_clearing')).toBe(true);
    for (const kind of ['member_wallet', 'creator_earnings', 'platform_revenue', 'payouts'] as const)
      expect(allowsNegative(kind)).toBe(false);
  });

  it('shards only the accounts many gifts credit at once', () => {
    expect(shardCount('creator_earnings')).toBe(HOT_ACCOUNT_SHARDS);
    expect(shardCount('platform_revenue')).toBe(HOT_ACCOUNT_SHARDS);
    expect(shardCount('member_wallet')).toBe(1);
  });

  it('picks a stable shard within range and spreads different senders', () => {
    expect(shardFor('acct_abc', 16)).toBe(shardFor('acct_abc', 16));
    const used = new Set(Array.from({ length: 200 }, (_, i) => shardFor(`acct_${i}`, 16)));
    expect(used.size).toBe(16);
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 64 }), (key, n) => {
        const shard = shardFor(key, n);
        expect(Number.isInteger(shard) && shard >= 0 && shard < n).toBe(true);
      }),
    );
  });

  it('requires an owner for wallets, earnings and clearing, and none for platform revenue', () => {
    expect(ownerFits('member_wallet', 'usr_1')).toBe(true);
    expect(ownerFits('member_wallet', null)).toBe(false);
    expect(ownerFits('member_wallet', '')).toBe(false);
    expect(ownerFits('provider_clearing', 'stripe')).toBe(true);
    expect(ownerFits('platform_revenue', null)).toBe(true);
    expect(ownerFits('platform_revenue', 'usr_1')).toBe(false);
    expect(ownerFits('payouts', null)).toBe(true);
  });

  it('drops zero legs of a split', () => {
    expect(withoutZeroLegs(legs(-10, 10, 0))).toEqual(legs(-10, 10));
  });
});
