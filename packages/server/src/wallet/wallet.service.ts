import type { Executor } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { PostingBatcher } from './ledger.batcher.ts';
import {
  DEFAULT_CREATOR_BPS,
  type EntryInput,
  headerProblem,
  ownerFits,
  POSTING_PROBLEM_TEXT,
  postingFingerprint,
  postingProblem,
  shardCount,
  shardFor,
  splitGift,
  withoutZeroLegs,
} from './ledger.rules.ts';
import { type AccountKey, type LedgerAccountRow, LedgerStore, type PostOutcome } from './ledger.store.ts';
import { walletErrors } from './wallet.errors.ts';
import type {
  AccountSpec,
  GiftInput,
  GiftResult,
  HistoryPage,
  LedgerAccount,
  LedgerServiceDeps,
  PostedTransaction,
  PostInput,
  PurchaseInput,
} from './wallet.types.ts';

/** Account ids cached per service; ids never change, so the cache only bounds memory. */
const ACCOUNT_CACHE_SIZE = 10_000;

function isExecutor(value: unknown): value is Executor {
  return typeof (value as Executor | undefined)?.selectFrom === 'function';
}

function toAccount(row: LedgerAccountRow): LedgerAccount {
  return {
    id: row.id,
    appId: row.app_id,
    kind: row.kind,
    ownerId: row.owner_id,
    shard: row.shard,
    currency: row.currency,
    balance: Number(row.balance),
    allowNegative: row.allow_negative,
  };
}

/**
 * The coins ledger: accounts, balanced postings that are idempotent per key, balances and
 * history, and the movements built on them (purchases, refunds, gifts). Every method takes
 * an optional transaction first, so a posting can commit together with the caller's change.
 */
export class LedgerService {
  private readonly store = new LedgerStore();
  private readonly accountIds = new Map<string, string>();
  private readonly batcher: PostingBatcher;

  constructor(private readonly deps: LedgerServiceDeps) {
    this.batcher = new PostingBatcher(
      (postings) => this.store.postBatch(deps.db, postings, this.now()),
      deps.batch,
    );
  }

  /** Returns the account for `spec`, creating it (with a zero balance) if needed. */
  ensureAccount(spec: AccountSpec): Promise<LedgerAccount>;
  ensureAccount(tx: Executor, spec: AccountSpec): Promise<LedgerAccount>;
  async ensureAccount(a: Executor | AccountSpec, b?: AccountSpec): Promise<LedgerAccount> {
    const [db, spec] = isExecutor(a) ? [a, b!] : [this.deps.db, a];
    return toAccount(await this.store.ensureAccount(db, this.keyOf(spec), this.now()));
  }

  /**
   * Posts balanced entries. Refused with WALLET_INVALID_POSTING before touching the
   * database when the entries break the rules, WALLET_INSUFFICIENT_FUNDS when an account
   * would go below zero (nothing is written), WALLET_IDEMPOTENCY_CONFLICT when the key was
   * used for different entries; the same request again returns the first posting.
   */
  post(input: PostInput): Promise<PostedTransaction>;
  post(tx: Executor, input: PostInput): Promise<PostedTransaction>;
  async post(a: Executor | PostInput, b?: PostInput): Promise<PostedTransaction> {
    return isExecutor(a) ? this.postVia(a, b!) : this.postVia(null, a);
  }

  /** Credits coins bought from `provider` to the member's wallet (kind `purchase`). */
  creditPurchase(input: PurchaseInput): Promise<PostedTransaction>;
  creditPurchase(tx: Executor, input: PurchaseInput): Promise<PostedTransaction>;
  async creditPurchase(a: Executor | PurchaseInput, b?: PurchaseInput): Promise<PostedTransaction> {
    return isExecutor(a)
      ? this.movePurchase(a, b!, 'purchase', 1)
      : this.movePurchase(null, a, 'purchase', 1);
  }

  /**
   * Takes refunded (or charged back) coins out of the member's wallet back to the
   * provider's clearing account (kind `refund`); WALLET_INSUFFICIENT_FUNDS if they were spent.
   */
  refundPurchase(input: PurchaseInput): Promise<PostedTransaction>;
  refundPurchase(tx: Executor, input: PurchaseInput): Promise<PostedTransaction>;
  async refundPurchase(a: Executor | PurchaseInput, b?: PurchaseInput): Promise<PostedTransaction> {
    return isExecutor(a) ? this.movePurchase(a, b!, 'refund', -1) : this.movePurchase(null, a, 'refund', -1);
  }

  /**
   * Sends a gift: debits the member's wallet and credits the creator's earnings with the
   * floor of their share and the platform's revenue with the rest, so the total is exact.
   * The earnings and revenue shards are chosen from the sender's wallet.
   */
  sendGift(input: GiftInput): Promise<GiftResult>;
  sendGift(tx: Executor, input: GiftInput): Promise<GiftResult>;
  async sendGift(a: Executor | GiftInput, b?: GiftInput): Promise<GiftResult> {
    const [tx, input] = isExecutor(a) ? [a, b!] : [null, a];
    if (!Number.isSafeInteger(input.coins) || input.coins <= 0)
      throw walletErrors.WALLET_INVALID_POSTING('Gifts are a positive number of coins');
    const bps = input.splitCreatorBps ?? DEFAULT_CREATOR_BPS;
    let split: { creator: number; platform: number };
    try {
      split = splitGift(input.coins, bps);
    } catch (error) {
      throw walletErrors.WALLET_INVALID_POSTING((error as Error).message);
    }
    const { appId } = input;
    const wallet = await this.accountId(tx, { appId, kind: 'member_wallet', ownerId: input.fromUserId });
    const shard = shardFor(wallet, shardCount('creator_earnings'));
    const earnings = await this.accountId(tx, {
      appId,
      kind: 'creator_earnings',
      ownerId: input.toCreatorId,
      shard,
    });
    const revenue = await this.accountId(tx, { appId, kind: 'platform_revenue', ownerId: null, shard });
    const entries = withoutZeroLegs([
      { accountId: wallet, amount: -input.coins },
      { accountId: earnings, amount: split.creator },
      { accountId: revenue, amount: split.platform },
    ]);
    // The caller's metadata cannot override what the ledger records about the movement.
    const metadata = {
      ...input.metadata,
      from: input.fromUserId,
      to: input.toCreatorId,
      coins: input.coins,
      creatorBps: bps,
    };
    const posted = await this.postVia(tx, {
      appId,
      kind: input.kind ?? 'gift',
      idempotencyKey: input.idempotencyKey,
      entries,
      metadata,
    });
    return { ...posted, creatorShare: split.creator, platformShare: split.platform };
  }

  /** How postings made outside a transaction were grouped so far: statements sent and postings they carried. */
  batchStats(): { statements: number; postings: number } {
    return this.batcher.stats();
  }

  /** The balance of one account, in coins. */
  async balance(accountId: string, tx?: Executor): Promise<number> {
    const row = await this.store.account(tx ?? this.deps.db, accountId);
    if (!row) throw walletErrors.WALLET_ACCOUNT_NOT_FOUND();
    return Number(row.balance);
  }

  /** The balance of an owner's account of `kind` summed over its shards (0 when it has none). */
  async balanceOf(spec: Omit<AccountSpec, 'shard'>, tx?: Executor): Promise<number> {
    const rows = await this.store.shardsOf(tx ?? this.deps.db, spec.appId, spec.kind, spec.ownerId);
    return rows.reduce((sum, r) => sum + Number(r.balance), 0);
  }

  /** Every shard row of an owner's account of `kind` (one row for unsharded kinds). */
  async shardsOf(spec: Omit<AccountSpec, 'shard'>, tx?: Executor): Promise<LedgerAccount[]> {
    return (await this.store.shardsOf(tx ?? this.deps.db, spec.appId, spec.kind, spec.ownerId)).map(
      toAccount,
    );
  }

  /** An account's entries, newest first; pass the previous page's `nextCursor` for the next. */
  async history(
    accountId: string,
    page: { cursor?: string; limit?: number } = {},
    tx?: Executor,
  ): Promise<HistoryPage> {
    const limit = Math.min(Math.max(page.limit ?? 50, 1), 100);
    const items = await this.store.history(tx ?? this.deps.db, accountId, limit, page.cursor);
    return { items, nextCursor: items.length === limit ? items[items.length - 1]!.entryId : null };
  }

  /** The entries of one transaction, in posting order. */
  async entriesOf(transactionId: string, tx?: Executor): Promise<EntryInput[]> {
    return this.store.entriesOf(tx ?? this.deps.db, transactionId);
  }

  /**
   * Validates and posts: through the caller's executor when given (one statement inside
   * their transaction), else through the batcher (grouped with concurrent postings).
   */
  private async postVia(tx: Executor | null, input: PostInput): Promise<PostedTransaction> {
    const problem =
      postingProblem(input.entries) ?? headerProblem(input.kind, input.idempotencyKey, input.metadata);
    if (problem) throw walletErrors.WALLET_INVALID_POSTING(POSTING_PROBLEM_TEXT[problem]);
    const now = this.now();
    const posting = {
      id: newId('txn', now.getTime()),
      appId: input.appId,
      kind: input.kind,
      idempotencyKey: input.idempotencyKey,
      fingerprint: postingFingerprint(input.kind, input.entries),
      entries: input.entries.map((e) => ({ accountId: e.accountId, amount: e.amount })),
      metadata: input.metadata ?? {},
    };
    const outcome: PostOutcome = tx
      ? (await this.store.postBatch(tx, [posting], now))[0]!
      : await this.batcher.submit(posting);
    if (outcome.status === 'insufficient_funds') throw walletErrors.WALLET_INSUFFICIENT_FUNDS();
    if (outcome.status === 'account_not_found') throw walletErrors.WALLET_ACCOUNT_NOT_FOUND();
    if (outcome.fingerprint !== posting.fingerprint) throw walletErrors.WALLET_IDEMPOTENCY_CONFLICT();
    const posted = outcome.status === 'posted';
    return {
      id: outcome.transactionId,
      appId: input.appId,
      kind: input.kind,
      idempotencyKey: input.idempotencyKey,
      entries: posting.entries,
      metadata: outcome.metadata,
      createdAt: outcome.createdAt,
      replayed: !posted,
      balancesAfter:
        posted && outcome.balances
          ? Object.fromEntries(posting.entries.map((e, i) => [e.accountId, outcome.balances![i]!]))
          : null,
    };
  }

  private async movePurchase(
    tx: Executor | null,
    input: PurchaseInput,
    kind: 'purchase' | 'refund',
    sign: 1 | -1,
  ): Promise<PostedTransaction> {
    if (!Number.isSafeInteger(input.coins) || input.coins <= 0) {
      throw walletErrors.WALLET_INVALID_POSTING('Purchases and refunds are a positive number of coins');
    }
    const { appId } = input;
    const wallet = await this.accountId(tx, { appId, kind: 'member_wallet', ownerId: input.userId });
    const clearing = await this.accountId(tx, { appId, kind: 'provider_clearing', ownerId: input.provider });
    const entries = [
      { accountId: wallet, amount: sign * input.coins },
      { accountId: clearing, amount: -sign * input.coins },
    ];
    const metadata = { ...input.metadata, user: input.userId, provider: input.provider, coins: input.coins };
    return this.postVia(tx, { appId, kind, idempotencyKey: input.idempotencyKey, entries, metadata });
  }

  /**
   * The id of the account for `spec`, created if needed. Ids found or created outside a
   * transaction are cached (they are committed and never change); inside one they are
   * not, since the caller's transaction may still roll the new account back.
   */
  private async accountId(tx: Executor | null, spec: AccountSpec): Promise<string> {
    const key = this.keyOf(spec);
    const cacheKey = `${key.appId}\u0000${key.kind}\u0000${key.ownerId ?? ''}\u0000${key.shard}`;
    const cached = this.accountIds.get(cacheKey);
    if (cached) return cached;
    const db = tx ?? this.deps.db;
    const row = await this.store.ensureAccount(db, key, this.now());
    if (!db.isTransaction) {
      if (this.accountIds.size >= ACCOUNT_CACHE_SIZE) this.accountIds.clear();
      this.accountIds.set(cacheKey, row.id);
    }
    return row.id;
  }

  private keyOf(spec: AccountSpec): AccountKey {
    const shard = spec.shard ?? 0;
    if (!ownerFits(spec.kind, spec.ownerId))
      throw walletErrors.WALLET_INVALID_POSTING(`Wrong owner for a ${spec.kind} account`);
    if (!Number.isInteger(shard) || shard < 0 || shard >= shardCount(spec.kind)) {
      throw walletErrors.WALLET_INVALID_POSTING(`No shard ${shard} for a ${spec.kind} account`);
    }
    return { appId: spec.appId, kind: spec.kind, ownerId: spec.ownerId, shard };
  }

  private now(): Date {
    return new Date(this.deps.clock.now());
  }
}
