import { sql } from 'kysely';
import type { Actor, AuditStore } from '../audit/index.ts';
import { publishEvent } from '../platform/bus/events.ts';
import type { Executor, Row } from '../platform/db/schema.ts';
import { AppError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { wakeWorkers } from '../platform/jobs/index.ts';
import type { Platform } from '../platform/platform.ts';
import { HOT_ACCOUNT_SHARDS, type LedgerService } from '../wallet/index.ts';
import { shardFor } from '../wallet/ledger.rules.ts';
import { payoutErrors } from './payouts.errors.ts';
import { payoutPaidMail } from './payouts.mails.ts';
import {
  allocateShardDebit,
  describeMovement,
  EARNING_KINDS,
  EARNINGS_DAYS,
  lastDays,
  MAX_STATEMENT_ROWS,
  PAYOUT_RAIL,
  statementCsv,
  statementRange,
} from './payouts.rules.ts';
import type { SplitService } from './split.service.ts';

type PayoutRow = Row<'payouts'>;
export type PayoutStatus = PayoutRow['status'];

/** A payout as the API shows it. */
export interface PayoutView {
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

/** One movement on a creator's earnings. */
export interface Movement {
  id: string;
  kind: string;
  amount: number;
  createdAt: string;
  description: string;
}

/** A day of the earnings chart, in coins per kind. */
export interface EarningsDay {
  date: string;
  gifts: number;
  tips: number;
  tickets: number;
  subscriptions: number;
}

const RECENT_MOVEMENTS = 20;
/** Tries of a payout request whose shard allocation raced a concurrent payout. */
const REQUEST_TRIES = 3;

function toPayout(row: PayoutRow & { creator_name: string }): PayoutView {
  return {
    id: row.id,
    creatorId: row.creator_id,
    creatorName: row.creator_name,
    coins: Number(row.coins),
    status: row.status,
    createdAt: row.created_at.toISOString(),
    decidedAt: row.decided_at?.toISOString() ?? null,
    paidAt: row.paid_at?.toISOString() ?? null,
    reference: row.reference,
    reason: row.reason,
  };
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof AppError && error.code === code;
}

/**
 * Creator earnings and payouts. A request moves the coins from the creator's earnings (all
 * shards, never overdrawing one) to their payouts account, where they are held; a rejection
 * moves them back; marking a payout paid moves them from the payouts account to the payout
 * rail's clearing account (`provider_clearing` owned by `payouts`), mirroring the money that
 * left the platform, so every ledger invariant holds.
 */
export class PayoutService {
  constructor(
    private readonly deps: {
      platform: Platform;
      audit: AuditStore;
      ledger: LedgerService;
      split: SplitService;
    },
  ) {}

  // ---- earnings ----

  /** Balance, lifetime earnings, the 30-day chart by kind and the latest movements. */
  async earnings(appId: string, creatorId: string) {
    const shards = await this.deps.ledger.shardsOf({ appId, kind: 'creator_earnings', ownerId: creatorId });
    const ids = shards.map((s) => s.id);
    const balance = shards.reduce((sum, s) => sum + s.balance, 0);
    const days = lastDays(this.now(), EARNINGS_DAYS);
    const daily: EarningsDay[] = days.map((date) => ({
      date,
      gifts: 0,
      tips: 0,
      tickets: 0,
      subscriptions: 0,
    }));
    if (ids.length === 0) {
      return {
        balance,
        lifetime: 0,
        creatorBps: await this.deps.split.creatorBps(appId, creatorId),
        payoutMinimum: await this.deps.split.payoutMinimum(appId),
        daily,
        recent: [] as Movement[],
      };
    }
    const lifetimeRow = await this.db
      .selectFrom('ledger_entries as e')
      .innerJoin('ledger_transactions as t', 't.id', 'e.transaction_id')
      .select(sql<string>`COALESCE(SUM(e.amount), 0)::text`.as('total'))
      .where('e.account_id', 'in', ids)
      .where('t.kind', 'not like', 'payout.%')
      .executeTakeFirst();
    const byDay = new Map(daily.map((d) => [d.date, d]));
    const series = await this.db
      .selectFrom('ledger_entries as e')
      .innerJoin('ledger_transactions as t', 't.id', 'e.transaction_id')
      .select([
        sql<string>`to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`.as('day'),
        't.kind',
        sql<string>`SUM(e.amount)::text`.as('total'),
      ])
      .where('e.account_id', 'in', ids)
      .where('e.created_at', '>=', new Date(`${days[0]}T00:00:00.000Z`))
      .where('t.kind', 'in', Object.keys(EARNING_KINDS))
      .groupBy([sql`1`, 't.kind'])
      .execute();
    for (const row of series) {
      const day = byDay.get(row.day);
      const field = EARNING_KINDS[row.kind as keyof typeof EARNING_KINDS];
      if (day && field) day[field] += Number(row.total);
    }
    return {
      balance,
      lifetime: Number(lifetimeRow?.total ?? 0),
      creatorBps: await this.deps.split.creatorBps(appId, creatorId),
      payoutMinimum: await this.deps.split.payoutMinimum(appId),
      daily,
      recent: await this.movements(ids, RECENT_MOVEMENTS),
    };
  }

  /** The creator's statement for `from`..`to` (days, both included) as CSV. */
  async statement(appId: string, creatorId: string, from?: string, to?: string): Promise<string> {
    const range = statementRange(this.now(), from, to);
    if ('problem' in range) throw payoutErrors.PAYOUTS_BAD_RANGE(range.problem);
    const shards = await this.deps.ledger.shardsOf({ appId, kind: 'creator_earnings', ownerId: creatorId });
    const ids = shards.map((s) => s.id);
    if (ids.length === 0) return statementCsv(0, []);
    const opening = await this.db
      .selectFrom('ledger_entries')
      .select(sql<string>`COALESCE(SUM(amount), 0)::text`.as('total'))
      .where('account_id', 'in', ids)
      .where('created_at', '<', range.start)
      .executeTakeFirst();
    const rows = await this.db
      .selectFrom('ledger_entries as e')
      .innerJoin('ledger_transactions as t', 't.id', 'e.transaction_id')
      .select(['e.id', 't.kind', 'e.amount', 't.metadata', 'e.created_at'])
      .where('e.account_id', 'in', ids)
      .where('e.created_at', '>=', range.start)
      .where('e.created_at', '<', range.end)
      .orderBy('e.id')
      .limit(MAX_STATEMENT_ROWS)
      .execute();
    return statementCsv(
      Number(opening?.total ?? 0),
      rows.map((r) => ({
        createdAt: r.created_at,
        kind: r.kind,
        description: describeMovement(r.kind, r.metadata as unknown as Record<string, unknown>),
        amount: Number(r.amount),
      })),
    );
  }

  // ---- payouts ----

  /** Asks for `coins` of the creator's earnings to be paid out: holds them in the payouts account. */
  async request(
    appId: string,
    creatorId: string,
    coins: number,
    idempotencyKey?: string,
  ): Promise<PayoutView> {
    const minimum = await this.deps.split.payoutMinimum(appId);
    if (coins < minimum) throw payoutErrors.PAYOUTS_BELOW_MINIMUM(`The smallest payout is ${minimum} coins`);
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.db.transaction().execute(async (tx) => {
          // One request per creator at a time, so each allocates against the shards as the one before left them.
          await sql`SELECT pg_advisory_xact_lock(hashtext('payouts.request'), hashtext(${`${appId}:${creatorId}`}))`.execute(
            tx,
          );
          if (idempotencyKey) {
            const replay = await tx
              .selectFrom('payouts')
              .selectAll()
              .where('app_id', '=', appId)
              .where('creator_id', '=', creatorId)
              .where('idempotency_key', '=', idempotencyKey)
              .executeTakeFirst();
            if (replay) {
              if (Number(replay.coins) !== coins) throw payoutErrors.PAYOUTS_KEY_REUSED();
              return { row: replay, created: false };
            }
          }
          const { ledger } = this.deps;
          const shards = await ledger.shardsOf({ appId, kind: 'creator_earnings', ownerId: creatorId }, tx);
          const legs = allocateShardDebit(shards, coins);
          if (!legs) throw payoutErrors.PAYOUTS_INSUFFICIENT_EARNINGS();
          const now = this.now();
          const held = await ledger.ensureAccount(tx, { appId, kind: 'payouts', ownerId: creatorId });
          const row = await tx
            .insertInto('payouts')
            .values({
              id: newId('po', now.getTime()),
              app_id: appId,
              creator_id: creatorId,
              coins,
              status: 'requested',
              idempotency_key: idempotencyKey ?? null,
              created_at: now,
              updated_at: now,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          await ledger.post(tx, {
            appId,
            kind: 'payout.request',
            idempotencyKey: `payout:${row.id}:hold`,
            entries: [...legs, { accountId: held.id, amount: coins }],
            metadata: { payoutId: row.id, creator: creatorId, coins },
          });
          return { row, created: true };
        });
        const view = await this.view(outcome.row.id);
        if (outcome.created) await this.publish('payout.requested', view, appId);
        return view;
      } catch (error) {
        // A concurrent payout drained a shard between the read and the posting: read again.
        if (isCode(error, 'WALLET_INSUFFICIENT_FUNDS') && attempt < REQUEST_TRIES) continue;
        if (isCode(error, 'WALLET_INSUFFICIENT_FUNDS')) throw payoutErrors.PAYOUTS_INSUFFICIENT_EARNINGS();
        throw error;
      }
    }
  }

  /** The creator's payouts, newest first. */
  async mine(appId: string, creatorId: string, page: { limit: number; cursor?: string }) {
    return this.page(appId, { creatorId }, page);
  }

  /** Payouts of the app for admins, newest first, optionally by status. */
  async list(appId: string, filter: { status?: PayoutStatus; limit: number; cursor?: string }) {
    return this.page(appId, { status: filter.status }, filter);
  }

  /** How many payouts of the app are in each status (admins), zeros included. */
  async counts(appId: string): Promise<Record<PayoutStatus, number>> {
    const rows = await this.db
      .selectFrom('payouts')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .where('app_id', '=', appId)
      .groupBy('status')
      .execute();
    const counts: Record<PayoutStatus, number> = { requested: 0, approved: 0, rejected: 0, paid: 0 };
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }

  /** Approves a requested payout (admins): it is ready to be sent. */
  approve(actor: Actor, appId: string, id: string): Promise<PayoutView> {
    return this.decide(actor, appId, id, 'payout.approve', ['requested'], async (tx, row, now) => {
      await this.update(tx, row.id, {
        status: 'approved',
        decided_by: actor.actorId,
        decided_at: now,
        updated_at: now,
      });
    });
  }

  /** Rejects a payout that was not paid (admins): the coins go back to the creator's earnings. */
  reject(actor: Actor, appId: string, id: string, reason: string): Promise<PayoutView> {
    return this.decide(actor, appId, id, 'payout.reject', ['requested', 'approved'], async (tx, row, now) => {
      const { ledger } = this.deps;
      const held = await ledger.ensureAccount(tx, { appId, kind: 'payouts', ownerId: row.creator_id });
      const earnings = await ledger.ensureAccount(tx, {
        appId,
        kind: 'creator_earnings',
        ownerId: row.creator_id,
        shard: shardFor(row.id, HOT_ACCOUNT_SHARDS),
      });
      await ledger.post(tx, {
        appId,
        kind: 'payout.return',
        idempotencyKey: `payout:${row.id}:return`,
        entries: [
          { accountId: held.id, amount: -Number(row.coins) },
          { accountId: earnings.id, amount: Number(row.coins) },
        ],
        metadata: { payoutId: row.id, creator: row.creator_id, coins: Number(row.coins), reason },
      });
      await this.update(tx, row.id, {
        status: 'rejected',
        reason,
        decided_by: actor.actorId,
        decided_at: now,
        updated_at: now,
      });
    });
  }

  /** Records that an approved payout was sent (admins), with the transfer's reference; mails the creator. */
  async markPaid(actor: Actor, appId: string, id: string, reference: string): Promise<PayoutView> {
    const view = await this.decide(
      actor,
      appId,
      id,
      'payout.mark_paid',
      ['approved'],
      async (tx, row, now) => {
        const { ledger } = this.deps;
        const held = await ledger.ensureAccount(tx, { appId, kind: 'payouts', ownerId: row.creator_id });
        const rail = await ledger.ensureAccount(tx, {
          appId,
          kind: 'provider_clearing',
          ownerId: PAYOUT_RAIL,
        });
        await ledger.post(tx, {
          appId,
          kind: 'payout.paid',
          idempotencyKey: `payout:${row.id}:paid`,
          entries: [
            { accountId: held.id, amount: -Number(row.coins) },
            { accountId: rail.id, amount: Number(row.coins) },
          ],
          metadata: { payoutId: row.id, creator: row.creator_id, coins: Number(row.coins), reference },
        });
        await this.update(tx, row.id, {
          status: 'paid',
          reference,
          paid_by: actor.actorId,
          paid_at: now,
          updated_at: now,
        });
        const creator = await tx
          .selectFrom('users')
          .select(['email', 'display_name', 'locale'])
          .where('id', '=', row.creator_id)
          .executeTakeFirst();
        if (creator?.email) {
          const mail = payoutPaidMail(creator.locale, {
            displayName: creator.display_name,
            coins: Number(row.coins),
            reference,
            payoutId: row.id,
          });
          await this.deps.platform.mail.send(tx, { appId, to: creator.email, ...mail });
        }
      },
    );
    wakeWorkers(this.deps.platform.bus);
    await this.publish('payout.paid', view, appId);
    return view;
  }

  // ---- internals ----

  private async decide(
    actor: Actor,
    appId: string,
    id: string,
    action: string,
    from: PayoutStatus[],
    apply: (tx: Executor, row: PayoutRow, now: Date) => Promise<void>,
  ): Promise<PayoutView> {
    await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('payouts')
        .selectAll()
        .where('app_id', '=', appId)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw payoutErrors.PAYOUTS_NOT_FOUND();
      if (!from.includes(row.status))
        throw payoutErrors.PAYOUTS_WRONG_STATE(
          `The payout is ${row.status}; this needs it ${from.join(' or ')}`,
        );
      const now = this.now();
      await apply(tx, row, now);
      await this.deps.audit.record(
        tx,
        {
          appId,
          ...actor,
          action,
          targetType: 'payout',
          targetId: row.id,
          data: { creatorId: row.creator_id, coins: Number(row.coins), from: row.status },
        },
        now,
      );
    });
    return this.view(id);
  }

  private async update(tx: Executor, id: string, changes: Partial<Omit<PayoutRow, 'id'>>): Promise<void> {
    await tx.updateTable('payouts').set(changes).where('id', '=', id).execute();
  }

  private async view(id: string): Promise<PayoutView> {
    const row = await this.db
      .selectFrom('payouts as p')
      .innerJoin('users as u', 'u.id', 'p.creator_id')
      .selectAll('p')
      .select('u.display_name as creator_name')
      .where('p.id', '=', id)
      .executeTakeFirstOrThrow();
    return toPayout(row);
  }

  private async page(
    appId: string,
    filter: { creatorId?: string; status?: PayoutStatus },
    page: { limit: number; cursor?: string },
  ): Promise<{ items: PayoutView[]; nextCursor: string | null }> {
    let query = this.db
      .selectFrom('payouts as p')
      .innerJoin('users as u', 'u.id', 'p.creator_id')
      .selectAll('p')
      .select('u.display_name as creator_name')
      .where('p.app_id', '=', appId);
    if (filter.creatorId) query = query.where('p.creator_id', '=', filter.creatorId);
    if (filter.status) query = query.where('p.status', '=', filter.status);
    if (page.cursor) query = query.where('p.id', '<', page.cursor);
    const rows = await query.orderBy('p.id', 'desc').limit(page.limit).execute();
    const items = rows.map(toPayout);
    return { items, nextCursor: items.length === page.limit ? items[items.length - 1]!.id : null };
  }

  private async movements(accountIds: string[], limit: number): Promise<Movement[]> {
    const rows = await this.db
      .selectFrom('ledger_entries as e')
      .innerJoin('ledger_transactions as t', 't.id', 'e.transaction_id')
      .select(['e.id', 't.kind', 'e.amount', 't.metadata', 'e.created_at'])
      .where('e.account_id', 'in', accountIds)
      .orderBy('e.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      amount: Number(r.amount),
      createdAt: r.created_at.toISOString(),
      description: describeMovement(r.kind, r.metadata as unknown as Record<string, unknown>),
    }));
  }

  private async publish(
    type: 'payout.requested' | 'payout.paid',
    payout: PayoutView,
    appId: string,
  ): Promise<void> {
    await publishEvent(
      this.deps.platform.bus,
      {
        type,
        appId,
        data: {
          payoutId: payout.id,
          creatorId: payout.creatorId,
          coins: payout.coins,
          status: payout.status,
          reference: payout.reference,
        },
      },
      this.deps.platform.clock.now(),
    ).catch((err) => this.deps.platform.log.warn({ err, type }, 'publishing a payout event failed'));
  }

  private get db() {
    return this.deps.platform.db;
  }

  private now(): Date {
    return new Date(this.deps.platform.clock.now());
  }
}
