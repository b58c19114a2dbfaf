import type { Db } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';

/** Creates an app (tenant) for a ledger test, so that each test's accounts are its own. */
export async function createTestApp(db: Db): Promise<string> {
  const id = newId('app');
  await db.insertInto('apps').values({ id, name: 'Ledger test', owner_id: null, deleted_at: null }).execute();
  return id;
}

/** The sum of every account balance of an app, in coins; zero on a sound ledger. */
export async function appTotal(db: Db, appId: string): Promise<number> {
  const row = await db
    .selectFrom('ledger_accounts')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('balance'), eb.lit(0)).as('total'))
    .where('app_id', '=', appId)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}
