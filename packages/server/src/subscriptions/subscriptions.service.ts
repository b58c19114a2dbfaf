import type { Actor, AuditStore } from '../audit/index.ts';
import { publishEvent } from '../platform/bus/events.ts';
import type { Executor } from '../platform/db/schema.ts';
import { AppError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { type JobContext, type JobWorker, wakeWorkers } from '../platform/jobs/index.ts';
import type { Platform } from '../platform/platform.ts';
import { HOT_ACCOUNT_SHARDS, type LedgerService, walletErrors } from '../wallet/index.ts';
import { shardFor } from '../wallet/ledger.rules.ts';
import type { SplitPolicy } from '../wallet/split.ts';
import { subscriptionErrors } from './subscriptions.errors.ts';
import { subscriptionReceiptMail } from './subscriptions.mails.ts';
import {
  chargeKey,
  DEFAULT_PRIME_PERKS,
  DEFAULT_PRIME_PRICE,
  GRACE_MS,
  periodEnd,
  periodStart,
  RENEW_JOB,
  renewalStep,
  renewJobKey,
  type SubscriptionStatus,
} from './subscriptions.rules.ts';
import { type SubscriptionRow, SubscriptionStore, type Target } from './subscriptions.store.ts';

/** A subscription as the API shows it. */
export interface SubscriptionView {
  id: string;
  kind: 'creator' | 'prime';
  creatorId: string | null;
  status: SubscriptionStatus;
  priceCoins: number;
  currentPeriodEnd: string;
  cancelAtPeriodEnd: boolean;
  createdAt: string;
}

/** PRIME as admins configure it. */
export interface PrimeSettings {
  priceCoins: number;
  perks: string[];
}

/** Payload of a renewal job. */
interface RenewPayload {
  subscriptionId: string;
  /** The period the job pays for. */
  period: number;
  /** The past-due retry at the end of the grace period. */
  final?: boolean;
}

const PRIME_KEY = 'prime';

export function toSubscription(row: SubscriptionRow): SubscriptionView {
  return {
    id: row.id,
    kind: row.kind,
    creatorId: row.creator_id,
    status: row.status,
    priceCoins: Number(row.price_coins),
    currentPeriodEnd: row.current_period_end.toISOString(),
    cancelAtPeriodEnd: row.cancel_at_period_end,
    createdAt: row.created_at.toISOString(),
  };
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof AppError && error.code === code;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505';
}

/**
 * Monthly creator subscriptions and PRIME membership, paid in coins. Each period is charged
 * once through the ledger (key `sub:<id>:<period>`) in the same transaction as the
 * subscription's change; a job at each period's end renews it, ends it when it was
 * cancelled, or marks it past due when the wallet cannot pay and retries once after a grace
 * period before it expires.
 */
export class SubscriptionService {
  private readonly store = new SubscriptionStore();

  constructor(
    private readonly deps: {
      platform: Platform;
      audit: AuditStore;
      ledger: LedgerService;
      split: SplitPolicy;
      /** Whether a member's wallet is locked (spent coins taken back by a refund); locked wallets cannot pay. */
      walletLocked?: (appId: string, userId: string) => Promise<boolean>;
    },
  ) {}

  /** Registers the renewal handler on the worker. */
  registerWorker(worker: JobWorker): void {
    worker.register<RenewPayload>(RENEW_JOB, (job) => this.runRenewal(job));
  }

  // ---- creator plans ----

  async plan(appId: string, creatorId: string): Promise<{ priceCoins: number } | null> {
    const row = await this.store.plan(this.db, appId, creatorId);
    return row ? { priceCoins: Number(row.price_coins) } : null;
  }

  /** Sets the creator's monthly price; existing subscribers keep the price they subscribed at. */
  async setPlan(actor: Actor, appId: string, creatorId: string, priceCoins: number) {
    return this.db.transaction().execute(async (tx) => {
      const now = this.now();
      const row = await this.store.putPlan(tx, appId, creatorId, priceCoins, now);
      await this.deps.audit.record(
        tx,
        {
          appId,
          ...actor,
          action: 'subscription_plan.update',
          targetType: 'user',
          targetId: creatorId,
          data: { priceCoins },
        },
        now,
      );
      return { priceCoins: Number(row.price_coins) };
    });
  }

  /** The creator's plan and, for a signed-in member, their subscription to it. */
  async creatorStatus(appId: string, userId: string | null, creatorId: string) {
    const creator = await this.store.user(this.db, appId, creatorId);
    if (!creator) throw subscriptionErrors.SUBSCRIPTIONS_CREATOR_NOT_FOUND();
    const plan = await this.plan(appId, creatorId);
    const row = userId
      ? await this.store.latest(this.db, appId, userId, { kind: 'creator', creatorId })
      : undefined;
    return { plan, subscription: row ? toSubscription(row) : null };
  }

  /** Subscribes the member to the creator: charges the first month and splits it with the creator. */
  async subscribe(appId: string, userId: string, creatorId: string, idempotencyKey: string) {
    if (userId === creatorId) throw subscriptionErrors.SUBSCRIPTIONS_SELF();
    const creator = await this.store.user(this.db, appId, creatorId);
    if (!creator) throw subscriptionErrors.SUBSCRIPTIONS_CREATOR_NOT_FOUND();
    const plan = await this.store.plan(this.db, appId, creatorId);
    if (!plan) throw subscriptionErrors.SUBSCRIPTIONS_NO_PLAN();
    return this.start(
      appId,
      userId,
      { kind: 'creator', creatorId },
      Number(plan.price_coins),
      idempotencyKey,
    );
  }

  /** Cancels at the end of the paid period (a past-due subscription ends now). */
  cancel(appId: string, userId: string, creatorId: string): Promise<SubscriptionView> {
    return this.stop(appId, userId, { kind: 'creator', creatorId });
  }

  /** The member's live creator subscriptions. */
  async mine(appId: string, userId: string) {
    const rows = await this.store.mine(this.db, appId, userId);
    return rows.map((r) => ({
      creatorId: r.creator_id!,
      creatorName: r.creator_name,
      status: r.status,
      currentPeriodEnd: r.current_period_end.toISOString(),
      cancelAtPeriodEnd: r.cancel_at_period_end,
      priceCoins: Number(r.price_coins),
    }));
  }

  /** Whether the member has an active, paid-up subscription to the creator (the subscriber badge). */
  isSubscribed(appId: string, userId: string, creatorId: string): Promise<boolean> {
    return this.store.entitled(this.db, appId, userId, { kind: 'creator', creatorId }, this.now());
  }

  // ---- PRIME ----

  async primeSettings(appId: string, db: Executor = this.db): Promise<PrimeSettings> {
    const stored = (await this.store.setting(db, appId, PRIME_KEY)) as Partial<PrimeSettings> | undefined;
    return {
      priceCoins: stored?.priceCoins ?? DEFAULT_PRIME_PRICE,
      perks: stored?.perks ?? [...DEFAULT_PRIME_PERKS],
    };
  }

  /** PRIME's price and perks, and the member's membership. */
  async prime(appId: string, userId: string | null) {
    const settings = await this.primeSettings(appId);
    const row = userId
      ? await this.store.latest(this.db, appId, userId, { kind: 'prime', creatorId: null })
      : undefined;
    return {
      ...settings,
      membership: row
        ? {
            status: row.status,
            currentPeriodEnd: row.current_period_end.toISOString(),
            cancelAtPeriodEnd: row.cancel_at_period_end,
          }
        : null,
    };
  }

  /** Sets PRIME's price and perks (admins); current members keep their price. */
  async setPrime(actor: Actor, appId: string, settings: PrimeSettings): Promise<PrimeSettings> {
    await this.db.transaction().execute(async (tx) => {
      const now = this.now();
      await this.store.putSetting(tx, appId, PRIME_KEY, settings, now);
      await this.deps.audit.record(
        tx,
        {
          appId,
          ...actor,
          action: 'prime.update',
          targetType: 'app',
          targetId: appId,
          data: { ...settings },
        },
        now,
      );
    });
    return settings;
  }

  async subscribePrime(appId: string, userId: string, idempotencyKey: string) {
    const { priceCoins } = await this.primeSettings(appId);
    return this.start(appId, userId, { kind: 'prime', creatorId: null }, priceCoins, idempotencyKey);
  }

  cancelPrime(appId: string, userId: string): Promise<SubscriptionView> {
    return this.stop(appId, userId, { kind: 'prime', creatorId: null });
  }

  /** Whether the member is a paid-up PRIME member of the app. */
  isPrime(appId: string, userId: string): Promise<boolean> {
    return this.store.entitled(this.db, appId, userId, { kind: 'prime', creatorId: null }, this.now());
  }

  // ---- renewals ----

  /**
   * Renews the subscription into `period` (the job's work; safe to run any number of times):
   * charges it once, or ends a cancelled subscription, or marks it past due when the wallet
   * cannot pay (`final`: the retry after the grace period, which expires it instead).
   */
  async renew(subscriptionId: string, period: number, final = false): Promise<SubscriptionView | null> {
    const before = await this.store.byId(this.db, subscriptionId);
    if (!before) return null;
    const bps = before.creator_id ? await this.deps.split.creatorBps(before.app_id, before.creator_id) : 0;
    const locked = (await this.deps.walletLocked?.(before.app_id, before.user_id)) === true;
    const outcome = await this.db.transaction().execute(async (tx) => {
      const sub = await this.store.byId(tx, subscriptionId, true);
      if (!sub) return null;
      const now = this.now();
      const step = renewalStep(
        { status: sub.status, period: sub.period, cancelAtPeriodEnd: sub.cancel_at_period_end },
        { period, final },
      );
      if (step === 'skip') return null;
      if (step === 'end_cancelled') {
        const ended = await this.store.update(tx, sub.id, {
          status: 'cancelled',
          ended_at: sub.current_period_end,
          updated_at: now,
        });
        return { row: ended, event: null };
      }
      try {
        if (locked) throw walletErrors.WALLET_INSUFFICIENT_FUNDS();
        await this.charge(tx, sub, period, bps);
      } catch (error) {
        if (!isCode(error, 'WALLET_INSUFFICIENT_FUNDS')) throw error;
        if (final) {
          const expired = await this.store.update(tx, sub.id, {
            status: 'expired',
            ended_at: now,
            updated_at: now,
          });
          return { row: expired, event: null };
        }
        const late = await this.store.update(tx, sub.id, { status: 'past_due', updated_at: now });
        await this.enqueueRenewal(
          tx,
          late,
          period,
          true,
          new Date(sub.current_period_end.getTime() + GRACE_MS),
        );
        return { row: late, event: null };
      }
      const renewed = await this.store.update(tx, sub.id, {
        status: 'active',
        period,
        current_period_start: periodStart(sub.started_at, period),
        current_period_end: periodEnd(sub.started_at, period),
        updated_at: now,
      });
      await this.enqueueRenewal(tx, renewed, period + 1, false, renewed.current_period_end);
      await this.sendReceipt(tx, renewed, true);
      return { row: renewed, event: 'subscription.renewed' as const };
    });
    if (!outcome) return null;
    const view = toSubscription(outcome.row);
    if (outcome.event) {
      wakeWorkers(this.deps.platform.bus);
      await this.publish(outcome.event, outcome.row);
    }
    return view;
  }

  private async runRenewal(job: JobContext<RenewPayload>): Promise<void> {
    await this.renew(job.payload.subscriptionId, job.payload.period, job.payload.final === true);
  }

  // ---- internals ----

  private async start(
    appId: string,
    userId: string,
    target: Target,
    priceCoins: number,
    idempotencyKey: string,
  ): Promise<{ subscription: SubscriptionView; balance: number }> {
    const bps = target.creatorId ? await this.deps.split.creatorBps(appId, target.creatorId) : 0;
    const locked = (await this.deps.walletLocked?.(appId, userId)) === true;
    let outcome: { row: SubscriptionRow; created: boolean };
    try {
      outcome = await this.db.transaction().execute(async (tx) => {
        const replay = await this.store.byRequest(tx, appId, userId, idempotencyKey);
        if (replay) {
          if (replay.kind !== target.kind || replay.creator_id !== target.creatorId)
            throw subscriptionErrors.SUBSCRIPTIONS_KEY_REUSED();
          return { row: replay, created: false };
        }
        const now = this.now();
        const live = await this.store.live(tx, appId, userId, target, true);
        if (live?.status === 'active') {
          if (!live.cancel_at_period_end) throw subscriptionErrors.SUBSCRIPTIONS_ALREADY_ACTIVE();
          // Subscribing again before a cancelled period ends resumes the subscription.
          const resumed = await this.store.update(tx, live.id, {
            cancel_at_period_end: false,
            updated_at: now,
          });
          return { row: resumed, created: false };
        }
        // A past-due subscription gives way to a new one paid now.
        if (live) await this.store.update(tx, live.id, { status: 'expired', ended_at: now, updated_at: now });
        if (locked) throw subscriptionErrors.SUBSCRIPTIONS_WALLET_LOCKED();
        const row = await this.store.insert(tx, {
          id: newId('sub', now.getTime()),
          app_id: appId,
          kind: target.kind,
          user_id: userId,
          creator_id: target.creatorId,
          price_coins: priceCoins,
          status: 'active',
          period: 1,
          started_at: now,
          current_period_start: now,
          current_period_end: periodEnd(now, 1),
          cancel_at_period_end: false,
          idempotency_key: idempotencyKey,
          ended_at: null,
          created_at: now,
          updated_at: now,
        });
        await this.charge(tx, row, 1, bps);
        await this.enqueueRenewal(tx, row, 2, false, row.current_period_end);
        await this.sendReceipt(tx, row, false);
        return { row, created: true };
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A concurrent request for the same member and target won the race.
      const replay = await this.store.byRequest(this.db, appId, userId, idempotencyKey);
      if (!replay) throw subscriptionErrors.SUBSCRIPTIONS_ALREADY_ACTIVE();
      outcome = { row: replay, created: false };
    }
    if (outcome.created) {
      wakeWorkers(this.deps.platform.bus);
      await this.publish('subscription.created', outcome.row);
    }
    const balance = await this.deps.ledger.balanceOf({ appId, kind: 'member_wallet', ownerId: userId });
    return { subscription: toSubscription(outcome.row), balance };
  }

  private async stop(appId: string, userId: string, target: Target): Promise<SubscriptionView> {
    const row = await this.db.transaction().execute(async (tx) => {
      const live = await this.store.live(tx, appId, userId, target, true);
      if (!live) throw subscriptionErrors.SUBSCRIPTIONS_NOT_SUBSCRIBED();
      const now = this.now();
      if (live.status === 'past_due')
        return this.store.update(tx, live.id, { status: 'cancelled', ended_at: now, updated_at: now });
      if (live.cancel_at_period_end) return live;
      return this.store.update(tx, live.id, { cancel_at_period_end: true, updated_at: now });
    });
    await this.publish('subscription.cancelled', row);
    return toSubscription(row);
  }

  /** Charges one period: a creator subscription is split with the creator, PRIME is all platform revenue. */
  private async charge(
    tx: Executor,
    sub: SubscriptionRow,
    period: number,
    creatorBps: number,
  ): Promise<void> {
    const { ledger } = this.deps;
    const appId = sub.app_id;
    const coins = Number(sub.price_coins);
    const metadata = { subscriptionId: sub.id, period, kind: sub.kind };
    const idempotencyKey = chargeKey(sub.id, period);
    if (sub.creator_id) {
      await ledger.sendGift(tx, {
        appId,
        fromUserId: sub.user_id,
        toCreatorId: sub.creator_id,
        coins,
        splitCreatorBps: creatorBps,
        idempotencyKey,
        kind: 'subscription',
        metadata,
      });
      return;
    }
    const wallet = await ledger.ensureAccount(tx, { appId, kind: 'member_wallet', ownerId: sub.user_id });
    const revenue = await ledger.ensureAccount(tx, {
      appId,
      kind: 'platform_revenue',
      ownerId: null,
      shard: shardFor(wallet.id, HOT_ACCOUNT_SHARDS),
    });
    await ledger.post(tx, {
      appId,
      kind: 'prime',
      idempotencyKey,
      entries: [
        { accountId: wallet.id, amount: -coins },
        { accountId: revenue.id, amount: coins },
      ],
      metadata: { ...metadata, from: sub.user_id, coins },
    });
  }

  private async enqueueRenewal(
    tx: Executor,
    sub: SubscriptionRow,
    period: number,
    final: boolean,
    runAt: Date,
  ): Promise<void> {
    const payload: RenewPayload = { subscriptionId: sub.id, period, ...(final ? { final: true } : {}) };
    await this.deps.platform.jobs.enqueue(
      tx,
      {
        appId: sub.app_id,
        kind: RENEW_JOB,
        payload: { ...payload },
        runAt,
        maxAttempts: 20,
        idempotencyKey: renewJobKey(sub.id, period, final),
      },
      this.now(),
    );
  }

  private async sendReceipt(tx: Executor, sub: SubscriptionRow, renewal: boolean): Promise<void> {
    const member = await this.store.user(tx, sub.app_id, sub.user_id);
    if (!member?.email) return;
    let what = 'PRIME';
    if (sub.creator_id) {
      const creator = await this.store.user(tx, sub.app_id, sub.creator_id);
      what = creator?.displayName ?? 'a creator';
    }
    const mail = subscriptionReceiptMail(member.locale, {
      displayName: member.displayName,
      what,
      coins: Number(sub.price_coins),
      periodEnd: sub.current_period_end,
      renewal,
    });
    await this.deps.platform.mail.send(tx, { appId: sub.app_id, to: member.email, ...mail });
  }

  private async publish(
    type: 'subscription.created' | 'subscription.renewed' | 'subscription.cancelled',
    row: SubscriptionRow,
  ): Promise<void> {
    await publishEvent(
      this.deps.platform.bus,
      {
        type,
        appId: row.app_id,
        data: {
          subscriptionId: row.id,
          kind: row.kind,
          userId: row.user_id,
          creatorId: row.creator_id,
          status: row.status,
          period: row.period,
          priceCoins: Number(row.price_coins),
          currentPeriodEnd: row.current_period_end.toISOString(),
          cancelAtPeriodEnd: row.cancel_at_period_end,
        },
      },
      this.deps.platform.clock.now(),
    ).catch((err) => this.deps.platform.log.warn({ err, type }, 'publishing a subscription event failed'));
  }

  private get db() {
    return this.deps.platform.db;
  }

  private now(): Date {
    return new Date(this.deps.platform.clock.now());
  }
}
