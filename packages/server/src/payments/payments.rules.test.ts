import { describe, expect, it } from 'vitest';
import {
  amountMismatch,
  epaycoOutcome,
  epaycoSignature,
  epaycoSignatureValid,
  epaycoState,
  formatMinor,
  ORDER_STATUSES,
  type OrderStatus,
  type PaymentOutcome,
  parseMinor,
  stripeSignatureHeader,
  stripeSignedAtS,
  stripeTimestampFresh,
  transition,
} from './payments.rules.ts';

const OUTCOMES: PaymentOutcome[] = ['accepted', 'pending', 'rejected', 'failed', 'refunded', 'charged_back'];

/** Applies outcomes in order from `pending` and counts coins credited and reversed. */
function run(outcomes: PaymentOutcome[]): { status: OrderStatus; credits: number; reversals: number } {
  let status: OrderStatus = 'pending';
  let credits = 0;
  let reversals = 0;
  for (const outcome of outcomes) {
    const next = transition(status, outcome);
    if (next.effect === 'credit') credits++;
    if (next.effect === 'reverse') reversals++;
    status = next.status;
  }
  return { status, credits, reversals };
}

describe('order state machine', () => {
  it('pays a pending order once on acceptance', () => {
    expect(transition('pending', 'accepted')).toEqual({ status: 'paid', effect: 'credit' });
    expect(transition('paid', 'accepted')).toEqual({ status: 'paid', effect: 'none' });
  });

  it('ignores a late pending, rejection or failure after payment', () => {
    for (const late of ['pending', 'rejected', 'failed'] as const)
      expect(transition('paid', late)).toEqual({ status: 'paid', effect: 'none' });
  });

  it('credits once when a rejection is followed by an acceptance', () => {
    expect(run(['rejected', 'accepted'])).toEqual({ status: 'paid', credits: 1, reversals: 0 });
    expect(run(['failed', 'pending', 'accepted', 'accepted'])).toEqual({
      status: 'paid',
      credits: 1,
      reversals: 0,
    });
  });

  it('credits once whatever the order of pending and accepted', () => {
    expect(run(['accepted', 'pending'])).toEqual({ status: 'paid', credits: 1, reversals: 0 });
    expect(run(['pending', 'accepted'])).toEqual({ status: 'paid', credits: 1, reversals: 0 });
  });

  it('reverses a paid order on refund or chargeback, once', () => {
    expect(transition('paid', 'refunded')).toEqual({ status: 'refunded', effect: 'reverse' });
    expect(transition('paid', 'charged_back')).toEqual({ status: 'charged_back', effect: 'reverse' });
    expect(run(['accepted', 'refunded', 'charged_back', 'refunded'])).toEqual({
      status: 'refunded',
      credits: 1,
      reversals: 1,
    });
  });

  it('closes an unpaid order on a refund that arrives before the acceptance, so nothing is credited', () => {
    expect(run(['refunded', 'accepted'])).toEqual({ status: 'refunded', credits: 0, reversals: 0 });
  });

  it('flags an open order whose amount differs, and never credits it', () => {
    expect(transition('pending', 'accepted', 'amount 1 instead of 499 (minor units)')).toEqual({
      status: 'flagged',
      effect: 'none',
      flagReason: 'amount 1 instead of 499 (minor units)',
    });
    for (const outcome of OUTCOMES) expect(transition('flagged', outcome).effect).toBe('none');
    expect(transition('paid', 'accepted', 'amount differs')).toEqual({ status: 'paid', effect: 'none' });
  });

  it('never credits more than it reverses plus one, over every sequence of three outcomes', () => {
    for (const a of OUTCOMES)
      for (const b of OUTCOMES)
        for (const c of OUTCOMES) {
          const { status, credits, reversals } = run([a, b, c]);
          expect(credits).toBeLessThanOrEqual(1);
          expect(reversals).toBeLessThanOrEqual(credits);
          expect(ORDER_STATUSES).toContain(status);
          // Coins are in the wallet exactly when the order is paid.
          expect(credits - reversals).toBe(status === 'paid' ? 1 : 0);
        }
  });
});

describe('amounts', () => {
  it('formats and parses minor units', () => {
    expect(formatMinor(499)).toBe('4.99');
    expect(formatMinor(2_000_000)).toBe('20000.00');
    expect(formatMinor(5)).toBe('0.05');
    expect(parseMinor('4.99')).toBe(499);
    expect(parseMinor('20000')).toBe(2_000_000);
    expect(parseMinor('4.9')).toBe(490);
    expect(parseMinor('4,99')).toBeNull();
    expect(parseMinor('-1')).toBeNull();
  });

  it('reports currency and amount mismatches', () => {
    const order = { amountMinor: 499, currency: 'USD' };
    expect(amountMismatch(order, { amountMinor: 499, currency: 'usd' })).toBeNull();
    expect(amountMismatch(order, null)).toBeNull();
    expect(amountMismatch(order, { amountMinor: 499, currency: 'COP' })).toBe('currency COP instead of USD');
    expect(amountMismatch(order, { amountMinor: 100, currency: 'USD' })).toBe(
      'amount 100 instead of 499 (minor units)',
    );
  });
});

describe('ePayco', () => {
  const fields = {
    x_ref_payco: '98765',
    x_transaction_id: 'tx-555',
    x_amount: '4.99',
    x_currency_code: 'USD',
  };

  it('signs confirmations as SHA-256 over p_cust_id_cliente^p_key^x_ref_payco^x_transaction_id^x_amount^x_currency_code', () => {
    // sha256("1234567^p-key-secret^98765^tx-555^4.99^USD"), computed with sha256sum.
    expect(epaycoSignature('1234567', 'p-key-secret', fields)).toBe(
      'ee4c4aa4a1c234657d254adf590dca025b07859b0f544f36c9e9af0785b5847b',
    );
  });

  it('accepts the right signature in any case and refuses any other', () => {
    const good = 'ee4c4aa4a1c234657d254adf590dca025b07859b0f544f36c9e9af0785b5847b';
    expect(epaycoSignatureValid('1234567', 'p-key-secret', fields, good)).toBe(true);
    expect(epaycoSignatureValid('1234567', 'p-key-secret', fields, good.toUpperCase())).toBe(true);
    expect(epaycoSignatureValid('1234567', 'other-key', fields, good)).toBe(false);
    expect(epaycoSignatureValid('1234567', 'p-key-secret', { ...fields, x_amount: '0.01' }, good)).toBe(
      false,
    );
    expect(epaycoSignatureValid('1234567', 'p-key-secret', fields, '')).toBe(false);
  });

  it('reads transaction states by code or by their Spanish name', () => {
    expect(epaycoOutcome('1', undefined)).toBe('accepted');
    expect(epaycoOutcome('2', undefined)).toBe('rejected');
    expect(epaycoOutcome('3', undefined)).toBe('pending');
    expect(epaycoOutcome('4', undefined)).toBe('failed');
    expect(epaycoOutcome('6', undefined)).toBe('refunded');
    expect(epaycoOutcome(undefined, 'Aceptada')).toBe('accepted');
    expect(epaycoOutcome(undefined, 'Pendiente')).toBe('pending');
    expect(epaycoOutcome('99', 'Desconocida')).toBeNull();
  });

  it('reads a validated state only when its code and text agree, and an acceptance only from both', () => {
    expect(epaycoState('1', 'Aceptada')).toEqual({ ok: true, outcome: 'accepted' });
    expect(epaycoState('3', 'Pendiente')).toEqual({ ok: true, outcome: 'pending' });
    expect(epaycoState('2', undefined)).toEqual({ ok: true, outcome: 'rejected' });
    expect(epaycoState('99', undefined)).toEqual({ ok: true, outcome: null });
    for (const [code, text] of [
      ['1', 'Rechazada'],
      ['2', 'Aceptada'],
      ['1', undefined],
      [undefined, 'Aceptada'],
      ['1', 'Aceptada por fin'],
    ] as const) {
      expect(epaycoState(code, text).ok).toBe(false);
    }
  });
});

describe('Stripe signature header', () => {
  it('is t=<timestamp>,v1=<HMAC-SHA256 of "<t>.<body>">', () => {
    // openssl dgst -sha256 -hmac whsec_abc over '1700000000.{"id":"evt_1"}'.
    expect(stripeSignatureHeader('whsec_abc', '{"id":"evt_1"}', 1_700_000_000)).toBe(
      't=1700000000,v1=79f159714a0d01d9505691104b38e71f0dbb0d4bdeef387b113d07b870f50db3',
    );
  });

  it('carries exactly one signing time, fresh within the tolerance both ways', () => {
    expect(stripeSignedAtS('t=1700000000,v1=ab')).toBe(1_700_000_000);
    expect(stripeSignedAtS('v1=ab,t=1700000000,t=1800000000')).toBeNull();
    expect(stripeSignedAtS('t=soon,v1=ab')).toBeNull();
    expect(stripeSignedAtS('v1=ab')).toBeNull();
    const now = 1_700_000_000_000;
    expect(stripeTimestampFresh(1_700_000_000 - 300, now, 300)).toBe(true);
    expect(stripeTimestampFresh(1_700_000_000 + 300, now, 300)).toBe(true);
    expect(stripeTimestampFresh(1_700_000_000 - 301, now, 300)).toBe(false);
    expect(stripeTimestampFresh(1_700_000_000 + 301, now, 300)).toBe(false);
  });
});
