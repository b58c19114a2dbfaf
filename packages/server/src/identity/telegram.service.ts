import { actorOf } from '../audit/index.ts';
import type { AccountService } from './accounts.service.ts';
import { newUserId } from './accounts.service.ts';
import type { IdentityContext, RequestMeta, SessionMeta, SignedIn } from './identity.context.ts';
import { identityErrors } from './identity.errors.ts';
import { telegramDisplayName } from './identity.rules.ts';
import type { TelegramBody } from './identity.schemas.ts';
import { CONSTRAINTS, isUniqueViolation, type UserRow } from './identity.store.ts';
import { checkTelegramLogin } from './telegram.rules.ts';

/** Outcome of a Telegram sign-in: linked to the current account, or a new session. */
export type TelegramOutcome =
  | { kind: 'linked'; user: UserRow }
  | ({ kind: 'signedIn'; created: boolean } & SignedIn);

/** Sign-in and account linking with the Telegram Login Widget. */
export class TelegramService {
  constructor(
    private readonly ctx: IdentityContext,
    private readonly accounts: AccountService,
  ) {}

  /** Whether the site has a bot token configured. */
  get enabled(): boolean {
    return this.ctx.platform.config.telegramBotToken !== null;
  }

  /**
   * Checks the widget's signature, then links Telegram to the signed-in account, or signs in the
   * account it is linked to, or creates an account for it.
   */
  async authenticate(data: TelegramBody, meta: RequestMeta): Promise<TelegramOutcome> {
    const ctx = this.ctx;
    const { telegramBotToken, telegramAuthMaxAgeS } = ctx.platform.config;
    if (!telegramBotToken) throw identityErrors.IDENTITY_TELEGRAM_DISABLED();
    const check = checkTelegramLogin(data, telegramBotToken, ctx.platform.clock.now(), telegramAuthMaxAgeS);
    if (!check.ok) throw identityErrors.IDENTITY_TELEGRAM_INVALID();
    const principal = meta.principal;
    if (principal?.kind === 'session')
      return { kind: 'linked', user: await this.link(data, { ...meta, principal }) };
    const existing = await ctx.users.byTelegram(ctx.db, ctx.appId, data.id);
    if (existing) return { kind: 'signedIn', created: false, ...(await this.signIn(existing, data, meta)) };
    try {
      return { kind: 'signedIn', created: true, ...(await this.create(data, meta)) };
    } catch (error) {
      // Two first sign-ins raced: the other one created the account, so sign into it.
      if (!isUniqueViolation(error, CONSTRAINTS.telegram)) throw error;
      const winner = await ctx.users.byTelegram(ctx.db, ctx.appId, data.id);
      if (!winner) throw error;
      return { kind: 'signedIn', created: false, ...(await this.signIn(winner, data, meta)) };
    }
  }

  /** Removes the Telegram link; refused for accounts that could not sign in without it. */
  async unlink(meta: SessionMeta): Promise<UserRow> {
    const ctx = this.ctx;
    const now = ctx.now();
    const userId = meta.principal.user.id;
    const user = await ctx.db.transaction().execute(async (tx) => {
      const current = await ctx.users.byId(tx, ctx.appId, userId);
      if (!current) throw identityErrors.IDENTITY_USER_NOT_FOUND();
      if (current.telegram_id === null) return current;
      if (!current.password_hash || !current.email) throw identityErrors.IDENTITY_TELEGRAM_NEEDS_PASSWORD();
      const updated = await ctx.users.update(tx, userId, {
        telegram_id: null,
        telegram_username: null,
        updated_at: now,
      });
      await ctx.audit.record(
        tx,
        {
          appId: ctx.appId,
          ...actorOf(meta.principal, meta.ip),
          action: 'user.telegram_unlink',
          targetType: 'user',
          targetId: userId,
          data: { telegramId: current.telegram_id },
        },
        now,
      );
      return updated ?? current;
    });
    return user;
  }

  private async link(data: TelegramBody, meta: SessionMeta): Promise<UserRow> {
    const ctx = this.ctx;
    const now = ctx.now();
    const userId = meta.principal.user.id;
    try {
      return await ctx.db.transaction().execute(async (tx) => {
        const owner = await ctx.users.byTelegram(tx, ctx.appId, data.id);
        if (owner && owner.id !== userId) throw identityErrors.IDENTITY_TELEGRAM_TAKEN();
        const updated = await ctx.users.update(tx, userId, {
          telegram_id: data.id,
          telegram_username: data.username ?? null,
          updated_at: now,
        });
        if (!updated) throw identityErrors.IDENTITY_USER_NOT_FOUND();
        if (!owner) {
          await ctx.audit.record(
            tx,
            {
              appId: ctx.appId,
              ...actorOf(meta.principal, meta.ip),
              action: 'user.telegram_link',
              targetType: 'user',
              targetId: userId,
              data: { telegramId: data.id },
            },
            now,
          );
        }
        return updated;
      });
    } catch (error) {
      if (isUniqueViolation(error, CONSTRAINTS.telegram)) throw identityErrors.IDENTITY_TELEGRAM_TAKEN();
      throw error;
    }
  }

  private async signIn(user: UserRow, data: TelegramBody, meta: RequestMeta): Promise<SignedIn> {
    const username = data.username ?? null;
    let current = user;
    if (user.telegram_username !== username) {
      current =
        (await this.ctx.users.update(this.ctx.db, user.id, {
          telegram_username: username,
          updated_at: this.ctx.now(),
        })) ?? user;
    }
    return this.accounts.startSession(current, meta, 'telegram');
  }

  private async create(data: TelegramBody, meta: RequestMeta): Promise<SignedIn> {
    const ctx = this.ctx;
    const now = ctx.now();
    const signedIn = await ctx.db.transaction().execute(async (tx) => {
      const user = await ctx.users.insert(tx, {
        id: newUserId(now),
        app_id: ctx.appId,
        email: null,
        email_normalized: null,
        password_hash: null,
        display_name: telegramDisplayName(data),
        telegram_id: data.id,
        telegram_username: data.username ?? null,
        created_at: now,
        updated_at: now,
      });
      const session = await ctx.sessions.create(tx, user.id, meta, now);
      await ctx.audit.record(
        tx,
        {
          appId: ctx.appId,
          actorType: 'user',
          actorId: user.id,
          ip: meta.ip,
          action: 'user.register',
          targetType: 'user',
          targetId: user.id,
          data: { method: 'telegram', telegramId: data.id },
        },
        now,
      );
      return { user, session };
    });
    ctx.userCreated(signedIn.user.id);
    return signedIn;
  }
}
