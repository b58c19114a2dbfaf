import { createHash, createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/db/schema.ts';

/** Tables an identity mutation may touch; tests compare their row counts to prove nothing changed. */
const TABLES = [
  'users',
  'sessions',
  'one_time_tokens',
  'signup_requests',
  'user_totp',
  'user_recovery_codes',
  'creator_applications',
  'settings',
  'audit_log',
  'jobs',
] as const;

/** Row count per table, plus a digest of the users table so in-place updates show up too. */
export async function dbSnapshot(db: Db): Promise<Record<string, string | number>> {
  const out: Record<string, string | number> = {};
  for (const table of TABLES) {
    const row = await db
      .selectFrom(table)
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    out[table] = row.n;
  }
  const users = await db.selectFrom('users').selectAll().orderBy('id').execute();
  const usedTokens = await db
    .selectFrom('one_time_tokens')
    .select(['token_hash', 'used_at'])
    .orderBy('token_hash')
    .execute();
  out.usersDigest = createHash('sha256').update(JSON.stringify(users)).digest('hex');
  out.tokensDigest = createHash('sha256').update(JSON.stringify(usedTokens)).digest('hex');
  return out;
}

/** The newest queued mail to `to` (containing `text` if given), from the job outbox. */
export async function lastMailTo(
  db: Db,
  to: string,
  text?: string,
): Promise<{ subject: string; text: string } | null> {
  const rows = await db
    .selectFrom('jobs')
    .select('payload')
    .where('kind', '=', 'mail.send')
    .orderBy('id', 'desc')
    .execute();
  for (const row of rows) {
    const payload = row.payload as unknown as { to: string; subject: string; text: string };
    if (payload.to === to && (text === undefined || payload.text.includes(text)))
      return { subject: payload.subject, text: payload.text };
  }
  return null;
}

/** The token of the newest link to `path` mailed to `to`. */
export async function mailedToken(db: Db, to: string, path: string): Promise<string> {
  const mail = await lastMailTo(db, to, `${path}?token=`);
  if (!mail) throw new Error(`no ${path} link mailed to ${to}`);
  return tokenInMail(mail.text, path);
}

/** The `token` query parameter of the first link to `path` in a mail body. */
export function tokenInMail(text: string, path: string): string {
  const match = new RegExp(`${path}\\?token=([A-Za-z0-9_%-]+)`).exec(text);
  if (!match) throw new Error(`no ${path} link in mail`);
  return decodeURIComponent(match[1]!);
}

/**
 * Signs widget fields the way Telegram does, written out here independently of the code under test:
 * HMAC-SHA256 keyed with SHA-256(bot token) over the sorted `key=value` lines.
 */
export function signTelegram(
  botToken: string,
  fields: Record<string, string | number>,
): Record<string, string | number> {
  const check = Object.entries(fields)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  const key = createHash('sha256').update(botToken).digest();
  return { ...fields, hash: createHmac('sha256', key).update(check).digest('hex') };
}

/** A clock tests can move. */
export class ManualClock {
  constructor(public ms: number = Date.now()) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
