import type { Executor } from '../platform/db/schema.ts';

/** A key pair that signs user tokens, as JWKs. */
export interface SigningKeyRecord {
  kid: string;
  alg: string;
  publicJwk: Record<string, unknown>;
  privateJwk: Record<string, unknown>;
  createdAt: Date;
}

/** SQL for `signing_keys`: instance-wide (user tokens of every app are signed by the same keys, and `aud` names the app). */
export class SigningKeyStore {
  /** Keys not retired, newest first: the first signs, all verify. */
  async active(db: Executor): Promise<SigningKeyRecord[]> {
    return db
      .selectFrom('signing_keys')
      .select([
        'kid',
        'alg',
        'public_jwk as publicJwk',
        'private_jwk as privateJwk',
        'created_at as createdAt',
      ])
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('kid', 'desc')
      .execute();
  }

  /** Number of retired keys. */
  async countRetired(db: Executor): Promise<number> {
    const row = await db
      .selectFrom('signing_keys')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('retired_at', 'is not', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Inserts a key unless one with the same kid exists; racing nodes pick the same kid, so exactly one wins. */
  async insertIfAbsent(db: Executor, key: Omit<SigningKeyRecord, 'createdAt'>, now: Date): Promise<void> {
    await db
      .insertInto('signing_keys')
      .values({
        kid: key.kid,
        alg: key.alg,
        public_jwk: JSON.stringify(key.publicJwk),
        private_jwk: JSON.stringify(key.privateJwk),
        created_at: now,
      })
      .onConflict((oc) => oc.column('kid').doNothing())
      .execute();
  }
}
