import type { AuditStore } from '../audit/index.ts';
import type { Platform } from '../platform/platform.ts';
import { AccountService } from './accounts.service.ts';
import { UserAdminService } from './admin.service.ts';
import { CreatorService } from './creators.service.ts';
import { IdentityContext, type SignInGate } from './identity.context.ts';
import { toUser, type User } from './identity.schemas.ts';
import type { UserRow } from './identity.store.ts';
import { MfaService } from './mfa.service.ts';
import { MySessionsService } from './my-sessions.service.ts';
import { RecoveryService } from './recovery.service.ts';
import type { SessionPrincipal } from './sessions.ts';
import { SignupService } from './signup.service.ts';
import { TelegramService } from './telegram.service.ts';

/** Site accounts: sign-up and sign-in (password or Telegram), sessions, recovery, roles and creator applications. */
export class IdentityService {
  readonly ctx: IdentityContext;
  readonly accounts: AccountService;
  readonly signup: SignupService;
  readonly mfa: MfaService;
  readonly recovery: RecoveryService;
  readonly telegram: TelegramService;
  readonly creators: CreatorService;
  readonly admin: UserAdminService;
  /** The signed-in user's own sessions. */
  readonly sessions: MySessionsService;

  /** `signInGate` is asked before every sign-in opens a session (see `SignInGate`). */
  constructor(deps: { platform: Platform; audit: AuditStore; signInGate?: SignInGate }) {
    this.ctx = new IdentityContext(deps.platform, deps.audit, deps.signInGate);
    this.sessions = new MySessionsService(this.ctx);
    this.mfa = new MfaService(this.ctx);
    this.accounts = new AccountService(this.ctx, this.mfa);
    this.signup = new SignupService(this.ctx);
    this.recovery = new RecoveryService(this.ctx);
    this.telegram = new TelegramService(this.ctx, this.accounts);
    this.creators = new CreatorService(this.ctx);
    this.admin = new UserAdminService(this.ctx);
  }

  /** The principal of a session cookie value, or null if unknown or expired. Cached for 30 s. */
  authenticateSession(token: string): Promise<SessionPrincipal | null> {
    return this.ctx.sessions.authenticate(token);
  }

  /** A user of the site app by id (undefined if none). */
  userById(userId: string): Promise<UserRow | undefined> {
    return this.ctx.users.byId(this.ctx.db, this.ctx.appId, userId);
  }

  /** Whether `password` is the user's current one; null when the account has no password (Telegram only). */
  async checkPassword(user: UserRow, password: string): Promise<boolean | null> {
    if (!user.password_hash) return null;
    return this.ctx.hasher.verify(user.password_hash, password);
  }

  /** The boot hint with a fresh setup link while no admin exists; null once one does. */
  firstRunHint(): Promise<string | null> {
    return this.admin.firstRunHint();
  }

  /** Creates a verified admin or promotes the account with that email (resetting its password). */
  async createAdmin(input: { email: string; password: string; displayName: string }): Promise<User> {
    return toUser(await this.admin.createAdmin(input));
  }
}
