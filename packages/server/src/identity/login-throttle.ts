import type { Cache } from '../platform/cache/index.ts';
import type { Clock } from '../platform/clock.ts';
import { RetryAfterError } from '../platform/errors.ts';
import { sha256Hex } from '../platform/ids.ts';
import type { RateLimiter } from '../platform/ratelimit/index.ts';
import { identityErrors } from './identity.errors.ts';
import { loginDelayMs, LOGIN_THROTTLE as T } from './login-throttle.rules.ts';

/** Who is trying to sign in: the account asked for, the address, and the device if it signed in before. */
export interface LoginAttempt {
  emailNormalized: string;
  ip: string | null;
  /** Id of a device that signed into this account before (from its signed cookie), or null. */
  knownDevice: string | null;
}

/**
 * Gates password attempts with growing delays per (account, address) pair, an account-wide delay for
 * unknown devices at addresses the account never signed in from, and a per-address ceiling; all on the
 * cache and rate-limiter ports, so Redis shares them across nodes.
 */
export class LoginThrottle {
  constructor(private readonly deps: { cache: Cache; limiter: RateLimiter; clock: Clock }) {}

  /** Throws IDENTITY_LOGIN_THROTTLED (with the wait) if this attempt must wait; consumes nothing. */
  async check(attempt: LoginAttempt): Promise<void> {
    const keys = this.#keys(attempt);
    const now = this.deps.clock.now();
    const waits = [this.#waitMs(keys.pair, now)];
    if (!attempt.knownDevice) {
      waits.push(
        this.deps.limiter
          .peek(keys.address, T.perAddress, T.addressWindowMs)
          .then((r) => (r.allowed ? 0 : r.retryAfterMs)),
      );
      waits.push(this.#knownAddress(keys).then((known) => (known ? 0 : this.#waitMs(keys.account, now))));
    }
    const wait = Math.max(...(await Promise.all(waits)));
    if (wait > 0) throw new RetryAfterError(identityErrors.IDENTITY_LOGIN_THROTTLED(), wait / 1000);
  }

  /** Counts a wrong password against every gate that applies to this attempt. */
  async failed(attempt: LoginAttempt): Promise<void> {
    const keys = this.#keys(attempt);
    const work = [this.#fail(keys.pair, T.pairFree, T.pairMaxDelayMs)];
    if (!attempt.knownDevice) {
      work.push(this.deps.limiter.hit(keys.address, T.perAddress, T.addressWindowMs).then(() => {}));
      work.push(
        this.#knownAddress(keys).then((known) =>
          known ? undefined : this.#fail(keys.account, T.accountFree, T.accountMaxDelayMs),
        ),
      );
    }
    await Promise.all(work);
  }

  /** After the right password: clears the pair's and the account's failures and remembers the address. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    const keys = this.#keys(attempt);
    const { cache } = this.deps;
    await Promise.all([
      cache.delete(`${keys.pair}:n`),
      cache.delete(`${keys.pair}:until`),
      cache.delete(`${keys.account}:n`),
      cache.delete(`${keys.account}:until`),
      cache.set(keys.knownAddress, '1', T.knownAddressMs),
    ]);
  }

  /** Clears the account-wide failures (the owner proved control of the mailbox). */
  async clearAccount(emailNormalized: string): Promise<void> {
    const { account } = this.#keys({ emailNormalized, ip: null, knownDevice: null });
    await Promise.all([this.deps.cache.delete(`${account}:n`), this.deps.cache.delete(`${account}:until`)]);
  }

  #keys(attempt: LoginAttempt) {
    const account = sha256Hex(attempt.emailNormalized);
    const ip = attempt.ip ?? 'unknown';
    const from = attempt.knownDevice ? `device:${attempt.knownDevice}` : `ip:${ip}`;
    return {
      pair: `identity:login:pair:${account}:${sha256Hex(from)}`,
      account: `identity:login:acct:${account}`,
      address: `identity:login:ip:${ip}`,
      knownAddress: `identity:login:known:${account}:${sha256Hex(ip)}`,
    };
  }

  async #knownAddress(keys: { knownAddress: string }): Promise<boolean> {
    return (await this.deps.cache.get(keys.knownAddress)) !== null;
  }

  /** ms this key must still wait, from the epoch ms stored by the last failure. */
  async #waitMs(key: string, now: number): Promise<number> {
    const until = Number(await this.deps.cache.get(`${key}:until`));
    return Number.isFinite(until) && until > now ? until - now : 0;
  }

  async #fail(key: string, free: number, maxMs: number): Promise<void> {
    const { cache, clock } = this.deps;
    const failures = await cache.increment(`${key}:n`, 1, T.failureMemoryMs);
    const delay = loginDelayMs(failures, free, maxMs, T.baseDelayMs);
    // The stored deadline is what counts; the TTL (a little longer) only lets the entry go away.
    if (delay > 0) await cache.set(`${key}:until`, String(clock.now() + delay), delay + 60_000);
  }
}
