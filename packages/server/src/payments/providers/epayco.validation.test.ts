import { describe, expect, it } from 'vitest';
import { confirmEpayco } from './epayco.validation.ts';
import type { VerifiedCallback } from './provider.port.ts';

const SIGNED: VerifiedCallback = {
  eventId: '5550001:tx-1',
  orderId: null,
  paymentRef: '5550001',
  transactionId: 'tx-1',
  outcome: null,
  reported: { amountMinor: 999, currency: 'USD' },
};

const RECORDS = {
  x_ref_payco: '5550001',
  x_transaction_id: 'tx-1',
  x_amount: '9.99',
  x_currency_code: 'USD',
  x_cod_transaction_state: '1',
  x_transaction_state: 'Aceptada',
  x_extra1: 'ord_recorded',
  x_id_invoice: 'ord_recorded',
};

describe("ePayco's records confirm a signed confirmation", () => {
  it('takes the order, the state and the amount from the records', () => {
    expect(confirmEpayco(SIGNED, RECORDS)).toEqual({
      ok: true,
      callback: {
        eventId: '5550001:tx-1:1',
        orderId: 'ord_recorded',
        paymentRef: '5550001',
        transactionId: 'tx-1',
        outcome: 'accepted',
        reported: { amountMinor: 999, currency: 'USD' },
      },
    });
    const pending = confirmEpayco(SIGNED, {
      ...RECORDS,
      x_cod_transaction_state: '3',
      x_transaction_state: 'Pendiente',
    });
    expect(pending.ok && pending.callback).toMatchObject({ eventId: '5550001:tx-1:3', outcome: 'pending' });
  });

  it('refuses records of another payment or amount, or whose state contradicts itself', () => {
    for (const patch of [
      { x_ref_payco: '5550002' },
      { x_transaction_id: 'tx-2' },
      { x_amount: '0.99' },
      { x_amount: 'nine' },
      { x_currency_code: 'COP' },
      { x_transaction_state: 'Rechazada' },
      { x_transaction_state: '' },
    ]) {
      expect(confirmEpayco(SIGNED, { ...RECORDS, ...patch }).ok).toBe(false);
    }
  });
});
