import { epaycoState, parseMinor } from '../payments.rules.ts';
import {
  type CallbackCheck,
  type ProviderHttp,
  ProviderUnavailableError,
  type VerifiedCallback,
} from './provider.port.ts';

/** A transaction as ePayco's validation endpoint reports it: its `data` fields, as strings. */
export type EpaycoTransaction = Record<string, string>;

/**
 * Asks ePayco's transaction validation endpoint (`GET <validationUrl>/<ref_payco>`, answering
 * `{ success, data: { x_ref_payco, x_transaction_id, x_amount, ... } }`) for a transaction.
 * Throws ProviderUnavailableError when it does not answer in `timeoutMs` milliseconds,
 * answers an error, or does not know the transaction (yet): the confirmation is retried.
 */
export async function fetchEpaycoTransaction(
  http: ProviderHttp,
  validationUrl: string,
  refPayco: string,
  timeoutMs: number,
): Promise<EpaycoTransaction> {
  let body: unknown;
  try {
    const response = await http.fetch(`${validationUrl}/${encodeURIComponent(refPayco)}`, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`validation answered HTTP ${response.status}`);
    body = await response.json();
  } catch (error) {
    throw new ProviderUnavailableError('epayco', error);
  }
  const answer = body as { success?: unknown; data?: unknown } | null;
  if (answer?.success !== true || typeof answer.data !== 'object' || answer.data === null)
    throw new ProviderUnavailableError('epayco', new Error('validation did not find the transaction'));
  // ePayco sends codes and amounts as numbers or strings depending on the field and the API version.
  return Object.fromEntries(
    Object.entries(answer.data)
      .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
      .map(([key, value]) => [key, String(value).trim()]),
  );
}

/**
 * The confirmation as ePayco's records state it: the transaction must be the signed one (same
 * `x_ref_payco` and `x_transaction_id`, same amount and currency), its state code and text
 * must agree, and the order, the state and the amount are taken from it.
 */
export function confirmEpayco(signed: VerifiedCallback, transaction: EpaycoTransaction): CallbackCheck {
  const refuse = (reason: string): CallbackCheck => ({ ok: false, reason: `ePayco's records: ${reason}` });
  if (transaction.x_ref_payco !== signed.paymentRef) return refuse('another x_ref_payco');
  if (transaction.x_transaction_id !== signed.transactionId) return refuse('another x_transaction_id');
  const amountMinor = parseMinor(transaction.x_amount ?? '');
  if (amountMinor === null || amountMinor !== signed.reported?.amountMinor)
    return refuse(`amount ${transaction.x_amount} instead of the signed one`);
  const currency = (transaction.x_currency_code ?? '').toUpperCase();
  if (currency !== signed.reported.currency.toUpperCase())
    return refuse(`currency ${currency} instead of the signed one`);
  const code = transaction.x_cod_transaction_state ?? transaction.x_cod_response;
  const state = epaycoState(code, transaction.x_transaction_state ?? transaction.x_response);
  if (!state.ok) return refuse(state.reason);
  return {
    ok: true,
    callback: {
      // The same payment in the same state is the same notification, whatever else it carries.
      eventId: `${signed.paymentRef}:${signed.transactionId}:${code ?? state.outcome ?? 'unknown'}`,
      orderId: transaction.x_extra1 || transaction.x_id_invoice || null,
      paymentRef: signed.paymentRef,
      transactionId: signed.transactionId,
      outcome: state.outcome,
      reported: { amountMinor, currency },
    },
  };
}
