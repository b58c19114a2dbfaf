import { sql } from 'kysely';
import { type Executor, type Row, SITE_APP_ID } from '../platform/db/schema.ts';
import { DELETED_USER_NAME } from './account.rules.ts';

/**
 * Erases a member's personal data inside the caller's transaction. The user row stays (with no
 * email, name, password or Telegram link) so ledger accounts, payouts and content keep pointing
 * at an anonymous user; content shows DELETED_USER_NAME.
 */
export async function erasePersonalData(tx: Executor, user: Row<'users'>, now: Date): Promise<void> {
  const id = user.id;
  await tx
    .updateTable('users')
    .set({
      email: null,
      email_normalized: null,
      password_hash: null,
      display_name: DELETED_USER_NAME,
      role: 'member',
      locale: 'en',
      email_verified_at: null,
      telegram_id: null,
      telegram_username: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
  await tx.deleteFrom('one_time_tokens').where('user_id', '=', id).execute();
  await tx.deleteFrom('creator_applications').where('user_id', '=', id).execute();
  await tx.deleteFrom('account_exports').where('user_id', '=', id).execute();
  await tx.deleteFrom('app_members').where('user_id', '=', id).execute();
  await tx.deleteFrom('chat_read_state').where('user_id', '=', id).execute();
  await tx.deleteFrom('subscription_plans').where('creator_id', '=', id).execute();
  if (user.email_normalized) {
    const email = user.email_normalized;
    await tx
      .deleteFrom('app_invitations')
      .where(sql<boolean>`lower(email) = ${email}`)
      .where('accepted_at', 'is', null)
      .execute();
    await tx.deleteFrom('mail_outbox').where(sql<boolean>`lower(to_address) = ${email}`).execute();
  }
  // The member's own addresses in the audit log; the entries themselves stay.
  await tx.updateTable('audit_log').set({ ip: null }).where('actor_id', '=', id).execute();
  await renameContent(tx, id);
  await closeOwnedThings(tx, id, now);
}

/** Content keeps existing, shown as from a deleted user. */
async function renameContent(tx: Executor, id: string): Promise<void> {
  await tx
    .updateTable('chat_messages')
    .set({ author_name: DELETED_USER_NAME })
    .where('author_id', '=', id)
    .execute();
  await tx
    .updateTable('chat_messages')
    .set({ reply_author: DELETED_USER_NAME })
    .where('reply_to', 'in', (eb) => eb.selectFrom('chat_messages').select('id').where('author_id', '=', id))
    .execute();
  await tx
    .updateTable('gift_events')
    .set({ from_name: DELETED_USER_NAME })
    .where('from_user_id', '=', id)
    .execute();
  await tx
    .updateTable('community_members')
    .set({ name: DELETED_USER_NAME })
    .where('user_id', '=', id)
    .execute();
  await tx
    .updateTable('chat_moderation_log')
    .set({ actor_name: DELETED_USER_NAME })
    .where('actor_id', '=', id)
    .execute();
}

/** Streams, recordings, subscriptions and developer apps of the member end with the account. */
async function closeOwnedThings(tx: Executor, id: string, now: Date): Promise<void> {
  await tx
    .updateTable('streams')
    .set((eb) => ({
      deleted_at: now,
      updated_at: now,
      key_hash: sql<string>`'deleted:' || ${eb.ref('id')}`,
    }))
    .where('owner_id', '=', id)
    .where('deleted_at', 'is', null)
    .execute();
  // The retention sweep removes recordings (and their media) once they expire.
  await tx
    .updateTable('vods')
    .set({ expires_at: now })
    .where('owner_id', '=', id)
    .where('expires_at', '>', now)
    .execute();
  await tx
    .updateTable('subscriptions')
    .set({ status: 'cancelled', cancel_at_period_end: true, ended_at: now, updated_at: now })
    .where((eb) => eb.or([eb('user_id', '=', id), eb('creator_id', '=', id)]))
    .where('status', 'in', ['active', 'past_due'])
    .execute();
  const apps = tx.selectFrom('apps').select('id').where('owner_id', '=', id).where('id', '!=', SITE_APP_ID);
  await tx
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('app_id', 'in', apps)
    .where('revoked_at', 'is', null)
    .execute();
  await tx
    .updateTable('apps')
    .set({ deleted_at: now, updated_at: now })
    .where('owner_id', '=', id)
    .where('id', '!=', SITE_APP_ID)
    .where('deleted_at', 'is', null)
    .execute();
}
