import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { dbSnapshot, ManualClock } from './identity.fixtures.ts';

describe.each(testDatabases().map((f) => [f.name, f] as const))('two-factor on %s', (_name, factory) => {
  let ctx: TestContext;
  // Start mid-step so that a code computed "now" stays valid while the test runs.
  const clock = new ManualClock(Math.floor(Date.now() / 30_000) * 30_000 + 10_000);
  beforeAll(async () => {
    ctx = await createTestContext(factory, { clock });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const codeFor = (secret: string) => generate({ secret, epoch: Math.floor(clock.now() / 1000) });
  const post = (url: string, payload: unknown, session?: TestSession) =>
    ctx.app.inject({
      method: 'POST',
      url,
      payload: payload as object,
      headers: session ? authHeaders(session) : {},
    });

  /** Signs a member up and turns two-factor on; returns the secret and the recovery codes. */
  async function enrolled(): Promise<{ user: TestSession; secret: string; recoveryCodes: string[] }> {
    const user = await signUp(ctx.app);
    const start = await post('/api/v1/me/two-factor/enrolment', {}, user);
    expect(start.statusCode).toBe(200);
    const { secret, otpauthUri, qrCode } = start.json();
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(otpauthUri).toContain(`secret=${secret}`);
    expect(qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(qrCode.split(',')[1], 'base64').toString()).toContain('<svg');
    const confirm = await post('/api/v1/me/two-factor/confirm', { code: await codeFor(secret) }, user);
    expect(confirm.statusCode).toBe(200);
    const { recoveryCodes } = confirm.json();
    clock.advance(30_000);
    return { user, secret, recoveryCodes };
  }

  const login = (user: TestSession) =>
    post('/api/v1/auth/login', { email: user.email, password: user.password });
  const secondStep = (mfaToken: string, code: string) =>
    post('/api/v1/auth/login/second-factor', { mfaToken, code });

  it('enrols with a first code, hands out ten recovery codes and never shows the secret again', async () => {
    const { user, recoveryCodes } = await enrolled();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
    const status = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/me/two-factor',
      headers: authHeaders(user),
    });
    expect(status.json()).toEqual({ enabled: true, recoveryCodesLeft: 10 });
    const again = await post('/api/v1/me/two-factor/enrolment', {}, user);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('IDENTITY_MFA_ALREADY_ENABLED');
    const stored = await ctx.platform.db
      .selectFrom('user_recovery_codes')
      .select('code_hash')
      .where('user_id', '=', user.user.id)
      .execute();
    expect(stored.map((r) => r.code_hash)).not.toContain(recoveryCodes[0]);
    const row = await ctx.platform.db
      .selectFrom('user_totp')
      .select('secret_sealed')
      .where('user_id', '=', user.user.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_sealed).toMatch(/^v1\./);
  });

  it('refuses to turn on with a wrong first code', async () => {
    const user = await signUp(ctx.app);
    expect((await post('/api/v1/me/two-factor/enrolment', {}, user)).statusCode).toBe(200);
    const res = await post('/api/v1/me/two-factor/confirm', { code: '000000' }, user);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('IDENTITY_MFA_INVALID_CODE');
  });

  it('asks for a code after the password, with a pending token and no session', async () => {
    const { user, secret } = await enrolled();
    const first = await login(user);
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ secondFactor: 'totp', expiresInS: 300 });
    expect(first.headers['set-cookie']).toBeUndefined();
    const before = await dbSnapshot(ctx.platform.db);
    const wrong = await secondStep(first.json().mfaToken, '123456');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('IDENTITY_MFA_INVALID_CODE');
    expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    const code = await codeFor(secret);
    const ok = await secondStep(first.json().mfaToken, code);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user.id).toBe(user.user.id);
    expect(String(ok.headers['set-cookie'])).toContain('pnptv_session=');
    const spent = await secondStep(first.json().mfaToken, code);
    expect(spent.json().code).toBe('IDENTITY_MFA_TOKEN_INVALID');
    // The same code again, within its window, on a fresh pending login: refused.
    const replay = await secondStep((await login(user)).json().mfaToken, code);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('IDENTITY_MFA_INVALID_CODE');
  });

  it('takes a recovery code once', async () => {
    const { user, recoveryCodes } = await enrolled();
    const code = recoveryCodes[3]!;
    const ok = await secondStep((await login(user)).json().mfaToken, ` ${code.toUpperCase()} `);
    expect(ok.statusCode).toBe(200);
    const again = await secondStep((await login(user)).json().mfaToken, code);
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('IDENTITY_MFA_INVALID_CODE');
    const status = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/me/two-factor',
      headers: authHeaders(user),
    });
    expect(status.json().recoveryCodesLeft).toBe(9);
  });

  it('drops a pending login after five wrong codes', async () => {
    const { user, secret } = await enrolled();
    const { mfaToken } = (await login(user)).json();
    for (let i = 0; i < 5; i++) expect((await secondStep(mfaToken, `00000${i}`)).statusCode).toBe(401);
    const late = await secondStep(mfaToken, await codeFor(secret));
    expect(late.json().code).toBe('IDENTITY_MFA_TOKEN_INVALID');
  });

  it('regenerates recovery codes after a current code; the old ones stop working', async () => {
    const { user, secret, recoveryCodes } = await enrolled();
    const res = await post('/api/v1/me/two-factor/recovery-codes', { code: await codeFor(secret) }, user);
    expect(res.statusCode).toBe(200);
    const fresh: string[] = res.json().recoveryCodes;
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(recoveryCodes[0]);
    const old = await secondStep((await login(user)).json().mfaToken, recoveryCodes[0]!);
    expect(old.statusCode).toBe(401);
    expect((await secondStep((await login(user)).json().mfaToken, fresh[0]!)).statusCode).toBe(200);
  });

  it('turns off only with the password and a code, then signs in with the password alone', async () => {
    const { user, secret } = await enrolled();
    const noPassword = await post(
      '/api/v1/me/two-factor/disable',
      { password: 'not the password', code: await codeFor(secret) },
      user,
    );
    expect(noPassword.json().code).toBe('IDENTITY_WRONG_PASSWORD');
    const noCode = await post(
      '/api/v1/me/two-factor/disable',
      { password: user.password, code: '999999' },
      user,
    );
    expect(noCode.json().code).toBe('IDENTITY_MFA_INVALID_CODE');
    const ok = await post(
      '/api/v1/me/two-factor/disable',
      { password: user.password, code: await codeFor(secret) },
      user,
    );
    expect(ok.statusCode).toBe(204);
    expect((await login(user)).statusCode).toBe(200);
    const rows = await ctx.platform.db
      .selectFrom('user_recovery_codes')
      .select('code_hash')
      .where('user_id', '=', user.user.id)
      .execute();
    expect(rows).toEqual([]);
  });
});
