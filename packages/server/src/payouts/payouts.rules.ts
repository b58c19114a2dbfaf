import { DEFAULT_CREATOR_BPS } from '../wallet/ledger.rules.ts';

/** The creator's share when an app has set none, in basis points (70 %). */
export const DEFAULT_SPLIT_BPS = DEFAULT_CREATOR_BPS;
/** The smallest payout a creator may request when an app has set none, in coins. */
export const DEFAULT_PAYOUT_MINIMUM = 1000;
/** How long a looked-up split is reused before it is read again, ms. */
export const SPLIT_CACHE_TTL_MS = 10_000;
/** Days the earnings chart covers. */
export const EARNINGS_DAYS = 30;
/** Ledger transaction kinds that are earnings, with the chart series each feeds. */
export const EARNING_KINDS = {
  gift: 'gifts',
  tip: 'tips',
  ticket: 'tickets',
  subscription: 'subscriptions',
} as const;
/** Longest statement period, days; most rows one statement holds. */
export const MAX_STATEMENT_DAYS = 366;
export const MAX_STATEMENT_ROWS = 10_000;
/** The provider-clearing owner that paid-out coins leave through: the rail payouts are sent by. */
export const PAYOUT_RAIL = 'payouts';

/** One shard of a sharded account: its id and balance. */
export interface ShardBalance {
  id: string;
  balance: number;
}

/**
 * Which shards a debit of `coins` takes from, largest balances first, never more than a
 * shard holds; null when the shards together hold less. The legs are negative amounts.
 */
export function allocateShardDebit(
  shards: readonly ShardBalance[],
  coins: number,
): { accountId: string; amount: number }[] | null {
  if (!Number.isSafeInteger(coins) || coins <= 0)
    throw new RangeError('coins must be a positive whole number');
  const total = shards.reduce((sum, s) => sum + Math.max(s.balance, 0), 0);
  if (total < coins) return null;
  const ordered = [...shards]
    .filter((s) => s.balance > 0)
    .sort((a, b) => b.balance - a.balance || (a.id < b.id ? -1 : 1));
  const legs: { accountId: string; amount: number }[] = [];
  let left = coins;
  for (const shard of ordered) {
    if (left === 0) break;
    const take = Math.min(shard.balance, left);
    legs.push({ accountId: shard.id, amount: -take });
    left -= take;
  }
  return legs;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: numbers as they are; text that a spreadsheet would run as a formula (starting
 * with = + - @, tab or carriage return) gets a leading apostrophe, and text with a comma,
 * quote or line break is quoted with inner quotes doubled (RFC 4180).
 */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One CSV line, CRLF-terminated. */
export function csvRow(cells: readonly (string | number)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** A line of a creator's statement. */
export interface StatementLine {
  createdAt: Date;
  kind: string;
  description: string;
  amount: number;
}

/** The statement as CSV: a header, then each line with the earnings balance after it. */
export function statementCsv(opening: number, lines: readonly StatementLine[]): string {
  let balance = opening;
  let out = csvRow(['date', 'kind', 'description', 'amount', 'balance']);
  for (const line of lines) {
    balance += line.amount;
    out += csvRow([line.createdAt.toISOString(), line.kind, line.description, line.amount, balance]);
  }
  return out;
}

/** What a ledger movement on a creator's earnings was, in words. */
export function describeMovement(kind: string, metadata: Record<string, unknown>): string {
  const note = typeof metadata.description === 'string' ? metadata.description : null;
  const base: Record<string, string> = {
    gift: 'Gift',
    tip: 'Tip',
    ticket: 'Ticket',
    subscription: 'Subscription',
    'payout.request': 'Payout requested',
    'payout.return': 'Payout rejected: coins returned',
  };
  const label = base[kind] ?? kind;
  const ref = typeof metadata.payoutId === 'string' ? ` (${metadata.payoutId})` : '';
  return note ? `${label}: ${note}${ref}` : `${label}${ref}`;
}

/** The `YYYY-MM-DD` UTC day of a time. */
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The last `days` UTC days up to and including `now`'s, oldest first. */
export function lastDays(now: Date, days: number): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => dayOf(new Date(today - (days - 1 - i) * 86_400_000)));
}

/**
 * The statement period from `from` and `to` (`YYYY-MM-DD`, both included; defaults: the last
 * 30 days up to today) as [start, end) instants, or a problem to report.
 */
export function statementRange(
  now: Date,
  from?: string,
  to?: string,
): { start: Date; end: Date } | { problem: string } {
  const days = lastDays(now, EARNINGS_DAYS);
  const start = new Date(`${from ?? days[0]}T00:00:00.000Z`);
  const lastDay = new Date(`${to ?? days[days.length - 1]}T00:00:00.000Z`);
  if (Number.isNaN(start.getTime()) || Number.isNaN(lastDay.getTime()))
    return { problem: 'Dates are YYYY-MM-DD' };
  const end = new Date(lastDay.getTime() + 86_400_000);
  if (end <= start) return { problem: '`to` must not be before `from`' };
  if (end.getTime() - start.getTime() > MAX_STATEMENT_DAYS * 86_400_000)
    return { problem: `A statement covers at most ${MAX_STATEMENT_DAYS} days` };
  return { start, end };
}
