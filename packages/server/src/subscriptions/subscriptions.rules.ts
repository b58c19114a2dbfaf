/** Highest monthly price of a plan or of PRIME, in coins. */
export const MAX_PRICE_COINS = 1_000_000_000;
/** PRIME's price until an admin sets one, in coins per month. */
export const DEFAULT_PRIME_PRICE = 500;
/** PRIME's perks until an admin sets them. */
export const DEFAULT_PRIME_PERKS: readonly string[] = [
  'PRIME badge in chat',
  'Ad-free',
  'Member-only community room video',
];
/** Most perks PRIME lists, and the longest perk, in characters. */
export const MAX_PERKS = 20;
export const MAX_PERK_LENGTH = 120;

/**
 * How long a subscription whose renewal could not be paid stays `past_due` before the one
 * retry that either renews it or lets it expire. Past-due members have no access meanwhile.
 */
export const GRACE_MS = 3 * 86_400_000;

/** Job kind that renews (or ends) one subscription at the end of a period. */
export const RENEW_JOB = 'subscriptions.renew';

/** The two things a member can subscribe to. */
export type SubscriptionKind = 'creator' | 'prime';
/** Lifecycle of a subscription (see 007_subscriptions.sql). */
export type SubscriptionStatus = 'active' | 'past_due' | 'expired' | 'cancelled';

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/**
 * `anchor` plus `months` calendar months, in UTC, with the day clamped to the target month's
 * last day (Jan 31 + 1 month = Feb 28 or 29); the time of day is kept.
 */
export function addMonths(anchor: Date, months: number): Date {
  if (!Number.isInteger(months) || months < 0) throw new RangeError('months must be a whole number >= 0');
  const total = anchor.getUTCMonth() + months;
  const year = anchor.getUTCFullYear() + Math.floor(total / 12);
  const month = total % 12;
  const day = Math.min(anchor.getUTCDate(), daysInMonth(year, month));
  return new Date(
    Date.UTC(
      year,
      month,
      day,
      anchor.getUTCHours(),
      anchor.getUTCMinutes(),
      anchor.getUTCSeconds(),
      anchor.getUTCMilliseconds(),
    ),
  );
}

/**
 * When period `period` (1 = the first) of a subscription started at `startedAt` ends. Periods
 * are counted from the start, not chained, so a Jan 31 start ends periods on Feb 28/29,
 * Mar 31, Apr 30…
 */
export function periodEnd(startedAt: Date, period: number): Date {
  if (!Number.isInteger(period) || period < 1) throw new RangeError('period must be a whole number >= 1');
  return addMonths(startedAt, period);
}

/** When period `period` starts: the end of the one before it. */
export function periodStart(startedAt: Date, period: number): Date {
  return period <= 1 ? startedAt : periodEnd(startedAt, period - 1);
}

/** Ledger idempotency key of the charge for one period: a period is paid at most once. */
export function chargeKey(subscriptionId: string, period: number): string {
  return `sub:${subscriptionId}:${period}`;
}

/** Outbox key of the job that renews a subscription into `period` (`final` for the past-due retry). */
export function renewJobKey(subscriptionId: string, period: number, final: boolean): string {
  return final ? `sub:${subscriptionId}:${period}:final` : `sub:${subscriptionId}:${period}`;
}

/** What a renewal job does with a subscription as it stands. */
export type RenewalStep = 'skip' | 'end_cancelled' | 'charge';

/** Decides a renewal job's step: skipped when the subscription moved on or ended, ended when it was cancelled. */
export function renewalStep(
  sub: { status: SubscriptionStatus; period: number; cancelAtPeriodEnd: boolean },
  job: { period: number; final: boolean },
): RenewalStep {
  if (sub.period !== job.period - 1) return 'skip';
  if (sub.status !== 'active' && sub.status !== 'past_due') return 'skip';
  if (job.final !== (sub.status === 'past_due')) return 'skip';
  if (sub.cancelAtPeriodEnd) return 'end_cancelled';
  return 'charge';
}

/** Whether a subscription opens its content at `now`: active and paid up. */
export function grantsAccess(
  sub: { status: SubscriptionStatus; currentPeriodEnd: Date },
  now: Date,
): boolean {
  return sub.status === 'active' && sub.currentPeriodEnd.getTime() > now.getTime();
}
