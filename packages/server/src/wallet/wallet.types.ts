import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db/schema.ts';
import type { BatchOptions } from './ledger.batcher.ts';
import type { AccountKind, EntryInput } from './ledger.rules.ts';
import type { HistoryRow } from './ledger.store.ts';

/** A ledger account as the service returns it; balance in whole coins. */
export interface LedgerAccount {
  id: string;
  appId: string;
  kind: AccountKind;
  ownerId: string | null;
  shard: number;
  currency: string;
  balance: number;
  allowNegative: boolean;
}

/** What `ensureAccount` needs; `shard` defaults to 0. */
export interface AccountSpec {
  appId: string;
  kind: AccountKind;
  ownerId: string | null;
  shard?: number;
}

/** A request to move coins: balanced entries under an idempotency key unique within the app. */
export interface PostInput {
  appId: string;
  /** What the movement is: `purchase`, `gift`, `tip`, `refund`, `payout`… */
  kind: string;
  idempotencyKey: string;
  entries: EntryInput[];
  metadata?: Record<string, unknown>;
}

/** A posted transaction. On a replayed key it describes the first posting, with `replayed` true. */
export interface PostedTransaction {
  id: string;
  appId: string;
  kind: string;
  idempotencyKey: string;
  entries: EntryInput[];
  metadata: Record<string, unknown>;
  createdAt: Date;
  replayed: boolean;
  /** Balances right after this posting by account id; null on a replay (read `balance` for the current one). */
  balancesAfter: Record<string, number> | null;
}

/** Coins bought through a payment provider land in the member's wallet. */
export interface PurchaseInput {
  appId: string;
  userId: string;
  coins: number;
  /** The provider whose clearing account owes us the money: `sandbox`, `epayco`, `stripe`. */
  provider: string;
  idempotencyKey: string;
  metadata?: Record<string, unknown>;
}

/** A gift (or tip) from a member to a creator, split between the creator and the platform. */
export interface GiftInput {
  appId: string;
  fromUserId: string;
  toCreatorId: string;
  coins: number;
  /** The creator's share in basis points; default 7000 (70 %). */
  splitCreatorBps?: number;
  idempotencyKey: string;
  /** Ledger transaction kind; default `gift` (`tip` for tips). */
  kind?: string;
  metadata?: Record<string, unknown>;
}

/** A gift as posted, with how it was split. */
export interface GiftResult extends PostedTransaction {
  creatorShare: number;
  platformShare: number;
}

/** One page of an account's history, newest first. */
export interface HistoryPage {
  items: HistoryRow[];
  nextCursor: string | null;
}

/** What the ledger is built from. */
export interface LedgerServiceDeps {
  db: Db;
  clock: Clock;
  /** Grouping of postings made outside a caller's transaction (see PostingBatcher). */
  batch?: BatchOptions;
}
