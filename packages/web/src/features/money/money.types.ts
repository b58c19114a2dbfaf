/** Shapes of the wallet, payments, gifts, tickets, subscriptions and payouts JSON under /api/v1. */

/** The signed-in member's coin wallet on the site. */
export interface Wallet {
  balance: number;
  currency: 'COIN';
  /** Spending is blocked (a refund or chargeback took the wallet below zero). */
  locked: boolean;
}

/** One movement of a wallet: `amount` is signed (+ credit, − debit). */
export interface WalletEntry {
  id: string;
  kind: string;
  amount: number;
  createdAt: string;
  description: string;
}

/** A bundle of coins sold for money; `priceMinor` is in the currency's minor unit (cents). */
export interface CoinPackage {
  id: string;
  name: string;
  coins: number;
  priceMinor: number;
  currency: string;
  active: boolean;
}

/** A payment provider the operator enabled. */
export interface PaymentProvider {
  id: string;
  name: string;
}

/** Where a coin purchase stands. */
export type OrderStatus =
  | 'pending'
  | 'paid'
  | 'rejected'
  | 'failed'
  | 'refunded'
  | 'charged_back'
  | 'flagged';

/** A coin purchase. */
export interface Order {
  id: string;
  packageId: string;
  coins: number;
  amountMinor: number;
  currency: string;
  provider: string;
  status: OrderStatus;
  createdAt: string;
  paidAt: string | null;
}

/** An order as admins see it, with its buyer. */
export interface AdminOrder extends Order {
  userId: string;
  userEmail: string | null;
  flagReason: string | null;
}

/** How a gift is shown when it arrives. */
export type GiftAnimationKind = 'float' | 'burst' | 'rain';

/** An item of the gift catalogue; `icon` is an emoji. */
export interface Gift {
  id: string;
  name: string;
  icon: string;
  coins: number;
  animation: GiftAnimationKind;
  active: boolean;
}

/** A gift someone sent on a stream (also the payload of the socket event `gift`). */
export interface GiftSent {
  id: string;
  streamId: string;
  creatorId: string;
  fromUserId: string;
  fromName: string;
  giftId: string;
  giftName: string;
  icon: string;
  animation: GiftAnimationKind;
  quantity: number;
  coins: number;
  createdAt: string;
}

/** A viewer on a stream's top-gifters board. */
export interface TopGifter {
  userId: string;
  name: string;
  coins: number;
}

/** The ticket of a stream: its price (null = free) and whether the viewer holds one. */
export interface TicketInfo {
  priceCoins: number | null;
  owned: boolean;
}

/** State of a subscription or PRIME membership. */
export interface Membership {
  status: string;
  currentPeriodEnd: string;
  cancelAtPeriodEnd: boolean;
}

/** A creator's plan and the viewer's subscription to it. */
export interface CreatorSubscription {
  plan: { priceCoins: number } | null;
  subscription: Membership | null;
}

/** One of my subscriptions. */
export interface MySubscription extends Membership {
  creatorId: string;
  creatorName: string;
  priceCoins: number;
}

/** The PRIME platform membership. */
export interface Prime {
  priceCoins: number;
  perks: string[];
  membership: Membership | null;
}

/** Coins a creator earned on one day, by kind. */
export interface EarningsDay {
  date: string;
  gifts: number;
  tips: number;
  tickets: number;
  subscriptions: number;
}

/** A creator's earnings summary. */
export interface Earnings {
  balance: number;
  lifetime: number;
  /** The creator's share in basis points (7000 = 70 %). */
  creatorBps: number;
  payoutMinimum: number;
  daily: EarningsDay[];
  recent: WalletEntry[];
}

/** Where a payout request stands. */
export type PayoutStatus = 'requested' | 'approved' | 'rejected' | 'paid';

/** A creator's request to be paid their earnings. */
export interface Payout {
  id: string;
  creatorId: string;
  creatorName: string;
  coins: number;
  status: PayoutStatus;
  createdAt: string;
  decidedAt: string | null;
  paidAt: string | null;
  reference: string | null;
  reason: string | null;
}

/** The site's revenue split: the default creator share, the payout minimum and per-creator overrides. */
export interface SplitSettings {
  creatorBps: number;
  payoutMinimum: number;
  overrides: { creatorId: string; creatorName: string; creatorBps: number }[];
}
