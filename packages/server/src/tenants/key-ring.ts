import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db/schema.ts';
import type { SigningKeyStore } from './signing-keys.store.ts';

/** Algorithm of user tokens: EdDSA over Ed25519. */
export const TOKEN_ALG = 'EdDSA';

/** How long this node trusts its copy of the key set before reading it again, ms (picks up rotations). */
const KEY_SET_TTL_MS = 5 * 60_000;
/** Shortest interval between reloads triggered by an unknown `kid`, ms (forged kids must not hammer the database). */
const UNKNOWN_KID_RELOAD_MS = 10_000;

interface LoadedKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * The instance's token signing keys, stored in `signing_keys` so every node signs and verifies
 * with the same ones. The first key is generated on first use; creation is race-safe because
 * racing nodes derive the same kid and insert with ON CONFLICT DO NOTHING, then read back.
 */
export class KeyRing {
  #keys: LoadedKey[] = [];
  #loadedAt = Number.NEGATIVE_INFINITY;
  #loading: Promise<void> | null = null;

  constructor(private readonly deps: { db: Db; clock: Clock; store: SigningKeyStore }) {}

  /** The key that signs new tokens, creating the first one if there is none. */
  async signer(): Promise<LoadedKey> {
    if (this.#stale(KEY_SET_TTL_MS) || this.#keys.length === 0) await this.#reload();
    if (this.#keys.length === 0) {
      await this.#createFirst();
      await this.#reload();
    }
    const key = this.#keys[0];
    if (!key) throw new Error('no signing key available');
    return key;
  }

  /** The public key for `kid`, or null when no active key has that id. */
  async verifier(kid: string): Promise<CryptoKey | null> {
    if (this.#stale(KEY_SET_TTL_MS)) await this.#reload();
    let key = this.#keys.find((k) => k.kid === kid);
    if (!key && this.#stale(UNKNOWN_KID_RELOAD_MS)) {
      await this.#reload();
      key = this.#keys.find((k) => k.kid === kid);
    }
    return key?.publicKey ?? null;
  }

  /** Public JWKs of every active key, for `/.well-known/jwks.json`. */
  async publicJwks(): Promise<JWK[]> {
    await this.signer();
    return this.#keys.map((k) => k.publicJwk);
  }

  #stale(maxAgeMs: number): boolean {
    return this.deps.clock.now() - this.#loadedAt >= maxAgeMs;
  }

  async #reload(): Promise<void> {
    // Concurrent callers share one read of the table.
    this.#loading ??= (async () => {
      try {
        const rows = await this.deps.store.active(this.deps.db);
        const keys: LoadedKey[] = [];
        for (const row of rows) {
          if (row.alg !== TOKEN_ALG) continue;
          const privateKey = (await importJWK(row.privateJwk as JWK, TOKEN_ALG)) as CryptoKey;
          const publicKey = (await importJWK(row.publicJwk as JWK, TOKEN_ALG)) as CryptoKey;
          keys.push({ kid: row.kid, privateKey, publicKey, publicJwk: row.publicJwk as JWK });
        }
        this.#keys = keys;
        this.#loadedAt = this.deps.clock.now();
      } finally {
        this.#loading = null;
      }
    })();
    await this.#loading;
  }

  async #createFirst(): Promise<void> {
    const generated = await generateKeyPair(TOKEN_ALG, { crv: 'Ed25519', extractable: true });
    // Every node that finds no active key counts the same retired keys, hence picks the same
    // kid, so only one insert wins, even when another node inserted before this one counted.
    const kid = `ed25519-${(await this.deps.store.countRetired(this.deps.db)) + 1}`;
    const publicJwk = { ...(await exportJWK(generated.publicKey)), kid, alg: TOKEN_ALG, use: 'sig' };
    const privateJwk = { ...(await exportJWK(generated.privateKey)), kid, alg: TOKEN_ALG };
    await this.deps.store.insertIfAbsent(
      this.deps.db,
      { kid, alg: TOKEN_ALG, publicJwk, privateJwk },
      new Date(this.deps.clock.now()),
    );
  }
}
