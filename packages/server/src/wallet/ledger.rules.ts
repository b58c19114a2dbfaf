import { createHash } from 'node:crypto';

/** The kinds of ledger account. */
export const ACCOUNT_KINDS = [
  'member_wallet',
  'creator_earnings',
  'platform_revenue',
  'provider_clearing',
  'payouts',
] as const;
/** One kind of ledger account. */
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** The only currency so far: coins, counted in whole coins (integer minor units). */
export const COIN = 'COIN';

/** The largest amount one entry may move, in coins (10^12); keeps every sum far below 2^53. */
export const MAX_ENTRY_AMOUNT = 1_000_000_000_000;
/** Bounds on the number of entries in one transaction (entry ids carry a two-digit position). */
export const MIN_ENTRIES = 2;
export const MAX_ENTRIES = 32;
/** Default creator share of a gift, in basis points (7000 = 70 %). */
export const DEFAULT_CREATOR_BPS = 7000;

/**
 * Accounts credited by many concurrent writers (every gift of an app credits its platform
 * revenue; a popular creator's earnings get every viewer's gifts) are split into this many
 * shard rows, so that concurrent gifts do not queue behind one row lock until commit.
 */
export const HOT_ACCOUNT_SHARDS = 16;

/** One leg of a posting: amount > 0 credits the account (raises its balance), < 0 debits it. */
export interface EntryInput {
  accountId: string;
  amount: number;
}

/** Why a posting is refused before it reaches the database. */
export type PostingProblem =
  | 'too_few_entries'
  | 'too_many_entries'
  | 'amount_not_integer'
  | 'amount_zero'
  | 'amount_too_large'
  | 'duplicate_account'
  | 'not_balanced'
  | 'kind_invalid'
  | 'key_invalid'
  | 'metadata_too_large';

/** User-facing text for each posting problem. */
export const POSTING_PROBLEM_TEXT: Record<PostingProblem, string> = {
  too_few_entries: `A transaction needs at least ${MIN_ENTRIES} entries`,
  too_many_entries: `A transaction has at most ${MAX_ENTRIES} entries`,
  amount_not_integer: 'Amounts are whole coins',
  amount_zero: 'An entry cannot move zero coins',
  amount_too_large: `An entry moves at most ${MAX_ENTRY_AMOUNT} coins`,
  duplicate_account: 'Each account appears at most once in a transaction',
  not_balanced: 'The entries of a transaction must sum to zero',
  kind_invalid: 'The transaction kind must be 1–64 lowercase letters, dots or underscores',
  key_invalid: 'The idempotency key must be 1–200 printable ASCII characters',
  metadata_too_large: 'Transaction metadata is at most 4 KB of JSON',
};

/** Largest JSON text of a transaction's metadata, in UTF-16 units. */
export const MAX_METADATA_CHARS = 4096;
const KIND_PATTERN = /^[a-z_.]{1,64}$/;
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** Checks a posting's kind, idempotency key and metadata; null when they are fine. */
export function headerProblem(
  kind: string,
  idempotencyKey: string,
  metadata?: Record<string, unknown>,
): PostingProblem | null {
  if (!KIND_PATTERN.test(kind)) return 'kind_invalid';
  if (!KEY_PATTERN.test(idempotencyKey)) return 'key_invalid';
  if (metadata && JSON.stringify(metadata).length > MAX_METADATA_CHARS) return 'metadata_too_large';
  return null;
}

/** Checks that a posting is a valid double-entry transaction; null when it is. */
export function postingProblem(entries: readonly EntryInput[]): PostingProblem | null {
  if (entries.length < MIN_ENTRIES) return 'too_few_entries';
  if (entries.length > MAX_ENTRIES) return 'too_many_entries';
  const seen = new Set<string>();
  let sum = 0;
  for (const { accountId, amount } of entries) {
    if (!Number.isInteger(amount)) return 'amount_not_integer';
    if (amount === 0) return 'amount_zero';
    if (Math.abs(amount) > MAX_ENTRY_AMOUNT) return 'amount_too_large';
    if (seen.has(accountId)) return 'duplicate_account';
    seen.add(accountId);
    sum += amount;
  }
  // Exact: at most 32 integers of |x| <= 10^12 sum far below 2^53.
  return sum === 0 ? null : 'not_balanced';
}

/**
 * A digest of what a posting does (kind and its entries, in account order), stored with the
 * transaction: a replayed idempotency key with the same digest is the same request; with
 * another digest it is a conflicting reuse of the key. Metadata is not part of it.
 */
export function postingFingerprint(kind: string, entries: readonly EntryInput[]): string {
  const legs = entries.map((e) => `${e.accountId}:${e.amount}`).sort();
  return createHash('sha256')
    .update(`${kind}\n${legs.join('\n')}`)
    .digest('hex');
}

/** Whether accounts of this kind may hold a negative balance (money owed to us by a provider). */
export function allowsNegative(kind: AccountKind): boolean {
  return kind === 'provider_clearing';
}

/** How many shard rows an account of this kind has. */
export function shardCount(kind: AccountKind): number {
  return kind === 'creator_earnings' || kind === 'platform_revenue' ? HOT_ACCOUNT_SHARDS : 1;
}

/**
 * The shard of a sharded account that postings caused by `actorKey` (e.g. the sender's
 * wallet id) use: stable, so a replayed request picks the same rows and keeps its
 * fingerprint, and spread, so different senders rarely share a row. FNV-1a over UTF-16 units.
 */
export function shardFor(actorKey: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < actorKey.length; i++) {
    hash ^= actorKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/**
 * Whether an owner fits the kind: wallets and earnings belong to a user, clearing accounts to
 * a provider, platform revenue to nobody; payouts may be app-wide or per creator.
 */
export function ownerFits(kind: AccountKind, ownerId: string | null): boolean {
  if (kind === 'payouts') return true;
  return kind === 'platform_revenue' ? ownerId === null : ownerId !== null && ownerId.length > 0;
}

/** How a gift of `coins` divides: the creator gets the floor of their share, the platform the rest, so the sum is exact. */
export function splitGift(coins: number, creatorBps: number): { creator: number; platform: number } {
  if (!Number.isSafeInteger(coins) || coins <= 0 || coins > MAX_ENTRY_AMOUNT)
    throw new RangeError('coins must be a positive whole number');
  if (!Number.isInteger(creatorBps) || creatorBps < 0 || creatorBps > 10_000)
    throw new RangeError('creatorBps must be 0..10000');
  // coins * bps can reach 10^16 > 2^53, so split coins into whole ten-thousands and the rest.
  const creator =
    Math.floor(coins / 10_000) * creatorBps + Math.floor(((coins % 10_000) * creatorBps) / 10_000);
  return { creator, platform: coins - creator };
}

/** Drops zero legs (a 0 % or 100 % split leaves one side empty); entries may not move zero coins. */
export function withoutZeroLegs(entries: readonly EntryInput[]): EntryInput[] {
  return entries.filter((e) => e.amount !== 0);
}
