import { type AuditStore, SYSTEM_ACTOR } from '../audit/index.ts';
import type { IdentityService, RequestMeta, SessionMeta, UserRow } from '../identity/index.ts';
import type { SplitService } from '../payouts/index.ts';
import { AppError, commonErrors } from '../platform/errors.ts';
import { newId, randomSecret, sha256Hex } from '../platform/ids.ts';
import { type JobContext, type JobWorker, wakeWorkers } from '../platform/jobs/index.ts';
import { capLogger } from '../platform/log.ts';
import type { Platform } from '../platform/platform.ts';
import type { StreamService } from '../streams/index.ts';
import type { LedgerService } from '../wallet/index.ts';
import { accountErrors } from './account.errors.ts';
import { CANCEL_TOKEN_TTL_MS, type DeletionBlocker, deletionBlockers, eraseAfter } from './account.rules.ts';
import { DeletionStore } from './account.store.ts';
import { erasePersonalData } from './erase.store.ts';
import { Forfeiture } from './forfeit.ts';

/** Job kind that erases an account once its grace period is over. */
export const ERASE_JOB = 'account.erase';

/** What deleting the account would mean for the member now: shown in the confirmation. */
export interface DeletionPreview {
  /** Coins in the wallet, forfeited on deletion. */
  walletBalance: number;
  /** Creator earnings not yet paid out, coins. */
  earnings: number;
  payoutMinimum: number;
  pendingPayouts: number;
  graceDays: number;
  blockers: DeletionBlocker[];
}

/** Failed password confirmations allowed per member in the window. */
const CONFIRM_LIMIT = { max: 10, windowMs: 15 * 60_000 } as const;

const BLOCKER_ERRORS: Record<DeletionBlocker, () => AppError> = {
  last_admin: () => accountErrors.ACCOUNT_LAST_ADMIN(),
  payout_pending: () => accountErrors.ACCOUNT_PAYOUT_PENDING(),
  earnings_pending: () => accountErrors.ACCOUNT_EARNINGS_PENDING(),
};

/**
 * Account deletion with a grace period: asking deactivates the account at once (sessions revoked,
 * stream keys reset, sign-in refused except to cancel); after ACCOUNT_DELETION_GRACE_DAYS a worker
 * job forfeits the coins left and erases the personal data.
 */
export class DeletionService {
  readonly #store = new DeletionStore();
  readonly #forfeit: Forfeiture;

  constructor(
    private readonly deps: {
      platform: Platform;
      audit: AuditStore;
      identity: IdentityService;
      ledger: LedgerService;
      split: SplitService;
      streams: StreamService;
    },
  ) {
    this.#forfeit = new Forfeiture(deps.ledger);
  }

  /** What deleting would forfeit and what stands in the way. */
  async preview(appId: string, userId: string, role: UserRow['role']): Promise<DeletionPreview> {
    const { platform, ledger, split } = this.deps;
    const db = platform.db;
    const [walletBalance, earnings, payoutMinimum, pending, admins] = await Promise.all([
      ledger.balanceOf({ appId, kind: 'member_wallet', ownerId: userId }),
      ledger.balanceOf({ appId, kind: 'creator_earnings', ownerId: userId }),
      split.payoutMinimum(appId),
      db
        .selectFrom('payouts')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('app_id', '=', appId)
        .where('creator_id', '=', userId)
        .where('status', 'in', ['requested', 'approved'])
        .executeTakeFirstOrThrow(),
      role === 'admin'
        ? db
            .selectFrom('users')
            .select('id')
            .where('app_id', '=', appId)
            .where('role', '=', 'admin')
            .execute()
        : Promise.resolve([]),
    ]);
    const pendingPayouts = Number(pending.n);
    const facts = {
      lastAdmin: role === 'admin' && admins.length <= 1,
      pendingPayouts,
      earnings,
      payoutMinimum,
    };
    return {
      walletBalance,
      earnings,
      payoutMinimum,
      pendingPayouts,
      graceDays: platform.config.accountDeletionGraceDays,
      blockers: deletionBlockers(facts),
    };
  }

  /** Deactivates the account after checking the password; erasure follows after the grace period. */
  async request(password: string, meta: SessionMeta): Promise<{ deleteAfter: Date }> {
    const { platform, audit, identity } = this.deps;
    const principal = meta.principal;
    const appId = principal.appId;
    const user = await identity.userById(principal.user.id);
    if (!user) throw commonErrors.AUTH_REQUIRED();
    const limiter = platform.rateLimiter;
    const key = `account:delete-confirm:${user.id}`;
    if (!(await limiter.peek(key, CONFIRM_LIMIT.max, CONFIRM_LIMIT.windowMs)).allowed)
      throw commonErrors.RATE_LIMITED();
    const ok = await identity.checkPassword(user, password);
    if (ok === null) throw accountErrors.ACCOUNT_NO_PASSWORD();
    if (!ok) {
      await limiter.hit(key, CONFIRM_LIMIT.max, CONFIRM_LIMIT.windowMs);
      throw accountErrors.ACCOUNT_WRONG_PASSWORD();
    }
    const preview = await this.preview(appId, user.id, user.role);
    const first = preview.blockers[0];
    if (first) {
      const error = BLOCKER_ERRORS[first]();
      throw new AppError(
        error.code,
        error.status,
        error.message,
        preview.blockers.map((b) => ({ path: 'blockers', message: b })),
      );
    }
    const now = new Date(platform.clock.now());
    const deleteAfter = eraseAfter(now, preview.graceDays);
    const requestId = newId('del', now.getTime());
    const revoked = await platform.db.transaction().execute(async (tx) => {
      await this.#store.insert(tx, {
        user_id: user.id,
        app_id: appId,
        request_id: requestId,
        requested_at: now,
        delete_after: deleteAfter,
      });
      const ids = await identity.sessions.revokeAllIn(tx, user.id);
      await platform.jobs.enqueue(
        tx,
        {
          appId,
          kind: ERASE_JOB,
          payload: { userId: user.id, requestId },
          runAt: deleteAfter,
          idempotencyKey: `${ERASE_JOB}:${requestId}`,
        },
        now,
      );
      await audit.record(
        tx,
        {
          appId,
          actorType: 'user',
          actorId: user.id,
          ip: meta.ip,
          action: 'user.delete_request',
          targetType: 'user',
          targetId: user.id,
          data: { deleteAfter: deleteAfter.toISOString(), walletBalance: preview.walletBalance },
        },
        now,
      );
      return ids;
    });
    await identity.sessions.forget(revoked);
    await this.endStreams(appId, user.id);
    if (preview.graceDays === 0) wakeWorkers(platform.bus);
    return { deleteAfter };
  }

  /**
   * The sign-in gate: an account waiting for erasure may not sign in. The refusal carries the
   * erasure time and a short-lived token that cancels the deletion (the sign-in proved who it is).
   */
  readonly gate = async (user: UserRow, now: Date): Promise<void> => {
    const row = await this.#store.find(this.deps.platform.db, user.id);
    if (!row || row.erased_at) return;
    const token = randomSecret(32);
    await this.#store.setCancelToken(
      this.deps.platform.db,
      user.id,
      sha256Hex(token),
      new Date(now.getTime() + CANCEL_TOKEN_TTL_MS),
    );
    const error = accountErrors.ACCOUNT_DELETION_PENDING();
    throw new AppError(error.code, error.status, error.message, [
      { path: 'deleteAfter', message: row.delete_after.toISOString() },
      { path: 'cancelToken', message: token },
    ]);
  };

  /** Cancels a pending deletion with the token from a refused sign-in, and signs the member in. */
  async cancel(token: string, meta: RequestMeta) {
    const { platform, audit, identity } = this.deps;
    const now = new Date(platform.clock.now());
    const userId = await platform.db.transaction().execute(async (tx) => {
      const cancelled = await this.#store.cancelByToken(tx, sha256Hex(token), now);
      if (!cancelled) throw accountErrors.ACCOUNT_CANCEL_INVALID();
      await audit.record(
        tx,
        {
          appId: cancelled.app_id,
          actorType: 'user',
          actorId: cancelled.user_id,
          ip: meta.ip,
          action: 'user.delete_cancel',
          targetType: 'user',
          targetId: cancelled.user_id,
        },
        now,
      );
      return cancelled.user_id;
    });
    const user = await identity.userById(userId);
    if (!user) throw accountErrors.ACCOUNT_CANCEL_INVALID();
    return identity.accounts.startSession(user, meta, 'password');
  }

  /** Registers the erasure job. */
  registerWorker(worker: JobWorker): void {
    worker.register<{ userId: string; requestId: string }>(ERASE_JOB, (job) => this.erase(job));
  }

  private async erase(job: JobContext<{ userId: string; requestId: string }>): Promise<void> {
    const { platform, audit } = this.deps;
    const { userId, requestId } = job.payload;
    const now = new Date(platform.clock.now());
    await platform.db.transaction().execute(async (tx) => {
      const row = await this.#store.find(tx, userId, true);
      // Cancelled, asked again since, already erased, or not due (the clock moved back): nothing to do.
      if (!row || row.request_id !== requestId || row.erased_at || row.delete_after > now) return;
      const user = await tx
        .selectFrom('users')
        .selectAll()
        .where('id', '=', userId)
        .executeTakeFirstOrThrow();
      const forfeited = await this.#forfeit.run(tx, row.app_id, userId, requestId);
      await erasePersonalData(tx, user, now);
      await this.#store.markErased(tx, userId, now, forfeited);
      await audit.record(
        tx,
        {
          appId: row.app_id,
          ...SYSTEM_ACTOR,
          action: 'user.erase',
          targetType: 'user',
          targetId: userId,
          data: { forfeitedCoins: forfeited },
        },
        now,
      );
    });
  }

  /** Resets the keys of the member's streams, which disconnects a live publisher (the stream ends). */
  private async endStreams(appId: string, userId: string): Promise<void> {
    const { streams, platform } = this.deps;
    try {
      let cursor: string | undefined;
      for (;;) {
        const page = await streams.list(appId, { limit: 100, ownerId: userId, cursor });
        for (const stream of page) await streams.rotateKey(SYSTEM_ACTOR, appId, stream.id);
        if (page.length < 100) break;
        cursor = page[page.length - 1]?.id;
      }
    } catch (error) {
      capLogger(platform.log, 'account').error(
        { err: error, userId },
        'could not end the streams of a deleted account',
      );
    }
  }
}
