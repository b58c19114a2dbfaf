import type { Actor, AuditStore } from '../audit/index.ts';
import type { Executor } from '../platform/db/schema.ts';
import type { Platform } from '../platform/platform.ts';
import type { SplitPolicy } from '../wallet/split.ts';
import { payoutErrors } from './payouts.errors.ts';
import { DEFAULT_PAYOUT_MINIMUM, DEFAULT_SPLIT_BPS, SPLIT_CACHE_TTL_MS } from './payouts.rules.ts';

const SPLIT_KEY = 'money.split';
const MINIMUM_KEY = 'money.payout_minimum';
const CACHE_LIMIT = 10_000;

/** A creator's own split as admins see it. */
export interface SplitOverride {
  creatorId: string;
  creatorName: string;
  creatorBps: number;
}

/**
 * The revenue split: each app's default creator share (basis points, 70 % unless an admin
 * changes it) and per-creator overrides, with the payout minimum beside it. Lookups are
 * cached for a few seconds per process; a change made here is seen at once on this node and
 * within the cache's lifetime on others.
 */
export class SplitService implements SplitPolicy {
  private readonly cache = new Map<string, { bps: number; at: number }>();

  constructor(private readonly deps: { platform: Platform; audit: AuditStore }) {}

  async creatorBps(appId: string, creatorId: string): Promise<number> {
    const key = `${appId}\u0000${creatorId}`;
    const now = this.deps.platform.clock.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < SPLIT_CACHE_TTL_MS) return hit.bps;
    const override = await this.db
      .selectFrom('creator_splits')
      .select('creator_bps')
      .where('app_id', '=', appId)
      .where('creator_id', '=', creatorId)
      .executeTakeFirst();
    const bps = override ? override.creator_bps : await this.appDefault(appId);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, { bps, at: now });
    return bps;
  }

  /** The app's default creator share in basis points. */
  async appDefault(appId: string, db: Executor = this.db): Promise<number> {
    const stored = (await this.setting(db, appId, SPLIT_KEY)) as { creatorBps?: number } | undefined;
    return stored?.creatorBps ?? DEFAULT_SPLIT_BPS;
  }

  /** The smallest payout a creator of the app may request, in coins. */
  async payoutMinimum(appId: string, db: Executor = this.db): Promise<number> {
    const stored = (await this.setting(db, appId, MINIMUM_KEY)) as { coins?: number } | undefined;
    return stored?.coins ?? DEFAULT_PAYOUT_MINIMUM;
  }

  /** Creators with their own split, by name. */
  async overrides(appId: string): Promise<SplitOverride[]> {
    const rows = await this.db
      .selectFrom('creator_splits as s')
      .innerJoin('users as u', 'u.id', 's.creator_id')
      .select(['s.creator_id', 'u.display_name', 's.creator_bps'])
      .where('s.app_id', '=', appId)
      .orderBy('u.display_name')
      .limit(1000)
      .execute();
    return rows.map((r) => ({
      creatorId: r.creator_id,
      creatorName: r.display_name,
      creatorBps: r.creator_bps,
    }));
  }

  /** Sets the app's default split and, optionally, the payout minimum (admins). */
  async setAppDefault(actor: Actor, appId: string, input: { creatorBps: number; payoutMinimum?: number }) {
    await this.db.transaction().execute(async (tx) => {
      const now = new Date(this.deps.platform.clock.now());
      await this.putSetting(tx, appId, SPLIT_KEY, { creatorBps: input.creatorBps }, now);
      if (input.payoutMinimum !== undefined)
        await this.putSetting(tx, appId, MINIMUM_KEY, { coins: input.payoutMinimum }, now);
      await this.deps.audit.record(
        tx,
        { appId, ...actor, action: 'split.update', targetType: 'app', targetId: appId, data: { ...input } },
        now,
      );
    });
    this.forgetApp(appId);
    return { creatorBps: input.creatorBps, payoutMinimum: await this.payoutMinimum(appId) };
  }

  /** Gives a creator their own split, or (null) puts them back on the app default (admins). */
  async setCreatorOverride(actor: Actor, appId: string, creatorId: string, creatorBps: number | null) {
    await this.db.transaction().execute(async (tx) => {
      const user = await tx
        .selectFrom('users')
        .select('id')
        .where('app_id', '=', appId)
        .where('id', '=', creatorId)
        .executeTakeFirst();
      if (!user) throw payoutErrors.PAYOUTS_CREATOR_NOT_FOUND();
      const now = new Date(this.deps.platform.clock.now());
      if (creatorBps === null) {
        await tx
          .deleteFrom('creator_splits')
          .where('app_id', '=', appId)
          .where('creator_id', '=', creatorId)
          .execute();
      } else {
        const values = { creator_bps: creatorBps, updated_by: actor.actorId, updated_at: now };
        await tx
          .insertInto('creator_splits')
          .values({ app_id: appId, creator_id: creatorId, ...values })
          .onConflict((oc) => oc.columns(['app_id', 'creator_id']).doUpdateSet(values))
          .execute();
      }
      await this.deps.audit.record(
        tx,
        {
          appId,
          ...actor,
          action: creatorBps === null ? 'split.creator_reset' : 'split.creator_override',
          targetType: 'user',
          targetId: creatorId,
          data: { creatorBps },
        },
        now,
      );
    });
    this.cache.delete(`${appId}\u0000${creatorId}`);
    return { creatorId, creatorBps: await this.creatorBps(appId, creatorId) };
  }

  private forgetApp(appId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${appId}\u0000`)) this.cache.delete(key);
  }

  private async setting(db: Executor, appId: string, key: string): Promise<unknown> {
    const row = await db
      .selectFrom('settings')
      .select('value')
      .where('app_id', '=', appId)
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value;
  }

  private async putSetting(
    db: Executor,
    appId: string,
    key: string,
    value: unknown,
    now: Date,
  ): Promise<void> {
    const json = JSON.stringify(value);
    await db
      .insertInto('settings')
      .values({ app_id: appId, key, value: json, updated_at: now })
      .onConflict((oc) => oc.columns(['app_id', 'key']).doUpdateSet({ value: json, updated_at: now }))
      .execute();
  }

  private get db() {
    return this.deps.platform.db;
  }
}
