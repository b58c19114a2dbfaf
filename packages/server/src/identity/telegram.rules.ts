import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The fields the Telegram Login Widget hands the page after a successful sign-in. */
export interface TelegramLoginData {
  id: number;
  first_name?: string;
  last_name?: string;
  username?: string;
  photo_url?: string;
  /** Unix time, seconds, when Telegram signed the data. */
  auth_date: number;
  /** Hex HMAC-SHA256 over the data-check-string. */
  hash: string;
}

/** Largest clock difference tolerated for an `auth_date` in the future, seconds. */
export const TELEGRAM_FUTURE_SKEW_S = 60;

/** Every received field except `hash`, sorted by name, as `key=value` lines joined by "\n". */
export function telegramDataCheckString(data: Record<string, unknown>): string {
  return Object.keys(data)
    .filter((key) => key !== 'hash' && data[key] !== undefined)
    .sort()
    .map((key) => `${key}=${String(data[key])}`)
    .join('\n');
}

/** The signature Telegram would compute: hex HMAC-SHA256(data-check-string, SHA-256(bot token)). */
export function telegramHash(data: Record<string, unknown>, botToken: string): string {
  const secret = createHash('sha256').update(botToken).digest();
  return createHmac('sha256', secret).update(telegramDataCheckString(data)).digest('hex');
}

/** Outcome of checking widget data. */
export type TelegramCheck = { ok: true } | { ok: false; reason: 'signature' | 'expired' | 'future' };

/**
 * Checks widget data as Telegram documents it: the hash must match (compared in constant time) and
 * `auth_date` must be at most `maxAgeS` seconds old and not more than a minute in the future.
 */
export function checkTelegramLogin(
  data: TelegramLoginData,
  botToken: string,
  nowMs: number,
  maxAgeS: number,
): TelegramCheck {
  const expected = Buffer.from(telegramHash(data as unknown as Record<string, unknown>, botToken), 'hex');
  const sent = /^[0-9a-f]{64}$/.test(data.hash) ? Buffer.from(data.hash, 'hex') : Buffer.alloc(0);
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected))
    return { ok: false, reason: 'signature' };
  const nowS = Math.floor(nowMs / 1000);
  if (data.auth_date > nowS + TELEGRAM_FUTURE_SKEW_S) return { ok: false, reason: 'future' };
  if (nowS - data.auth_date > maxAgeS) return { ok: false, reason: 'expired' };
  return { ok: true };
}
