import { createHash, randomInt } from 'node:crypto';

/** The merchant ePayco signs for. */
export interface EpaycoMerchant {
  customerId: string;
  pKey: string;
}

/** What a confirmation reports. */
export interface EpaycoConfirmationInput {
  orderId: string;
  /** Decimal string as ePayco sends it, e.g. "4.99". */
  amount: string;
  currency: string;
  /** x_cod_transaction_state: 1 accepted, 2 rejected, 3 pending, 4 failed, 6 reversed. */
  state: 1 | 2 | 3 | 4 | 6;
  refPayco?: string;
  transactionId?: string;
}

const STATE_TEXT = { 1: 'Aceptada', 2: 'Rechazada', 3: 'Pendiente', 4: 'Fallida', 6: 'Reversada' } as const;

/**
 * A confirmation as ePayco POSTs it to `p_url_confirmation`: form-encoded `x_*` fields,
 * signed with `x_signature` = SHA-256 hex of
 * `p_cust_id_cliente^p_key^x_ref_payco^x_transaction_id^x_amount^x_currency_code`.
 */
export function epaycoConfirmation(
  merchant: EpaycoMerchant,
  input: EpaycoConfirmationInput,
): { body: string; fields: Record<string, string>; headers: Record<string, string> } {
  const refPayco = input.refPayco ?? String(randomInt(10_000_000, 99_999_999));
  const transactionId = input.transactionId ?? `${randomInt(100_000, 999_999)}${Date.now()}`;
  const signature = createHash('sha256')
    .update(
      `${merchant.customerId}^${merchant.pKey}^${refPayco}^${transactionId}^${input.amount}^${input.currency}`,
    )
    .digest('hex');
  const fields: Record<string, string> = {
    x_cust_id_cliente: merchant.customerId,
    x_ref_payco: refPayco,
    x_id_invoice: input.orderId,
    x_id_factura: input.orderId,
    x_description: 'Coins',
    x_amount: input.amount,
    x_amount_country: input.amount,
    x_amount_ok: input.amount,
    x_tax: '0',
    x_amount_base: '0',
    x_currency_code: input.currency,
    x_bank_name: 'Banco de Pruebas',
    x_cardnumber: '457562*******0326',
    x_quotas: '1',
    x_respuesta: STATE_TEXT[input.state],
    x_response: STATE_TEXT[input.state],
    x_approval_code: '000000',
    x_transaction_id: transactionId,
    x_fecha_transaccion: '2026-11-23 18:00:00',
    x_transaction_date: '2026-11-23 18:00:00',
    x_cod_respuesta: String(input.state),
    x_cod_response: String(input.state),
    x_response_reason_text: STATE_TEXT[input.state],
    x_errorcode: '00',
    x_cod_transaction_state: String(input.state),
    x_transaction_state: STATE_TEXT[input.state],
    x_franchise: 'VS',
    x_business: 'PNPtv',
    x_customer_email: 'member@example.com',
    x_signature: signature,
    x_test_request: 'TRUE',
    x_extra1: input.orderId,
    x_extra2: '',
    x_extra3: '',
  };
  return {
    body: new URLSearchParams(fields).toString(),
    fields,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'ePayco' },
  };
}
