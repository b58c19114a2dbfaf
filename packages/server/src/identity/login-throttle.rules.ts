/**
 * Login throttling without lock-outs: failures slow down the (account, address) pair that makes them
 * with doubling delays, never refuse the right password for good, and a device that signed in before
 * skips the per-address and account-wide gates.
 */
export const LOGIN_THROTTLE = {
  /** Failures per (account, address or known device) before delays start. */
  pairFree: 3,
  /** Longest wait between attempts of one pair, ms. */
  pairMaxDelayMs: 5 * 60_000,
  /** Failures per account from unknown devices at unknown addresses before delays start. */
  accountFree: 10,
  /** Longest wait for an account from unknown devices, ms. */
  accountMaxDelayMs: 15 * 60_000,
  /** The first delay, ms; each further failure doubles it. */
  baseDelayMs: 1000,
  /** How long failures are remembered, ms from the first one. */
  failureMemoryMs: 24 * 3600_000,
  /** Failed logins accepted from one address per window: high enough for a shared proxy or campus NAT. */
  perAddress: 300,
  /** Window of the per-address ceiling, ms. */
  addressWindowMs: 3600_000,
  /** How long an address that signed into an account counts as that account's own, ms. */
  knownAddressMs: 90 * 24 * 3600_000,
} as const;

/**
 * The wait imposed after the `failures`-th consecutive failure, ms: nothing for the first `free`,
 * then `baseMs`, 2×, 4× … up to `maxMs`.
 */
export function loginDelayMs(failures: number, free: number, maxMs: number, baseMs: number): number {
  if (failures <= free) return 0;
  const exponent = Math.min(failures - free - 1, 30);
  return Math.min(maxMs, baseMs * 2 ** exponent);
}

/** Whole seconds to announce in `Retry-After` for a wait of `ms` (at least 1). */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
