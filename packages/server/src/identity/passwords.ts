import argon2 from 'argon2';
import { randomSecret } from '../platform/ids.ts';

/**
 * argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 20–40 ms per hash on
 * one core, so a login burst cannot starve the event loop's thread pool for long.
 */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hashes and checks passwords with argon2id. */
export class PasswordHasher {
  #dummy: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return argon2.hash(password, OPTIONS);
  }

  /** Whether `password` matches `hash`; false (never a throw) for a malformed hash. */
  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /**
   * Spends the same work as a real check against a throw-away hash, so an unknown email takes as long
   * to refuse as a wrong password. Always false.
   */
  async verifyDummy(password: string): Promise<false> {
    this.#dummy ??= this.hash(randomSecret(16));
    await this.verify(await this.#dummy, password);
    return false;
  }
}
