import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { loadOrCreateKeyFile, SECRETS_KEY_FILE, SecretBox } from './secrets.ts';

describe('SecretBox', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pnptv-secrets-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const box = (key = randomBytes(32)) => new SecretBox(async () => key);

  it('opens what it sealed, and each seal differs (fresh IV)', async () => {
    const b = box();
    const a1 = await b.seal('live_123_secret', 'rst_1');
    const a2 = await b.seal('live_123_secret', 'rst_1');
    expect(a1).not.toBe(a2);
    expect(a1).not.toContain('live_123_secret');
    expect(await b.open(a1, 'rst_1')).toBe('live_123_secret');
  });

  it('refuses another context, another key and a changed ciphertext', async () => {
    const key = randomBytes(32);
    const sealed = await box(key).seal('secret', 'rst_1');
    await expect(box(key).open(sealed, 'rst_2')).rejects.toThrow();
    await expect(box().open(sealed, 'rst_1')).rejects.toThrow();
    const [v, iv, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0]! ^= 1;
    await expect(box(key).open(`${v}.${iv}.${flipped.toString('base64url')}`, 'rst_1')).rejects.toThrow();
  });

  it('generates the key file once with mode 0600 and reuses it', async () => {
    const first = await loadOrCreateKeyFile(dir);
    const second = await loadOrCreateKeyFile(dir);
    expect(first.length).toBe(32);
    expect(second.equals(first)).toBe(true);
    expect((await stat(join(dir, SECRETS_KEY_FILE))).mode & 0o777).toBe(0o600);
    const fromFile = SecretBox.fromConfig({ secretsKey: null, dataDir: dir });
    const sealed = await fromFile.seal('k', 'c');
    expect(await new SecretBox(async () => first).open(sealed, 'c')).toBe('k');
  });

  it('uses SECRETS_KEY when set, and the config refuses a key of the wrong length', async () => {
    const key = randomBytes(32).toString('base64');
    const config = loadConfig({ SECRETS_KEY: key, DATA_DIR: join(dir, 'unused') });
    const sealed = await SecretBox.fromConfig(config).seal('k', 'c');
    expect(await new SecretBox(async () => Buffer.from(key, 'base64')).open(sealed, 'c')).toBe('k');
    await expect(readFile(join(dir, 'unused', SECRETS_KEY_FILE))).rejects.toThrow();
    expect(() => loadConfig({ SECRETS_KEY: randomBytes(16).toString('base64') })).toThrow(/SECRETS_KEY/);
  });
});
