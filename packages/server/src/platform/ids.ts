import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

let lastTime = -1;
let lastRandom = new Uint8Array(10);

/** The next random part: fresh for a new millisecond, the previous one plus one within it. */
function randomPart(now: number): Uint8Array {
  if (now !== lastTime) {
    lastTime = now;
    lastRandom = randomBytes(10);
    return lastRandom;
  }
  const next = Uint8Array.from(lastRandom);
  for (let i = next.length - 1; i >= 0; i--) {
    next[i] = ((next[i] ?? 0) + 1) & 0xff;
    if (next[i] !== 0) break;
  }
  lastRandom = next;
  return next;
}

/**
 * A new identifier `prefix_<time><random>`: 10 characters of millisecond time then 16 random,
 * so ids sort by creation time (used as pagination cursors) and cannot be guessed. Ids made in
 * the same millisecond by one process keep their creation order.
 */
export function newId(prefix: string, now: number = Date.now()): string {
  const time = now.toString(32).padStart(10, '0');
  return `${prefix}_${time}${base32(randomPart(now))}`;
}

/** A random secret of `bytes` bytes, URL-safe. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 hex digest; used to store high-entropy secrets (tokens, API keys) at rest. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
