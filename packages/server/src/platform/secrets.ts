import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Db, SITE_APP_ID } from './db/schema.ts';

/** Bytes of an AES-256 key. */
export const SECRETS_KEY_BYTES = 32;
/** File under DATA_DIR holding the generated key when SECRETS_KEY is not set. */
export const SECRETS_KEY_FILE = 'secrets.key';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

/**
 * Reads the key from `<dataDir>/secrets.key` (base64), creating it with fresh random bytes and
 * mode 0600 on first use. Two processes starting at once cannot both create it (`wx`): the
 * loser reads the winner's key.
 */
export async function loadOrCreateKeyFile(dataDir: string): Promise<Buffer> {
  const path = join(dataDir, SECRETS_KEY_FILE);
  try {
    return decodeKey(await readFile(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  try {
    await writeFile(path, `${randomBytes(SECRETS_KEY_BYTES).toString('base64')}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return decodeKey(await readFile(path, 'utf8'), path);
}

/** Decodes a base64 key and checks its length. */
export function decodeKey(base64: string, source = 'SECRETS_KEY'): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== SECRETS_KEY_BYTES)
    throw new Error(`${source}: expected ${SECRETS_KEY_BYTES} bytes of base64`);
  return key;
}

/**
 * Encrypts small secrets (third-party stream keys) for storage with AES-256-GCM: a random
 * 96-bit IV per value, the 128-bit tag checked on open, and `context` (e.g. the row id) bound
 * as associated data, so a ciphertext copied onto another row does not open. Sealed values
 * read `v1.<iv>.<ciphertext+tag>` in base64url. The key is loaded once, on first use.
 */
export class SecretBox {
  #key: Promise<Buffer> | null = null;

  constructor(private readonly loadKey: () => Promise<Buffer>) {}

  /** A box on SECRETS_KEY when set, else on the key file in DATA_DIR. */
  static fromConfig(config: { secretsKey: string | null; dataDir: string }): SecretBox {
    return new SecretBox(async () =>
      config.secretsKey ? decodeKey(config.secretsKey) : loadOrCreateKeyFile(config.dataDir),
    );
  }

  #keyOnce(): Promise<Buffer> {
    this.#key ??= this.loadKey();
    return this.#key;
  }

  /** Encrypts `plaintext` bound to `context`. */
  async seal(plaintext: string, context: string): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', await this.#keyOnce(), iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  /** Decrypts a value sealed with the same key and `context`; throws when it was tampered with or the key differs. */
  async open(sealed: string, context: string): Promise<string> {
    const [version, iv, body] = sealed.split('.');
    if (version !== VERSION || !iv || !body) throw new Error('not a sealed secret');
    const bytes = Buffer.from(body, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', await this.#keyOnce(), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  }
}

/**
 * A random 32-byte secret of this instance kept in the `settings` table under `key`, made on first
 * use: every node reads the same one. The first writer wins, so concurrent first uses agree.
 */
export async function instanceSecret(db: Db, key: string, now: Date): Promise<Buffer> {
  await db
    .insertInto('settings')
    .values({
      app_id: SITE_APP_ID,
      key,
      value: JSON.stringify({ secret: randomBytes(SECRETS_KEY_BYTES).toString('base64') }),
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['app_id', 'key']).doNothing())
    .execute();
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('app_id', '=', SITE_APP_ID)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return Buffer.from((row.value as { secret: string }).secret, 'base64');
}
