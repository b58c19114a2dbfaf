import { ApiError } from '../../app/api.ts';
import type { BadgeTone } from '../../app/ui.tsx';
import type { OrderStatus, PayoutStatus } from './money.types.ts';

/** Error code the server answers when a wallet cannot pay. */
export const INSUFFICIENT_FUNDS = 'WALLET_INSUFFICIENT_FUNDS';

/** Where the wallet lives, and the page that sells coins. */
export const WALLET_PATH = '/wallet';
export const BUY_COINS_PATH = '/wallet/buy';

/** ISO 4217 currencies whose minor unit is not a hundredth (the rest have two decimals, cents). */
const MINOR_DIGITS: Record<string, number> = {
  ...Object.fromEntries(
    [
      'BIF',
      'CLP',
      'DJF',
      'GNF',
      'ISK',
      'JPY',
      'KMF',
      'KRW',
      'PYG',
      'RWF',
      'UGX',
      'UYI',
      'VND',
      'VUV',
      'XAF',
      'XOF',
      'XPF',
    ].map((code) => [code, 0]),
  ),
  ...Object.fromEntries(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'].map((code) => [code, 3])),
};

/** Digits of `currency`'s minor unit per ISO 4217, as payment providers count them (2 for USD and COP, 0 for JPY). */
export function currencyDigits(currency: string): number {
  return MINOR_DIGITS[currency.toUpperCase()] ?? 2;
}

/** A price given in minor units (cents) as the locale writes money: 499 USD → "$4.99" in English. */
export function formatPrice(priceMinor: number, currency: string, locale: string): string {
  const digits = currencyDigits(currency);
  const amount = priceMinor / 10 ** digits;
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(amount);
  } catch {
    return `${amount.toFixed(digits)} ${currency}`;
  }
}

/** A coin count with the locale's grouping: 12500 → "12,500". */
export function formatCoins(coins: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(coins);
}

/** A signed wallet movement: +500, −120 (true minus sign), 0 without a sign. */
export function formatSignedCoins(amount: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0, signDisplay: 'exceptZero' })
    .format(amount)
    .replace('-', '−');
}

/** Basis points as a percentage for people: 7000 → 70, 7250 → 72.5. */
export function bpsToPercent(bps: number): number {
  return Math.round(bps) / 100;
}

/** A percentage typed by a person as basis points (0–10000), or null when it is not one. */
export function percentToBps(text: string): number | null {
  const value = Number(text.trim().replace(',', '.'));
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 100) return null;
  return Math.round(value * 100);
}

/** A whole, positive number of coins typed by a person, or null. */
export function parseCoins(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

/** A fresh key that makes a spend safe to retry: the server applies one key at most once. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** Whether an error is the wallet refusing to go below zero. */
export function isInsufficientFunds(error: unknown): boolean {
  return error instanceof ApiError && error.code === INSUFFICIENT_FUNDS;
}

/**
 * Whether a checkout's redirect stays inside this web app (the sandbox page), so the router can go there
 * without a reload; an external provider's page needs a full navigation.
 */
export function isInAppUrl(url: string, origin: string): boolean {
  let parsed: URL;
  try {
    if (url.startsWith('//') || url.startsWith('/\\')) return false;
    parsed = url.startsWith('/') ? new URL(url, origin) : new URL(url);
  } catch {
    return false;
  }
  // Server-rendered pages (a provider's checkout launcher under /api/) need a full page load.
  return parsed.origin === origin && !parsed.pathname.startsWith('/api/');
}

/** The path + query of an in-app URL, for the router. */
export function inAppPath(url: string, origin: string): string {
  const parsed = new URL(url, origin);
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}

/** Address of the creator's CSV statement between two dates (YYYY-MM-DD, both optional). */
export function statementUrl(range: { from?: string | null; to?: string | null } = {}): string {
  const search = new URLSearchParams();
  if (range.from) search.set('from', range.from);
  if (range.to) search.set('to', range.to);
  const query = search.toString();
  return `/api/v1/creator/statement.csv${query ? `?${query}` : ''}`;
}

/** A date as YYYY-MM-DD (UTC), `days` before `now`. */
export function isoDay(now: Date, daysBefore = 0): string {
  return new Date(now.getTime() - daysBefore * 86_400_000).toISOString().slice(0, 10);
}

/** Badge colour of an order's status. */
export const ORDER_TONE: Record<OrderStatus, BadgeTone> = {
  pending: 'warning',
  paid: 'success',
  rejected: 'danger',
  failed: 'danger',
  refunded: 'neutral',
  charged_back: 'danger',
  flagged: 'warning',
};

/** Badge colour of a payout's status. */
export const PAYOUT_TONE: Record<PayoutStatus, BadgeTone> = {
  requested: 'warning',
  approved: 'info',
  rejected: 'danger',
  paid: 'success',
};

/** Every order status, in the admin filter's order. */
export const ORDER_STATUSES: OrderStatus[] = [
  'pending',
  'paid',
  'flagged',
  'rejected',
  'failed',
  'refunded',
  'charged_back',
];

/** Every payout status, in the admin filter's order. */
export const PAYOUT_STATUSES: PayoutStatus[] = ['requested', 'approved', 'paid', 'rejected'];

/** Whether a subscription or membership currently gives access: not expired and paid up to a future date. */
export function isActiveMembership(
  membership: { status: string; currentPeriodEnd: string } | null | undefined,
  now: Date,
): boolean {
  if (!membership || membership.status === 'expired') return false;
  return new Date(membership.currentPeriodEnd).getTime() > now.getTime();
}

/** A price typed in major units ("4.99", "4,99") as minor units of `currency` (499), or null when invalid. */
export function parsePrice(text: string, currency: string): number | null {
  const trimmed = text.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return null;
  const digits = currencyDigits(currency);
  const [whole = '0', fraction = ''] = trimmed.split('.');
  if (fraction.length > digits) return null;
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(minor) && minor > 0 ? minor : null;
}

/** Minor units as the plain number an admin edits: 499 USD → "4.99". */
export function minorToInput(priceMinor: number, currency: string): string {
  const digits = currencyDigits(currency);
  return (priceMinor / 10 ** digits).toFixed(digits);
}
