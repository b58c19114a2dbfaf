import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { TestContext } from './harness.ts';

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

/** Registers a new member through POST /api/v1/auth/register and returns their session. */
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
  if (res.statusCode !== 201) throw new Error(`sign-up failed: ${res.statusCode} ${res.body}`);
  const body = res.json() as { user: TestUser; csrfToken: string };
  return {
    user: body.user,
    csrfToken: body.csrfToken,
    cookie: sessionCookie(res.headers['set-cookie']),
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
