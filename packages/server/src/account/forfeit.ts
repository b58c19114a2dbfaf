import type { Executor } from '../platform/db/schema.ts';
import type { LedgerService } from '../wallet/index.ts';

/** Ledger transaction kind of coins forfeited when an account is erased. */
export const FORFEIT_KIND = 'account.forfeit';

/**
 * Moves the coins left in an erased member's wallet and earnings to the platform's revenue, in one
 * balanced ledger transaction, so the double-entry ledger still verifies and no coins sit on an
 * account nobody can use. Idempotent per deletion request.
 */
export class Forfeiture {
  constructor(private readonly ledger: LedgerService) {}

  /** Posts the forfeiture inside `tx`; returns the coins moved (0 when there were none). */
  async run(tx: Executor, appId: string, userId: string, requestId: string): Promise<number> {
    const shards = [
      ...(await this.ledger.shardsOf({ appId, kind: 'member_wallet', ownerId: userId }, tx)),
      ...(await this.ledger.shardsOf({ appId, kind: 'creator_earnings', ownerId: userId }, tx)),
    ].filter((s) => s.balance > 0);
    const total = shards.reduce((sum, s) => sum + s.balance, 0);
    if (total === 0) return 0;
    const revenue = await this.ledger.ensureAccount(tx, { appId, kind: 'platform_revenue', ownerId: null });
    await this.ledger.post(tx, {
      appId,
      kind: FORFEIT_KIND,
      idempotencyKey: `${FORFEIT_KIND}:${requestId}`,
      entries: [
        ...shards.map((s) => ({ accountId: s.id, amount: -s.balance })),
        { accountId: revenue.id, amount: total },
      ],
      metadata: { userId, reason: 'account_deleted' },
    });
    return total;
  }
}
