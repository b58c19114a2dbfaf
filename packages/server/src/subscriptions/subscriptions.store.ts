import type { Executor, Row } from '../platform/db/schema.ts';
import type { SubscriptionKind } from './subscriptions.rules.ts';

export type SubscriptionRow = Row<'subscriptions'>;
export type PlanRow = Row<'subscription_plans'>;

/** Who a subscription is to: a creator, or the app's PRIME membership (creatorId null). */
export interface Target {
  kind: SubscriptionKind;
  creatorId: string | null;
}

/** A member as mails and lists need them. */
export interface UserBrief {
  id: string;
  displayName: string;
  email: string | null;
  locale: 'en' | 'es';
  role: Row<'users'>['role'];
}

/** SQL of plans and subscriptions; runs unchanged on PGlite and PostgreSQL. */
export class SubscriptionStore {
  plan(db: Executor, appId: string, creatorId: string): Promise<PlanRow | undefined> {
    return db
      .selectFrom('subscription_plans')
      .selectAll()
      .where('app_id', '=', appId)
      .where('creator_id', '=', creatorId)
      .executeTakeFirst();
  }

  async putPlan(
    db: Executor,
    appId: string,
    creatorId: string,
    priceCoins: number,
    now: Date,
  ): Promise<PlanRow> {
    return db
      .insertInto('subscription_plans')
      .values({
        app_id: appId,
        creator_id: creatorId,
        price_coins: priceCoins,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['app_id', 'creator_id']).doUpdateSet({ price_coins: priceCoins, updated_at: now }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  user(db: Executor, appId: string, userId: string): Promise<UserBrief | undefined> {
    return db
      .selectFrom('users')
      .select(['id', 'display_name as displayName', 'email', 'locale', 'role'])
      .where('app_id', '=', appId)
      .where('id', '=', userId)
      .executeTakeFirst();
  }

  byId(db: Executor, id: string, forUpdate = false): Promise<SubscriptionRow | undefined> {
    const query = db.selectFrom('subscriptions').selectAll().where('id', '=', id);
    return (forUpdate ? query.forUpdate() : query).executeTakeFirst();
  }

  byRequest(db: Executor, appId: string, userId: string, key: string): Promise<SubscriptionRow | undefined> {
    return db
      .selectFrom('subscriptions')
      .selectAll()
      .where('app_id', '=', appId)
      .where('user_id', '=', userId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
  }

  /** The member's live (active or past-due) subscription to the target, if any. */
  live(
    db: Executor,
    appId: string,
    userId: string,
    target: Target,
    forUpdate = false,
  ): Promise<SubscriptionRow | undefined> {
    let query = db
      .selectFrom('subscriptions')
      .selectAll()
      .where('app_id', '=', appId)
      .where('user_id', '=', userId)
      .where('kind', '=', target.kind)
      .where('status', 'in', ['active', 'past_due']);
    query =
      target.creatorId === null
        ? query.where('creator_id', 'is', null)
        : query.where('creator_id', '=', target.creatorId);
    return (forUpdate ? query.forUpdate() : query).executeTakeFirst();
  }

  /** The member's most recent subscription to the target (live or ended), if any. */
  latest(db: Executor, appId: string, userId: string, target: Target): Promise<SubscriptionRow | undefined> {
    let query = db
      .selectFrom('subscriptions')
      .selectAll()
      .where('app_id', '=', appId)
      .where('user_id', '=', userId)
      .where('kind', '=', target.kind);
    query =
      target.creatorId === null
        ? query.where('creator_id', 'is', null)
        : query.where('creator_id', '=', target.creatorId);
    return query.orderBy('id', 'desc').limit(1).executeTakeFirst();
  }

  async insert(db: Executor, row: Row<'subscriptions'>): Promise<SubscriptionRow> {
    return db.insertInto('subscriptions').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async update(
    db: Executor,
    id: string,
    changes: Partial<Omit<SubscriptionRow, 'id'>>,
  ): Promise<SubscriptionRow> {
    return db
      .updateTable('subscriptions')
      .set(changes)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The member's live creator subscriptions with the creators' names, newest first. */
  mine(db: Executor, appId: string, userId: string) {
    return db
      .selectFrom('subscriptions as s')
      .innerJoin('users as u', 'u.id', 's.creator_id')
      .selectAll('s')
      .select('u.display_name as creator_name')
      .where('s.app_id', '=', appId)
      .where('s.user_id', '=', userId)
      .where('s.kind', '=', 'creator')
      .where('s.status', 'in', ['active', 'past_due'])
      .orderBy('s.id', 'desc')
      .limit(500)
      .execute();
  }

  /** Whether the member holds an active, paid-up subscription to the target at `now`. */
  async entitled(db: Executor, appId: string, userId: string, target: Target, now: Date): Promise<boolean> {
    let query = db
      .selectFrom('subscriptions')
      .select('id')
      .where('app_id', '=', appId)
      .where('user_id', '=', userId)
      .where('kind', '=', target.kind)
      .where('status', '=', 'active')
      .where('current_period_end', '>', now);
    query =
      target.creatorId === null
        ? query.where('creator_id', 'is', null)
        : query.where('creator_id', '=', target.creatorId);
    return (await query.limit(1).executeTakeFirst()) !== undefined;
  }

  async setting(db: Executor, appId: string, key: string): Promise<unknown> {
    const row = await db
      .selectFrom('settings')
      .select('value')
      .where('app_id', '=', appId)
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value;
  }

  async putSetting(db: Executor, appId: string, key: string, value: unknown, now: Date): Promise<void> {
    const json = JSON.stringify(value);
    await db
      .insertInto('settings')
      .values({ app_id: appId, key, value: json, updated_at: now })
      .onConflict((oc) => oc.columns(['app_id', 'key']).doUpdateSet({ value: json, updated_at: now }))
      .execute();
  }
}
