import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { AuditStore } from '../audit/index.ts';
import type { Db } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { manualClock } from './tenants.fixtures.ts';
import { TenantService } from './tenants.service.ts';
import type { SessionCaller } from './tenants.types.ts';

async function insertUser(db: Db): Promise<SessionCaller> {
  const id = newId('usr');
  const email = `${id}@example.com`;
  const now = new Date();
  await db
    .insertInto('users')
    .values({
      id,
      app_id: 'app_site',
      email,
      email_normalized: email,
      display_name: 'Dev',
      created_at: now,
      updated_at: now,
    })
    .execute();
  return {
    ip: '127.0.0.1',
    principal: {
      kind: 'session',
      appId: 'app_site',
      sessionId: 'sess',
      csrfToken: 'csrf',
      user: { id, appId: 'app_site', email, displayName: 'Dev', role: 'member', emailVerified: true },
    },
  };
}

/** Every database with the in-memory cache, plus the embedded database with Redis when REDIS_URL is set. */
const setups = [
  ...testDatabases().map((f) => [`${f.name} with the memory cache`, f, false] as const),
  ...(process.env.REDIS_URL
    ? [[`${testDatabases()[0]!.name} with the Redis cache`, testDatabases()[0]!, true] as const]
    : []),
];

describe.each(setups)('TenantService on %s', (_name, factory, redis) => {
  const clock = manualClock(Date.parse('2030-01-01T00:00:00Z'));
  let ctx: TestContext;
  let tenants: TenantService;
  let db: Db;

  beforeAll(async () => {
    ctx = await createTestContext(factory, { clock, redis });
    tenants = ctx.services.tenants;
    db = ctx.platform.db;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  async function appWithKey(scopes: string[] = ['apps:read']) {
    const owner = await insertUser(db);
    const app = await tenants.apps.create(owner, { name: 'Service app' });
    const created = await tenants.keys.create(owner, app.id, { name: 'server', scopes });
    return { owner, app, ...created };
  }

  describe('API key authentication', () => {
    it('turns a valid secret into an API key principal of its app', async () => {
      const { app, key, secret } = await appWithKey(['apps:read', 'tokens:mint']);
      expect(secret.startsWith(`sk_${key.id.slice(4)}_`)).toBe(true);
      expect(await tenants.authenticateBearer(secret)).toEqual({
        kind: 'apiKey',
        appId: app.id,
        keyId: key.id,
        scopes: ['apps:read', 'tokens:mint'],
      });
      const stored = await db
        .selectFrom('api_keys')
        .select('secret_hash')
        .where('id', '=', key.id)
        .executeTakeFirstOrThrow();
      expect(stored.secret_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored.secret_hash).not.toContain(secret.slice(-43));
    });

    it('refuses a wrong secret for a real key id, and malformed or unknown secrets', async () => {
      const { secret } = await appWithKey();
      const last = secret.at(-1) === 'A' ? 'B' : 'A';
      expect(await tenants.authenticateBearer(`${secret.slice(0, -1)}${last}`)).toBeNull();
      expect(await tenants.authenticateBearer('sk_nope')).toBeNull();
      expect(await tenants.authenticateBearer(`sk_0000000000zzzzzzzzzzzzzzzz_${'A'.repeat(43)}`)).toBeNull();
      expect(await tenants.authenticateBearer('x'.repeat(5000))).toBeNull();
    });

    it('serves the key record from the cache in steady state', async () => {
      const { key, secret } = await appWithKey();
      expect(await tenants.authenticateBearer(secret)).not.toBeNull();
      await db
        .updateTable('api_keys')
        .set({ scopes: JSON.stringify(['keys:write']) })
        .where('id', '=', key.id)
        .execute();
      expect((await tenants.authenticateBearer(secret))?.scopes).toEqual(['apps:read']);
    });

    it('stops accepting the old secret as soon as the key is rotated, and any secret once revoked', async () => {
      const { owner, app, key, secret } = await appWithKey();
      expect(await tenants.authenticateBearer(secret)).not.toBeNull();
      const rotated = await tenants.keys.rotate(owner, app.id, key.id);
      expect(rotated.key.id).toBe(key.id);
      expect(await tenants.authenticateBearer(secret)).toBeNull();
      expect(await tenants.authenticateBearer(rotated.secret)).toMatchObject({
        kind: 'apiKey',
        keyId: key.id,
      });
      await tenants.keys.revoke(owner, app.id, key.id);
      expect(await tenants.authenticateBearer(rotated.secret)).toBeNull();
    });

    it('refuses the keys of a deleted app', async () => {
      const { owner, app, secret } = await appWithKey();
      expect(await tenants.authenticateBearer(secret)).not.toBeNull();
      await tenants.apps.delete(owner, app.id);
      expect(await tenants.authenticateBearer(secret)).toBeNull();
    });

    it('records the last use at most once a minute', async () => {
      const { key, secret } = await appWithKey();
      const lastUsed = async () =>
        (
          await db
            .selectFrom('api_keys')
            .select('last_used_at')
            .where('id', '=', key.id)
            .executeTakeFirstOrThrow()
        ).last_used_at?.getTime() ?? null;
      expect(await lastUsed()).toBeNull();
      await tenants.authenticateBearer(secret);
      const first = await lastUsed();
      expect(first).toBe(clock.now());
      clock.advance(30_000);
      await tenants.authenticateBearer(secret);
      expect(await lastUsed()).toBe(first);
      clock.advance(30_000);
      await tenants.authenticateBearer(secret);
      expect(await lastUsed()).toBe(clock.now());
    });
  });

  describe('user tokens', () => {
    it('verify into a user token principal with the minted scopes', async () => {
      const { owner, app } = await appWithKey();
      const minted = await tenants.tokens.mint(owner, app.id, {
        userId: 'dev-user-42',
        scopes: ['chat:write'],
        ttlSeconds: 600,
      });
      expect(minted.expiresAt.getTime()).toBe(Math.floor(clock.now() / 1000) * 1000 + 600_000);
      expect(await tenants.authenticateBearer(minted.token)).toEqual({
        kind: 'userToken',
        appId: app.id,
        userId: 'dev-user-42',
        scopes: ['chat:write'],
      });
    });

    it('expire after their lifetime plus a few seconds of tolerance', async () => {
      const { owner, app } = await appWithKey();
      const { token } = await tenants.tokens.mint(owner, app.id, { userId: 'u1', ttlSeconds: 60 });
      clock.advance(62_000);
      expect(await tenants.authenticateBearer(token)).not.toBeNull();
      clock.advance(10_000);
      expect(await tenants.authenticateBearer(token)).toBeNull();
    });

    it('stop working when their app is deleted', async () => {
      const { owner, app } = await appWithKey();
      const { token } = await tenants.tokens.mint(owner, app.id, { userId: 'u1' });
      await tenants.apps.delete(owner, app.id);
      expect(await tenants.authenticateBearer(token)).toBeNull();
    });

    it('are refused when forged, tampered, for an unknown audience or from another issuer', async () => {
      const { owner, app } = await appWithKey();
      const { token } = await tenants.tokens.mint(owner, app.id, { userId: 'u1' });
      const { kid } = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as {
        kid: string;
      };
      const iat = Math.floor(clock.now() / 1000);
      const forger = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      const sign = (
        claims: Record<string, unknown>,
        key = forger.privateKey,
        header: Record<string, unknown> = { alg: 'EdDSA', kid },
      ) =>
        new SignJWT({
          iss: ctx.platform.config.publicUrl,
          aud: app.id,
          sub: 'u1',
          iat,
          exp: iat + 600,
          jti: 'j',
          scope: 'playback',
          ...claims,
        })
          .setProtectedHeader(header as { alg: string })
          .sign(key);

      expect(await tenants.authenticateBearer(await sign({}))).toBeNull();
      const [h, p, s] = token.split('.');
      const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
      const tampered = Buffer.from(JSON.stringify({ ...payload, sub: 'admin' })).toString('base64url');
      expect(await tenants.authenticateBearer(`${h}.${tampered}.${s}`)).toBeNull();
      expect(await tenants.authenticateBearer(`${h}.${p}.`)).toBeNull();
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url')}.${p}.`;
      expect(await tenants.authenticateBearer(unsigned)).toBeNull();
      const hs = await new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256', kid })
        .sign(new TextEncoder().encode('k'.repeat(32)));
      expect(await tenants.authenticateBearer(hs)).toBeNull();
      expect(await tenants.authenticateBearer('not.a.jwt')).toBeNull();

      // The instance's own key, but claims it would never issue.
      const ring = (
        tenants.tokens as unknown as { deps: { ring: { signer(): Promise<{ privateKey: CryptoKey }> } } }
      ).deps.ring;
      const real = (await ring.signer()).privateKey;
      expect(await tenants.authenticateBearer(await sign({}, real))).not.toBeNull();
      expect(await tenants.authenticateBearer(await sign({ aud: 'app_doesnotexist' }, real))).toBeNull();
      expect(await tenants.authenticateBearer(await sign({ aud: 'app_site' }, real))).toBeNull();
      expect(await tenants.authenticateBearer(await sign({ iss: 'https://evil.example' }, real))).toBeNull();
      expect(await tenants.authenticateBearer(await sign({ scope: 'apps:write' }, real))).toBeNull();
      expect(
        await tenants.authenticateBearer(await sign({}, real, { alg: 'EdDSA', kid: 'unknown-kid' })),
      ).toBeNull();
    });

    it('share one signing key across nodes even when both create it at once', async () => {
      const { owner, app } = await appWithKey();
      await db.deleteFrom('signing_keys').execute();
      const audit = new AuditStore();
      const nodeA = new TenantService({ platform: ctx.platform, audit });
      const nodeB = new TenantService({ platform: ctx.platform, audit });
      const [a, b] = await Promise.all([
        nodeA.tokens.mint(owner, app.id, { userId: 'u-a' }),
        nodeB.tokens.mint(owner, app.id, { userId: 'u-b' }),
      ]);
      expect(await db.selectFrom('signing_keys').select('kid').execute()).toHaveLength(1);
      expect(await nodeB.authenticateBearer(a.token)).toMatchObject({ kind: 'userToken', userId: 'u-a' });
      expect(await nodeA.authenticateBearer(b.token)).toMatchObject({ kind: 'userToken', userId: 'u-b' });
      const jwks = await nodeA.tokens.jwks();
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).not.toHaveProperty('d');
    });
  });
});
