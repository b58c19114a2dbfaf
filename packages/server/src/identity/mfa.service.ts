import { randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { actorOf } from '../audit/index.ts';
import { RetryAfterError } from '../platform/errors.ts';
import { randomSecret, sha256Hex } from '../platform/ids.ts';
import type { IdentityContext, SessionMeta } from './identity.context.ts';
import { identityErrors } from './identity.errors.ts';
import {
  MFA_PENDING_ATTEMPTS,
  MFA_PENDING_TTL_MS,
  normaliseRecoveryCode,
  RECOVERY_CODE_COUNT,
  recoveryCodeOf,
  TOTP_TOLERANCE_S,
  totpCodeOf,
} from './mfa.rules.ts';
import { MfaStore } from './mfa.store.ts';

/** Wrong second-factor codes accepted per user in the window, outside a pending login. */
const CODE_LIMIT = { limit: 10, windowMs: 15 * 60_000 } as const;

/** What a pending login carries between the password step and the code step. */
export interface PendingLogin {
  userId: string;
  /** The device cookie's device id, if the browser had one for this account. */
  deviceId: string | null;
}

/** A new enrolment: the secret to type in, the same as an otpauth URI and as a QR code image. */
export interface Enrolment {
  secret: string;
  otpauthUri: string;
  /** `data:image/svg+xml;base64,…` */
  qrCode: string;
}

/** TOTP two-factor: enrolment, recovery codes, the login's second step, disabling. */
export class MfaService {
  readonly store = new MfaStore();

  constructor(private readonly ctx: IdentityContext) {}

  /** Whether `userId` has two-factor on, and how many recovery codes are left. */
  async status(userId: string): Promise<{ enabled: boolean; recoveryCodesLeft: number }> {
    const row = await this.store.totp(this.ctx.db, userId);
    if (!row?.enabled_at) return { enabled: false, recoveryCodesLeft: 0 };
    return { enabled: true, recoveryCodesLeft: await this.store.unusedCodes(this.ctx.db, userId) };
  }

  /** Starts (or restarts) an enrolment; the secret is shown now and never again. */
  async startEnrolment(meta: SessionMeta): Promise<Enrolment> {
    const ctx = this.ctx;
    const user = meta.principal.user;
    const secret = generateSecret();
    const stored = await this.store.putPending(ctx.db, {
      user_id: user.id,
      app_id: ctx.appId,
      secret_sealed: await ctx.secrets.encrypt(secret),
      created_at: ctx.now(),
    });
    if (!stored) throw identityErrors.IDENTITY_MFA_ALREADY_ENABLED();
    const otpauthUri = generateURI({
      issuer: new URL(ctx.platform.config.publicUrl).host,
      label: user.email ?? user.displayName,
      secret,
    });
    const svg = await QRCode.toString(otpauthUri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    return { secret, otpauthUri, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
  }

  /** Confirms the enrolment with a first code, turns two-factor on and returns the recovery codes. */
  async confirmEnrolment(code: string, meta: SessionMeta): Promise<string[]> {
    const ctx = this.ctx;
    const userId = meta.principal.user.id;
    await this.#gate(userId);
    const row = await this.store.totp(ctx.db, userId);
    if (!row) throw identityErrors.IDENTITY_MFA_NOT_STARTED();
    if (row.enabled_at) throw identityErrors.IDENTITY_MFA_ALREADY_ENABLED();
    const step = await this.#totpStep(row.secret_sealed, code, 0);
    if (step === null) return this.#wrong(userId);
    const now = ctx.now();
    const codes = await ctx.db.transaction().execute(async (tx) => {
      if (!(await this.store.enable(tx, userId, step, now)))
        throw identityErrors.IDENTITY_MFA_ALREADY_ENABLED();
      const fresh = await this.#replaceCodes(tx, userId, now);
      await this.#audit(tx, meta, 'user.mfa_enable', now);
      return fresh;
    });
    await ctx.platform.rateLimiter.reset(gateKey(userId));
    return codes;
  }

  /** New recovery codes (the old ones stop working), after a current code. */
  async regenerateCodes(code: string, meta: SessionMeta): Promise<string[]> {
    const userId = meta.principal.user.id;
    await this.#requireCode(userId, code);
    const now = this.ctx.now();
    return this.ctx.db.transaction().execute(async (tx) => {
      const fresh = await this.#replaceCodes(tx, userId, now);
      await this.#audit(tx, meta, 'user.mfa_recovery_codes', now);
      return fresh;
    });
  }

  /** Turns two-factor off after the password and a current code (or a recovery code). */
  async disable(input: { password: string; code: string }, meta: SessionMeta): Promise<void> {
    const ctx = this.ctx;
    const userId = meta.principal.user.id;
    await this.#gate(userId);
    const user = await ctx.users.byId(ctx.db, ctx.appId, userId);
    if (!user?.password_hash) throw identityErrors.IDENTITY_NO_PASSWORD();
    if (!(await ctx.hasher.verify(user.password_hash, input.password))) {
      await ctx.platform.rateLimiter.hit(gateKey(userId), CODE_LIMIT.limit, CODE_LIMIT.windowMs);
      throw identityErrors.IDENTITY_WRONG_PASSWORD();
    }
    await this.#requireCode(userId, input.code);
    const now = ctx.now();
    await ctx.db.transaction().execute(async (tx) => {
      await this.store.deleteAll(tx, userId);
      await this.#audit(tx, meta, 'user.mfa_disable', now);
    });
  }

  /** Whether signing in as `userId` needs a second step. */
  async required(userId: string): Promise<boolean> {
    return Boolean((await this.store.totp(this.ctx.db, userId))?.enabled_at);
  }

  /** Opens a pending login (not a session) and returns its token, valid for 5 minutes. */
  async openPending(pending: PendingLogin): Promise<string> {
    const token = randomSecret(32);
    await this.ctx.platform.cache.set(pendingKey(token), JSON.stringify(pending), MFA_PENDING_TTL_MS);
    return token;
  }

  /** Completes a pending login with a TOTP or recovery code; the token is spent on success. */
  async completePending(
    token: string,
    code: string,
  ): Promise<PendingLogin & { factor: 'totp' | 'recovery_code' }> {
    const cache = this.ctx.platform.cache;
    const key = pendingKey(token);
    const raw = await cache.get(key);
    if (!raw) throw identityErrors.IDENTITY_MFA_TOKEN_INVALID();
    const pending = JSON.parse(raw) as PendingLogin;
    const factor = await this.#check(pending.userId, code);
    if (!factor) {
      const tries = await cache.increment(`${key}:tries`, 1, MFA_PENDING_TTL_MS);
      if (tries >= MFA_PENDING_ATTEMPTS) await cache.delete(key);
      throw identityErrors.IDENTITY_MFA_INVALID_CODE();
    }
    await cache.delete(key);
    return { ...pending, factor };
  }

  /** Which factor `code` is valid as, spending it; null if it is wrong or already used. */
  async #check(userId: string, code: string): Promise<'totp' | 'recovery_code' | null> {
    const row = await this.store.totp(this.ctx.db, userId);
    if (!row?.enabled_at) return null;
    const step = await this.#totpStep(row.secret_sealed, code, Number(row.last_time_step));
    if (step !== null) return (await this.store.advanceStep(this.ctx.db, userId, step)) ? 'totp' : null;
    const recovery = normaliseRecoveryCode(code);
    if (!recovery) return null;
    return (await this.store.useCode(this.ctx.db, userId, sha256Hex(recovery), this.ctx.now()))
      ? 'recovery_code'
      : null;
  }

  /** The time step `code` is valid for (after `afterStep`), or null. */
  async #totpStep(sealed: string, code: string, afterStep: number): Promise<number | null> {
    const token = totpCodeOf(code);
    if (!token) return null;
    const result = await verify({
      secret: await this.ctx.secrets.decrypt(sealed),
      token,
      epoch: Math.floor(this.ctx.platform.clock.now() / 1000),
      epochTolerance: TOTP_TOLERANCE_S,
      afterTimeStep: afterStep,
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }

  async #requireCode(userId: string, code: string): Promise<void> {
    await this.#gate(userId);
    if (!(await this.required(userId))) throw identityErrors.IDENTITY_MFA_NOT_ENABLED();
    if (!(await this.#check(userId, code))) await this.#wrong(userId);
  }

  async #gate(userId: string): Promise<void> {
    const gate = await this.ctx.platform.rateLimiter.peek(
      gateKey(userId),
      CODE_LIMIT.limit,
      CODE_LIMIT.windowMs,
    );
    if (!gate.allowed)
      throw new RetryAfterError(identityErrors.IDENTITY_RATE_LIMITED(), gate.retryAfterMs / 1000);
  }

  async #wrong(userId: string): Promise<never> {
    await this.ctx.platform.rateLimiter.hit(gateKey(userId), CODE_LIMIT.limit, CODE_LIMIT.windowMs);
    throw identityErrors.IDENTITY_MFA_INVALID_CODE();
  }

  async #replaceCodes(
    tx: Parameters<MfaStore['replaceCodes']>[0],
    userId: string,
    now: Date,
  ): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => recoveryCodeOf(randomBytes(10)));
    const hashes = codes.map((code) => sha256Hex(normaliseRecoveryCode(code) ?? code));
    await this.store.replaceCodes(tx, userId, hashes, now);
    return codes;
  }

  async #audit(
    tx: Parameters<MfaStore['replaceCodes']>[0],
    meta: SessionMeta,
    action: 'user.mfa_enable' | 'user.mfa_disable' | 'user.mfa_recovery_codes',
    now: Date,
  ): Promise<void> {
    await this.ctx.audit.record(
      tx,
      {
        appId: this.ctx.appId,
        ...actorOf(meta.principal, meta.ip),
        action,
        targetType: 'user',
        targetId: meta.principal.user.id,
      },
      now,
    );
  }
}

function pendingKey(token: string): string {
  return `identity:mfa:pending:${sha256Hex(token)}`;
}

function gateKey(userId: string): string {
  return `identity:mfa:codes:${userId}`;
}
