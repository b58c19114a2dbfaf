import { describe, expect, it } from 'vitest';
import { ApiError } from '../../app/api.ts';
import {
  bpsToPercent,
  currencyDigits,
  formatCoins,
  formatPrice,
  formatSignedCoins,
  inAppPath,
  isActiveMembership,
  isInAppUrl,
  isInsufficientFunds,
  isoDay,
  minorToInput,
  newIdempotencyKey,
  parseCoins,
  parsePrice,
  percentToBps,
  statementUrl,
} from './money.format.ts';

describe('formatPrice', () => {
  it('turns minor units into the currency of the package, written the way the locale writes money', () => {
    expect(formatPrice(499, 'USD', 'en')).toBe('$4.99');
    expect(formatPrice(100000, 'USD', 'en')).toBe('$1,000.00');
    expect(formatPrice(1999, 'EUR', 'es').replace(/\s/g, ' ')).toBe('19,99 €');
  });

  it('knows currencies without cents', () => {
    expect(currencyDigits('JPY')).toBe(0);
    expect(formatPrice(500, 'JPY', 'en')).toBe('¥500');
  });

  it('falls back to a plain amount for a code Intl does not accept', () => {
    expect(currencyDigits('not-a-code')).toBe(2);
    expect(formatPrice(250, 'not-a-code', 'en')).toBe('2.50 not-a-code');
  });
});

describe('coin amounts', () => {
  it('group thousands per locale', () => {
    expect(formatCoins(12500, 'en')).toBe('12,500');
    expect(formatCoins(12500, 'es')).toMatch(/^12.500$/);
  });

  it('show the sign of a wallet movement with a real minus', () => {
    expect(formatSignedCoins(500, 'en')).toBe('+500');
    expect(formatSignedCoins(-120, 'en')).toBe('−120');
    expect(formatSignedCoins(0, 'en')).toBe('0');
  });

  it('accept only whole positive numbers typed by a person', () => {
    expect(parseCoins(' 250 ')).toBe(250);
    for (const bad of ['', '0', '-5', '2.5', '1e3', 'abc', '99999999999999999999'])
      expect(parseCoins(bad)).toBeNull();
  });
});

describe('split percentages', () => {
  it('convert between basis points and percent', () => {
    expect(bpsToPercent(7000)).toBe(70);
    expect(bpsToPercent(7250)).toBe(72.5);
    expect(percentToBps('70')).toBe(7000);
    expect(percentToBps('72,5')).toBe(7250);
    expect(percentToBps('100')).toBe(10000);
  });

  it('refuse values outside 0–100', () => {
    for (const bad of ['', '-1', '101', 'x']) expect(percentToBps(bad)).toBeNull();
  });
});

describe('checkout redirects', () => {
  const origin = 'https://tv.example';

  it('keep the sandbox page inside the app', () => {
    expect(isInAppUrl('/checkout/sandbox/ord_1', origin)).toBe(true);
    expect(isInAppUrl('https://tv.example/checkout/sandbox/ord_1?x=1', origin)).toBe(true);
    expect(inAppPath('https://tv.example/checkout/sandbox/ord_1?x=1', origin)).toBe(
      '/checkout/sandbox/ord_1?x=1',
    );
  });

  it('leave the app for an external provider', () => {
    expect(isInAppUrl('https://checkout.stripe.com/c/pay/cs_1', origin)).toBe(false);
    expect(isInAppUrl('//evil.example/x', origin)).toBe(false);
    expect(isInAppUrl('not a url', origin)).toBe(false);
  });

  it('load server-rendered checkout launchers as full pages', () => {
    expect(isInAppUrl('https://tv.example/api/v1/payments/epayco/ord_1/checkout', origin)).toBe(false);
    expect(isInAppUrl('/api/v1/payments/epayco/ord_1/checkout', origin)).toBe(false);
  });
});

describe('statementUrl', () => {
  it('links the CSV statement with its optional range', () => {
    expect(statementUrl()).toBe('/api/v1/creator/statement.csv');
    expect(statementUrl({ from: '2026-11-01', to: '2026-11-30' })).toBe(
      '/api/v1/creator/statement.csv?from=2026-11-01&to=2026-11-30',
    );
    expect(statementUrl({ from: '', to: '2026-11-30' })).toBe('/api/v1/creator/statement.csv?to=2026-11-30');
  });

  it('counts days back in UTC', () => {
    const now = new Date('2026-11-23T23:30:00Z');
    expect(isoDay(now)).toBe('2026-11-23');
    expect(isoDay(now, 30)).toBe('2026-10-24');
  });
});

describe('spending helpers', () => {
  it('recognise the insufficient-funds refusal', () => {
    expect(isInsufficientFunds(new ApiError(409, 'WALLET_INSUFFICIENT_FUNDS', 'no'))).toBe(true);
    expect(isInsufficientFunds(new ApiError(409, 'OTHER', 'no'))).toBe(false);
    expect(isInsufficientFunds(new Error('x'))).toBe(false);
  });

  it('make a different idempotency key every time', () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(newIdempotencyKey()).not.toBe(a);
  });
});

describe('isActiveMembership', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  const later = '2026-12-23T12:00:00Z';
  const earlier = '2026-11-01T12:00:00Z';

  it('is active while paid up', () => {
    expect(isActiveMembership({ status: 'active', currentPeriodEnd: later }, now)).toBe(true);
    expect(isActiveMembership({ status: 'canceled', currentPeriodEnd: later }, now)).toBe(true);
  });

  it('is over once expired or past its period', () => {
    expect(isActiveMembership({ status: 'expired', currentPeriodEnd: later }, now)).toBe(false);
    expect(isActiveMembership({ status: 'active', currentPeriodEnd: earlier }, now)).toBe(false);
    expect(isActiveMembership(null, now)).toBe(false);
  });
});

describe('parsePrice', () => {
  it('reads a typed price into minor units of the currency', () => {
    expect(parsePrice('4.99', 'USD')).toBe(499);
    expect(parsePrice('4,9', 'EUR')).toBe(490);
    expect(parsePrice('20', 'USD')).toBe(2000);
    expect(parsePrice('500', 'JPY')).toBe(500);
    expect(parsePrice('19900', 'COP')).toBe(1990000);
  });

  it('refuses more decimals than the currency has, zero and junk', () => {
    for (const bad of ['4.999', '0', '', 'abc', '-1', '1.2.3'])
      expect(parsePrice(bad, 'USD'), bad).toBeNull();
    expect(parsePrice('5.5', 'JPY')).toBeNull();
  });

  it('writes minor units back for editing', () => {
    expect(minorToInput(499, 'USD')).toBe('4.99');
    expect(minorToInput(500, 'JPY')).toBe('500');
  });
});
