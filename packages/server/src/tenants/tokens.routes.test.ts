import type { InjectOptions } from 'fastify';
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  type JSONWebKeySet,
  jwtVerify,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import {
  addMember,
  bearer,
  createApp,
  createKey,
  expectError,
  expectRefused,
  manualClock,
} from './tenants.fixtures.ts';
import { USER_TOKEN_SCOPE_NAMES } from './tenants.scopes.ts';

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'user token routes on %s',
  (_name, factory) => {
    const clock = manualClock();
    let ctx: TestContext;
    let owner: TestSession;
    let viewer: TestSession;
    let editor: TestSession;
    let appId: string;
    let otherAppId: string;

    beforeAll(async () => {
      ctx = await createTestContext(factory, { clock });
      owner = await signUp(ctx.app);
      viewer = await signUp(ctx.app);
      editor = await signUp(ctx.app);
      appId = (await createApp(ctx.app, owner, 'Tokens app')).id;
      otherAppId = (await createApp(ctx.app, owner, 'Other app')).id;
      await addMember(ctx.app, ctx.platform.db, owner, appId, viewer, 'viewer');
      await addMember(ctx.app, ctx.platform.db, owner, appId, editor, 'editor');
    });
    afterAll(async () => {
      await ctx?.close();
    });

    const inject = (options: InjectOptions) => ctx.app.inject(options);

    describe('user tokens', () => {
      const tokensUrl = () => `/api/v1/apps/${appId}/tokens`;

      it('mints a signed JWT with the documented claims, verifiable with the published JWKS', async () => {
        const minter = await createKey(ctx.app, owner, appId, ['tokens:mint']);
        const res = await inject({
          method: 'POST',
          url: tokensUrl(),
          headers: bearer(minter.secret),
          payload: { userId: 'customer-7', ttlSeconds: 120, scopes: ['chat:write'] },
        });
        expect(res.statusCode).toBe(201);
        const { token, expiresAt } = res.json() as { token: string; expiresAt: string };
        const header = decodeProtectedHeader(token);
        const claims = decodeJwt(token);
        expect(header.alg).toBe('EdDSA');
        expect(typeof header.kid).toBe('string');
        expect(claims).toMatchObject({
          iss: ctx.platform.config.publicUrl,
          aud: appId,
          sub: 'customer-7',
          scope: 'chat:write',
        });
        expect(claims.exp! - claims.iat!).toBe(120);
        expect(new Date(expiresAt).getTime()).toBe(claims.exp! * 1000);
        expect(typeof claims.jti).toBe('string');

        const jwksRes = await inject({ method: 'GET', url: '/.well-known/jwks.json' });
        expect(jwksRes.statusCode).toBe(200);
        expect(jwksRes.headers['cache-control']).toContain('max-age');
        const jwks = jwksRes.json() as JSONWebKeySet;
        expect(jwks.keys.every((k) => k.kty === 'OKP' && k.crv === 'Ed25519' && !('d' in k))).toBe(true);
        const verified = await jwtVerify(token, createLocalJWKSet(jwks), {
          audience: appId,
          currentDate: new Date(clock.now()),
        });
        expect(verified.payload.sub).toBe('customer-7');

        const audit = await ctx.platform.db
          .selectFrom('audit_log')
          .selectAll()
          .where('action', '=', 'token.mint')
          .where('target_id', '=', 'customer-7')
          .execute();
        expect(audit).toHaveLength(1);
        expect(JSON.stringify(audit)).not.toContain(token.split('.')[2]);
      });

      it('defaults to every user token scope for an hour, and lets session admins mint too', async () => {
        const res = await inject({
          method: 'POST',
          url: tokensUrl(),
          headers: authHeaders(owner),
          payload: { userId: 'u' },
        });
        expect(res.statusCode).toBe(201);
        const claims = decodeJwt((res.json() as { token: string }).token);
        expect(claims.scope).toBe(USER_TOKEN_SCOPE_NAMES.join(' '));
        expect(claims.exp! - claims.iat!).toBe(3600);
      });

      it('authenticates requests with the token, which can then not manage apps', async () => {
        const { token } = (
          await inject({
            method: 'POST',
            url: tokensUrl(),
            headers: authHeaders(owner),
            payload: { userId: 'u' },
          })
        ).json() as { token: string };
        expectError(
          await inject({ method: 'GET', url: '/api/v1/apps', headers: bearer(token) }),
          403,
          'AUTH_FORBIDDEN',
        );
        expectError(
          await inject({ method: 'GET', url: `/api/v1/apps/${appId}`, headers: bearer(token) }),
          403,
          'AUTH_FORBIDDEN',
        );
        await expectRefused(
          ctx.platform.db,
          () =>
            inject({ method: 'POST', url: tokensUrl(), headers: bearer(token), payload: { userId: 'x' } }),
          403,
          'AUTH_FORBIDDEN',
        );
      });

      it('refuses expired, forged and tampered tokens as invalid credentials', async () => {
        const { token } = (
          await inject({
            method: 'POST',
            url: tokensUrl(),
            headers: authHeaders(owner),
            payload: { userId: 'u', ttlSeconds: 60 },
          })
        ).json() as { token: string };
        const { kid } = decodeProtectedHeader(token);
        const forger = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
        const forged = await new SignJWT(decodeJwt(token))
          .setProtectedHeader({ alg: 'EdDSA', kid })
          .sign(forger.privateKey);
        expectError(
          await inject({ method: 'GET', url: '/api/v1/apps', headers: bearer(forged) }),
          401,
          'AUTH_INVALID_TOKEN',
        );
        const [h, , s] = token.split('.');
        const otherAud = Buffer.from(JSON.stringify({ ...decodeJwt(token), aud: otherAppId })).toString(
          'base64url',
        );
        expectError(
          await inject({ method: 'GET', url: '/api/v1/apps', headers: bearer(`${h}.${otherAud}.${s}`) }),
          401,
          'AUTH_INVALID_TOKEN',
        );
        clock.advance(120_000);
        expectError(
          await inject({ method: 'GET', url: '/api/v1/apps', headers: bearer(token) }),
          401,
          'AUTH_INVALID_TOKEN',
        );
      });

      it('stops accepting tokens of a deleted app', async () => {
        const doomed = await createApp(ctx.app, owner, 'Doomed');
        const { token } = (
          await inject({
            method: 'POST',
            url: `/api/v1/apps/${doomed.id}/tokens`,
            headers: authHeaders(owner),
            payload: { userId: 'u' },
          })
        ).json() as { token: string };
        expectError(
          await inject({ method: 'GET', url: '/api/v1/apps', headers: bearer(token) }),
          403,
          'AUTH_FORBIDDEN',
        );
        expect(
          (await inject({ method: 'DELETE', url: `/api/v1/apps/${doomed.id}`, headers: authHeaders(owner) }))
            .statusCode,
        ).toBe(204);
        expectError(
          await inject({ method: 'GET', url: '/api/v1/apps', headers: bearer(token) }),
          401,
          'AUTH_INVALID_TOKEN',
        );
      });

      it('refuses to mint without tokens:mint, below admin, for another app, or with bad input', async () => {
        const db = ctx.platform.db;
        const reader = await createKey(ctx.app, owner, appId, ['apps:read']);
        const foreign = await createKey(ctx.app, owner, otherAppId, ['tokens:mint']);
        const payload = { userId: 'u' };
        await expectRefused(
          db,
          () => inject({ method: 'POST', url: tokensUrl(), headers: bearer(reader.secret), payload }),
          403,
          'AUTH_SCOPE_MISSING',
        );
        await expectRefused(
          db,
          () => inject({ method: 'POST', url: tokensUrl(), headers: bearer(foreign.secret), payload }),
          404,
          'TENANTS_APP_NOT_FOUND',
        );
        for (const who of [viewer, editor]) {
          await expectRefused(
            db,
            () => inject({ method: 'POST', url: tokensUrl(), headers: authHeaders(who), payload }),
            403,
            'AUTH_FORBIDDEN',
          );
        }
        await expectRefused(
          db,
          () => inject({ method: 'POST', url: tokensUrl(), payload }),
          401,
          'AUTH_REQUIRED',
        );
        const minter = await createKey(ctx.app, owner, appId, ['tokens:mint']);
        const cases: [unknown, string][] = [
          [{ userId: '' }, 'VALIDATION_FAILED'],
          [{ userId: 'x'.repeat(129) }, 'VALIDATION_FAILED'],
          [{ userId: 5 }, 'VALIDATION_FAILED'],
          [{ userId: 'u', ttlSeconds: 59 }, 'VALIDATION_FAILED'],
          [{ userId: 'u', ttlSeconds: 86_401 }, 'VALIDATION_FAILED'],
          [{ userId: 'u', ttlSeconds: '3600' }, 'VALIDATION_FAILED'],
          [{ userId: 'u', ttlSeconds: 90.5 }, 'VALIDATION_FAILED'],
          [{ userId: 'u', admin: true }, 'VALIDATION_FAILED'],
          [{ userId: 'u', scopes: ['apps:write'] }, 'TENANTS_SCOPES_INVALID'],
          [{ userId: 'u', scopes: [] }, 'TENANTS_SCOPES_INVALID'],
        ];
        for (const [body, code] of cases) {
          await expectRefused(
            db,
            () =>
              inject({
                method: 'POST',
                url: tokensUrl(),
                headers: bearer(minter.secret),
                payload: body as object,
              }),
            400,
            code,
          );
        }
      });
    });
  },
);
