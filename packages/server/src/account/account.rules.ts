/** The name content of an erased account is shown under (chat messages, gifts, member lists). */
export const DELETED_USER_NAME = 'Deleted user';

/** How long a finished export can be downloaded, ms (48 h). */
export const EXPORT_TTL_MS = 48 * 3_600_000;

/** How long the cancel token handed out at a sign-in during the grace period stays valid, ms. */
export const CANCEL_TOKEN_TTL_MS = 15 * 60_000;

/** When personal data is erased after a deletion asked for at `requestedAt`. */
export function eraseAfter(requestedAt: Date, graceDays: number): Date {
  return new Date(requestedAt.getTime() + graceDays * 86_400_000);
}

/** What stands in the way of deleting an account, in the order the member should fix it. */
export type DeletionBlocker = 'last_admin' | 'payout_pending' | 'earnings_pending';

/** Facts about an account that decide whether it may be deleted now. */
export interface DeletionFacts {
  /** The account is an admin and no other admin exists. */
  lastAdmin: boolean;
  /** Payouts requested or approved but not yet paid or rejected. */
  pendingPayouts: number;
  /** Creator earnings not yet paid out, coins. */
  earnings: number;
  /** The smallest payout a creator may request, coins. */
  payoutMinimum: number;
}

/**
 * Why the account may not be deleted yet (empty: it may). Earnings a creator could still be paid
 * (at least the payout minimum) must be paid out first, and payouts in flight must finish; earnings
 * below the minimum cannot be paid out and are forfeited with the wallet.
 */
export function deletionBlockers(facts: DeletionFacts): DeletionBlocker[] {
  const out: DeletionBlocker[] = [];
  if (facts.lastAdmin) out.push('last_admin');
  if (facts.pendingPayouts > 0) out.push('payout_pending');
  if (facts.earnings >= facts.payoutMinimum && facts.earnings > 0) out.push('earnings_pending');
  return out;
}

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/**
 * `value` with every email address other than `own` replaced by `[redacted]`, through nested
 * arrays and objects: an export must never carry another member's address.
 */
export function redactForeignEmails<T>(value: T, own: string | null): T {
  const mine = own?.toLowerCase() ?? null;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string')
      return v.replace(EMAIL_IN_TEXT, (found) => (found.toLowerCase() === mine ? found : '[redacted]'));
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && !(v instanceof Date))
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, walk(inner)]));
    return v;
  };
  return walk(value) as T;
}

/** Percent done after `done` of `total` export sections, never 100 before the archive is stored. */
export function exportProgress(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(99, Math.floor((done / total) * 100));
}
