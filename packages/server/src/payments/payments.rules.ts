import { createHash, createHmac } from 'node:crypto';
import { safeEqual } from '../platform/ids.ts';

/** Providers a member can pay with. */
export const PROVIDER_IDS = ['sandbox', 'epayco', 'stripe'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/** Where an order stands. `paid` is the only status whose coins are in the member's wallet. */
export const ORDER_STATUSES = [
  'pending',
  'paid',
  'rejected',
  'failed',
  'refunded',
  'charged_back',
  'flagged',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** What a provider says happened to a payment, in our words. */
export type PaymentOutcome = 'accepted' | 'pending' | 'rejected' | 'failed' | 'refunded' | 'charged_back';

/** What applying an outcome does to the ledger: credit the coins, take them back, or nothing. */
export type LedgerEffect = 'credit' | 'reverse' | 'none';

/** The result of applying one outcome to an order. */
export interface Transition {
  status: OrderStatus;
  effect: LedgerEffect;
  /** Why the order was flagged (set only when it becomes `flagged`). */
  flagReason?: string;
}

/** The amount and currency a provider reports for a payment, when it reports them. */
export interface ReportedAmount {
  amountMinor: number;
  currency: string;
}

/** Statuses whose money was never received: an acceptance may still arrive. */
const OPEN: ReadonlySet<OrderStatus> = new Set(['pending', 'rejected', 'failed']);

/**
 * The order state machine. Callbacks arrive late, twice or out of order, so:
 * - an acceptance pays an open order (pending, rejected or failed) and credits once;
 * - pending, rejected and failed never undo a payment, and leave a rejected order rejected;
 * - a refund or chargeback of a paid order reverses the credit; one arriving before the
 *   acceptance closes the order so the late acceptance credits nothing;
 * - refunded, charged-back and flagged orders never change again by callback;
 * - an amount or currency that differs from the order's flags an open order and credits nothing.
 */
export function transition(
  status: OrderStatus,
  outcome: PaymentOutcome,
  mismatch: string | null = null,
): Transition {
  const same: Transition = { status, effect: 'none' };
  if (status === 'refunded' || status === 'charged_back' || status === 'flagged') return same;
  if (outcome === 'refunded' || outcome === 'charged_back') {
    return { status: outcome, effect: status === 'paid' ? 'reverse' : 'none' };
  }
  if (status === 'paid') return same;
  if (mismatch) return { status: 'flagged', effect: 'none', flagReason: mismatch };
  switch (outcome) {
    case 'accepted':
      return { status: 'paid', effect: 'credit' };
    case 'pending':
      return same;
    case 'rejected':
    case 'failed':
      return status === 'pending' ? { status: outcome, effect: 'none' } : same;
  }
}

/** Whether an order in `status` may still be paid (and so can be checked out again). */
export function isOpen(status: OrderStatus): boolean {
  return OPEN.has(status);
}

/** Why a reported amount does not match the order, or null when it does. */
export function amountMismatch(
  order: { amountMinor: number; currency: string },
  reported: ReportedAmount | null,
): string | null {
  if (!reported) return null;
  if (reported.currency.toUpperCase() !== order.currency.toUpperCase())
    return `currency ${reported.currency.toUpperCase()} instead of ${order.currency.toUpperCase()}`;
  if (reported.amountMinor !== order.amountMinor)
    return `amount ${reported.amountMinor} instead of ${order.amountMinor} (minor units)`;
  return null;
}

/**
 * Why a verified callback may not move its order, or null. One payment pays one order: an
 * acceptance must name its payment and its amount, and a payment already credited to another
 * order (`creditedOrderId`) pays no other; a reversal of a paid order reverses it only when
 * it concerns the payment that was credited.
 */
export function paymentConflict(
  order: { id: string; status: OrderStatus; paymentRef: string | null },
  callback: { outcome: PaymentOutcome; paymentRef: string | null; reported: ReportedAmount | null },
  creditedOrderId: string | null,
): string | null {
  if (callback.outcome === 'accepted') {
    if (!callback.paymentRef) return 'acceptance without a payment reference';
    if (!callback.reported) return 'acceptance without an amount';
    if (creditedOrderId && creditedOrderId !== order.id)
      return `payment ${callback.paymentRef} already credited ${creditedOrderId}`;
  }
  const reversal = callback.outcome === 'refunded' || callback.outcome === 'charged_back';
  if (
    reversal &&
    order.status === 'paid' &&
    callback.paymentRef &&
    order.paymentRef &&
    callback.paymentRef !== order.paymentRef
  )
    return `reversal of payment ${callback.paymentRef}, not of the credited ${order.paymentRef}`;
  return null;
}

/** A price in minor units as the decimal string providers use: 499 → "4.99". */
export function formatMinor(amountMinor: number): string {
  return `${Math.trunc(amountMinor / 100)}.${String(amountMinor % 100).padStart(2, '0')}`;
}

/** A decimal amount string ("4.99", "20000", "20000.00") in minor units, or null if it is not one. */
export function parseMinor(amount: string): number | null {
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

// ePayco ------------------------------------------------------------------------------

/** The fields of an ePayco confirmation that the signature covers. */
export interface EpaycoSigned {
  x_ref_payco: string;
  x_transaction_id: string;
  x_amount: string;
  x_currency_code: string;
}

/**
 * ePayco's confirmation signature: SHA-256 (hex) of
 * `p_cust_id_cliente^p_key^x_ref_payco^x_transaction_id^x_amount^x_currency_code`.
 */
export function epaycoSignature(customerId: string, pKey: string, fields: EpaycoSigned): string {
  const text = [
    customerId,
    pKey,
    fields.x_ref_payco,
    fields.x_transaction_id,
    fields.x_amount,
    fields.x_currency_code,
  ].join('^');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Whether `signature` is the confirmation's signature (constant-time, case-insensitive hex). */
export function epaycoSignatureValid(
  customerId: string,
  pKey: string,
  fields: EpaycoSigned,
  signature: string,
): boolean {
  return safeEqual(epaycoSignature(customerId, pKey, fields), signature.trim().toLowerCase());
}

const EPAYCO_BY_CODE: Record<string, PaymentOutcome> = {
  '1': 'accepted',
  '2': 'rejected',
  '3': 'pending',
  '4': 'failed',
  '6': 'refunded',
  '7': 'pending',
  '8': 'pending',
  '9': 'failed',
  '10': 'failed',
  '11': 'failed',
  '12': 'rejected',
};

const EPAYCO_BY_TEXT: Record<string, PaymentOutcome> = {
  aceptada: 'accepted',
  rechazada: 'rejected',
  pendiente: 'pending',
  fallida: 'failed',
  reversada: 'refunded',
  retenida: 'pending',
  iniciada: 'pending',
  expirada: 'failed',
  abandonada: 'failed',
  cancelada: 'failed',
  antifraude: 'rejected',
};

/**
 * ePayco transaction states (`x_cod_transaction_state`, or the Spanish `x_transaction_state`)
 * in our words: 1 Aceptada, 2 Rechazada, 3 Pendiente, 4 Fallida, 6 Reversada, 7 Retenida,
 * 8 Iniciada, 9 Expirada, 10 Abandonada, 11 Cancelada, 12 Antifraude. Null when unknown.
 */
export function epaycoOutcome(code: string | undefined, text: string | undefined): PaymentOutcome | null {
  const fromCode = code === undefined ? undefined : EPAYCO_BY_CODE[code.trim()];
  if (fromCode) return fromCode;
  const fromText = text === undefined ? undefined : EPAYCO_BY_TEXT[text.trim().toLowerCase()];
  return fromText ?? null;
}

/** An ePayco state read strictly: its outcome, or why the code and the text do not agree. */
export type EpaycoState = { ok: true; outcome: PaymentOutcome | null } | { ok: false; reason: string };

/**
 * Reads the state of a transaction as ePayco's validation endpoint reports it. The code and
 * the text must not contradict each other, and an acceptance (the only state that credits)
 * must be stated by both.
 */
export function epaycoState(code: string | undefined, text: string | undefined): EpaycoState {
  const fromCode = code === undefined ? undefined : EPAYCO_BY_CODE[code.trim()];
  const fromText = text === undefined ? undefined : EPAYCO_BY_TEXT[text.trim().toLowerCase()];
  if (fromCode && fromText && fromCode !== fromText)
    return {
      ok: false,
      reason: `state code ${code} (${fromCode}) contradicts state "${text}" (${fromText})`,
    };
  const outcome = fromCode ?? fromText ?? null;
  if (outcome === 'accepted' && (fromCode !== 'accepted' || fromText !== 'accepted'))
    return { ok: false, reason: `acceptance not stated by both the state code (${code}) and text (${text})` };
  return { ok: true, outcome };
}

// Stripe -------------------------------------------------------------------------------

/**
 * The `Stripe-Signature` header value Stripe sends: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>" keyed with the endpoint's signing secret>`.
 */
export function stripeSignatureHeader(secret: string, payload: string, timestampS: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestampS}.${payload}`, 'utf8').digest('hex');
  return `t=${timestampS},v1=${v1}`;
}

/**
 * The signing time (unix seconds) of a `Stripe-Signature` header, or null when it has no
 * single well-formed `t=` element (Stripe's own parser silently takes the last of several).
 */
export function stripeSignedAtS(header: string): number | null {
  const stamps = header
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.startsWith('t='));
  if (stamps.length !== 1 || !/^t=\d{1,12}$/.test(stamps[0]!)) return null;
  return Number(stamps[0]!.slice(2));
}

/**
 * Whether a webhook signed at `signedAtS` (unix seconds) is acceptable when received at
 * `receivedAtMs`: no older than `toleranceS` and, as clocks drift both ways, no further
 * in the future either (Stripe's SDK checks only the age).
 */
export function stripeTimestampFresh(signedAtS: number, receivedAtMs: number, toleranceS: number): boolean {
  return Math.abs(Math.floor(receivedAtMs / 1000) - signedAtS) <= toleranceS;
}

// Sandbox ------------------------------------------------------------------------------

/** The signature of a sandbox completion: hex HMAC-SHA256 of the raw body with the process's sandbox key. */
export function sandboxSignature(key: string, payload: string): string {
  return createHmac('sha256', key).update(payload, 'utf8').digest('hex');
}
