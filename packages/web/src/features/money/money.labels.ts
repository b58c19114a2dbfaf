import type { MessageKey, MessageParams } from '../../app/i18n.ts';
import type { OrderStatus, PayoutStatus } from './money.types.ts';

type Translate = (key: MessageKey, params?: MessageParams) => string;

const KIND_KEYS: Record<string, MessageKey> = {
  purchase: 'money.kind.purchase',
  gift: 'money.kind.gift',
  tip: 'money.kind.tip',
  ticket: 'money.kind.ticket',
  subscription: 'money.kind.subscription',
  prime: 'money.kind.prime',
  refund: 'money.kind.refund',
  chargeback: 'money.kind.chargeback',
  payout: 'money.kind.payout',
  earning: 'money.kind.earning',
  adjustment: 'money.kind.adjustment',
  transfer: 'money.kind.transfer',
  'payout.request': 'money.kind.payoutRequest',
  'payout.return': 'money.kind.payoutReturn',
  'payout.paid': 'money.kind.payoutPaid',
};

/** A wallet movement's kind in the reader's language; kinds this page does not know show as sent. */
export function kindLabel(t: Translate, kind: string): string {
  const key = KIND_KEYS[kind];
  return key ? t(key) : kind;
}

const ORDER_KEYS: Record<OrderStatus, MessageKey> = {
  pending: 'money.orderStatus.pending',
  paid: 'money.orderStatus.paid',
  rejected: 'money.orderStatus.rejected',
  failed: 'money.orderStatus.failed',
  refunded: 'money.orderStatus.refunded',
  charged_back: 'money.orderStatus.charged_back',
  flagged: 'money.orderStatus.flagged',
};

/** An order status in the reader's language. */
export function orderStatusLabel(t: Translate, status: OrderStatus): string {
  const key = ORDER_KEYS[status];
  return key ? t(key) : status;
}

const PAYOUT_KEYS: Record<PayoutStatus, MessageKey> = {
  requested: 'money.payoutStatus.requested',
  approved: 'money.payoutStatus.approved',
  rejected: 'money.payoutStatus.rejected',
  paid: 'money.payoutStatus.paid',
};

/** A payout status in the reader's language. */
export function payoutStatusLabel(t: Translate, status: PayoutStatus): string {
  const key = PAYOUT_KEYS[status];
  return key ? t(key) : status;
}
