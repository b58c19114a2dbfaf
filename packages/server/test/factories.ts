import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { newUserId } from '../src/identity/accounts.service.ts';
import { mailedToken } from '../src/identity/identity.fixtures.ts';
import { verifyEmailMail } from '../src/identity/identity.mails.ts';
import { toUser } from '../src/identity/index.ts';
import type { Db } from '../src/platform/db/schema.ts';
import type { TestContext } from './harness.ts';

const databases = new WeakMap<FastifyInstance, Db>();

/** Lets `signUp` read the sign-up mail of an app built for a test; the harness calls it. */
export function rememberDatabase(app: FastifyInstance, db: Db): void {
  databases.set(app, db);
}

/** A user as the API returns it. */
export interface TestUser {
  id: string;
  email: string | null;
  displayName: string;
  role: 'member' | 'creator' | 'moderator' | 'admin';
  emailVerified: boolean;
  telegram: { id: number; username: string | null } | null;
  locale: 'en' | 'es';
  createdAt: string;
}

/** A signed-in user: the cookie and CSRF token to act as them, and the credentials used. */
export interface TestSession {
  user: TestUser;
  /** The `Cookie` header value, `pnptv_session=…`. */
  cookie: string;
  csrfToken: string;
  email: string;
  password: string;
}

/** Fields a test may fix; the rest are generated unique per call. */
export interface UserOverrides {
  email?: string;
  password?: string;
  displayName?: string;
}

function unique(): string {
  return randomBytes(6).toString('hex');
}

function sessionCookie(setCookie: string | string[] | undefined): string {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const header of all) {
    const pair = header.split(';')[0] ?? '';
    if (pair.startsWith('pnptv_session=') && pair.length > 'pnptv_session='.length) return pair;
  }
  throw new Error('the response set no session cookie');
}

/**
 * Signs a new member up as a person would: POST /api/v1/auth/register, then the link from the mail
 * (POST /api/v1/auth/verify-email), which creates the account and signs it in.
 */
export async function signUp(app: FastifyInstance, overrides: UserOverrides = {}): Promise<TestSession> {
  const tag = unique();
  const email = overrides.email ?? `user-${tag}@example.com`;
  const password = overrides.password ?? `pw-${tag}-long-enough`;
  const displayName = overrides.displayName ?? `User ${tag}`;
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email, password, displayName },
  });
  if (res.statusCode !== 202) throw new Error(`sign-up failed: ${res.statusCode} ${res.body}`);
  const db = databases.get(app);
  if (!db) throw new Error('signUp needs an app from the test harness (rememberDatabase)');
  const token = await mailedToken(db, email, '/verify-email');
  const verified = await app.inject({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token } });
  if (verified.statusCode !== 200)
    throw new Error(`sign-up link failed: ${verified.statusCode} ${verified.body}`);
  const body = verified.json() as { user: TestUser; csrfToken: string };
  return {
    user: body.user,
    csrfToken: body.csrfToken,
    cookie: sessionCookie(verified.headers['set-cookie']),
    email,
    password,
  };
}

/** Signs in with email and password through POST /api/v1/auth/login. */
export async function logIn(app: FastifyInstance, email: string, password: string): Promise<TestSession> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`log-in failed: ${res.statusCode} ${res.body}`);
  const body = res.json() as { user: TestUser; csrfToken: string };
  return {
    user: body.user,
    csrfToken: body.csrfToken,
    cookie: sessionCookie(res.headers['set-cookie']),
    email,
    password,
  };
}

/** Creates an instance admin (as `pnptv admin create` does) and signs them in. */
export async function makeAdmin(ctx: TestContext, overrides: UserOverrides = {}): Promise<TestSession> {
  const tag = unique();
  const email = overrides.email ?? `admin-${tag}@example.com`;
  const password = overrides.password ?? `pw-${tag}-long-enough`;
  const displayName = overrides.displayName ?? `Admin ${tag}`;
  await ctx.services.identity.createAdmin({ email, password, displayName });
  return logIn(ctx.app, email, password);
}

/** Headers that authenticate a cookie-session request, CSRF token included. */
export function authHeaders(session: Pick<TestSession, 'cookie' | 'csrfToken'>): {
  cookie: string;
  'x-csrf-token': string;
} {
  return { cookie: session.cookie, 'x-csrf-token': session.csrfToken };
}

/**
 * A signed-in member whose email is not verified yet, with a verification link in the outbox: an
 * account from before sign-up needed the link first (sign-ups through the API arrive verified).
 */
export async function unverifiedMember(ctx: TestContext): Promise<TestSession> {
  const identity = ctx.services.identity.ctx;
  const tag = unique();
  const email = `legacy-${tag}@example.com`;
  const password = `pw-${tag}-long-enough`;
  const passwordHash = await identity.hasher.hash(password);
  const now = identity.now();
  const { user, session } = await identity.db.transaction().execute(async (tx) => {
    const row = await identity.users.insert(tx, {
      id: newUserId(now),
      app_id: identity.appId,
      email,
      email_normalized: email,
      password_hash: passwordHash,
      display_name: `Legacy ${tag}`,
      created_at: now,
      updated_at: now,
    });
    await identity.queueVerification(tx, row, now, (link) => verifyEmailMail('en', row.display_name, link));
    return {
      user: row,
      session: await identity.sessions.create(tx, row.id, { ip: null, userAgent: null }, now),
    };
  });
  return {
    user: toUser(user) as TestUser,
    cookie: `pnptv_session=${session.token}`,
    csrfToken: session.csrfToken,
    email,
    password,
  };
}
