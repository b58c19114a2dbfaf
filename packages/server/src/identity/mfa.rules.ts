/** How many recovery codes an enrolment hands out. */
export const RECOVERY_CODE_COUNT = 10;
/** Lifetime of the pending-login token between the password and the second step, ms. */
export const MFA_PENDING_TTL_MS = 5 * 60_000;
/** Wrong codes one pending login may try before it is dropped. */
export const MFA_PENDING_ATTEMPTS = 5;
/** Codes one step early or late are accepted (clock drift), seconds. */
export const TOTP_TOLERANCE_S = 30;

/** Crockford's base32 alphabet, lower-cased: no i, l, o or u to misread. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** A recovery code, `xxxxx-xxxxx` (50 bits), from 10 random bytes. */
export function recoveryCodeOf(random: Uint8Array): string {
  if (random.length < 10) throw new RangeError('a recovery code needs 10 random bytes');
  const chars = Array.from(random.subarray(0, 10), (byte) => ALPHABET[byte & 31]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** The stored form of a typed recovery code (case, spaces and dashes ignored), or null if it cannot be one. */
export function normaliseRecoveryCode(input: string): string | null {
  const cleaned = input.toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0');
  return /^[0-9a-hjkmnp-tv-z]{10}$/.test(cleaned) ? cleaned : null;
}

/** The 6-digit TOTP code in `input` (spaces ignored), or null. */
export function totpCodeOf(input: string): string | null {
  const cleaned = input.replace(/\s/g, '');
  return /^\d{6}$/.test(cleaned) ? cleaned : null;
}
