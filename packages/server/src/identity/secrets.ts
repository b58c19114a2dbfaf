import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { safeEqual } from '../platform/ids.ts';
import type { Platform } from '../platform/platform.ts';
import { instanceSecret } from '../platform/secrets.ts';

/** Settings key of the identity master secret (32 random bytes, base64), created on first use. */
export const IDENTITY_SECRET_SETTING = 'identity.secret';

/**
 * Signs and encrypts small values for identity (device cookies, TOTP secrets at rest) with keys derived
 * from one master secret kept in the site's settings, so every node shares it. Loaded once per process.
 */
export class IdentitySecrets {
  #keys: Promise<{ sign: Buffer; encrypt: Buffer }> | null = null;

  constructor(private readonly platform: Pick<Platform, 'db' | 'clock'>) {}

  /** HMAC-SHA256 of `data`, base64url. */
  async sign(data: string): Promise<string> {
    const { sign } = await this.#load();
    return createHmac('sha256', sign).update(data).digest('base64url');
  }

  /** Whether `signature` is the HMAC of `data`, compared in constant time. */
  async verify(data: string, signature: string): Promise<boolean> {
    return safeEqual(await this.sign(data), signature);
  }

  /** AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>`, all base64url. */
  async encrypt(plaintext: string): Promise<string> {
    const { encrypt } = await this.#load();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', encrypt, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** The plaintext of an `encrypt` result; throws if it was tampered with. */
  async decrypt(sealed: string): Promise<string> {
    const { encrypt } = await this.#load();
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unknown sealed value');
    const decipher = createDecipheriv('aes-256-gcm', encrypt, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  #load(): Promise<{ sign: Buffer; encrypt: Buffer }> {
    this.#keys ??= this.#read().catch((error: unknown) => {
      this.#keys = null;
      throw error;
    });
    return this.#keys;
  }

  async #read(): Promise<{ sign: Buffer; encrypt: Buffer }> {
    const { db, clock } = this.platform;
    const master = await instanceSecret(db, IDENTITY_SECRET_SETTING, new Date(clock.now()));
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
    return { sign: derive('pnptv identity signing'), encrypt: derive('pnptv identity encryption') };
  }
}
