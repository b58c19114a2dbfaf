import { randomBytes } from 'node:crypto';
import type { Db } from '../platform/db/schema.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { type StreamStatus, StreamStore } from '../streams/index.ts';
import type { LedgerService } from '../wallet/index.ts';

/** Creates a stream owned by `ownerId` on the site app, in `status` (no ingest runs). */
export async function makeStream(db: Db, ownerId: string, status: StreamStatus = 'live'): Promise<string> {
  const store = new StreamStore();
  const id = newId('str');
  const now = new Date();
  await store.insert(db, {
    id,
    app_id: SITE_APP_ID,
    owner_id: ownerId,
    title: `Show ${id}`,
    key_hash: `test:${randomBytes(8).toString('hex')}`,
    current_session_id: null,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  });
  if (status !== 'idle') await store.setStatus(db, id, status, null, now);
  return id;
}

/** Puts `coins` bought in the sandbox into a member's site wallet. */
export async function fund(ledger: LedgerService, userId: string, coins: number): Promise<void> {
  await ledger.creditPurchase({
    appId: SITE_APP_ID,
    userId,
    coins,
    provider: 'sandbox',
    idempotencyKey: `fund-${userId}-${randomBytes(6).toString('hex')}`,
  });
}

/** What a refused money request must leave untouched: ledger, gift events, board and tickets. */
export async function moneyState(db: Db): Promise<unknown> {
  const [transactions, accounts, events, board, tickets] = await Promise.all([
    db.selectFrom('ledger_transactions').select('id').orderBy('id').execute(),
    db.selectFrom('ledger_accounts').select(['id', 'balance']).orderBy('id').execute(),
    db.selectFrom('gift_events').select('id').orderBy('id').execute(),
    db.selectFrom('stream_gifters').selectAll().orderBy('stream_id').orderBy('user_id').execute(),
    db.selectFrom('tickets').select('id').orderBy('id').execute(),
  ]);
  return { transactions, accounts, events, board, tickets };
}
