import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { UserRole } from '../db/schema.ts';
import { commonErrors } from '../errors.ts';
import { safeEqual } from '../ids.ts';

/** The signed-in site user, as carried on a session. */
export interface SessionUser {
  id: string;
  appId: string;
  email: string | null;
  displayName: string;
  role: UserRole;
  emailVerified: boolean;
}

/** Who is making a request. Resolved once per request from the cookie or the bearer token. */
export type Principal =
  | { kind: 'session'; appId: string; user: SessionUser; sessionId: string; csrfToken: string }
  | { kind: 'apiKey'; appId: string; keyId: string; scopes: string[] }
  | { kind: 'userToken'; appId: string; userId: string; scopes: string[] };

/** Turns credentials into principals; implemented by identity (sessions) and tenants (keys, tokens). */
export interface Authenticator {
  /** The principal for a session cookie value, or null if it is unknown or expired. */
  session(token: string): Promise<Extract<Principal, { kind: 'session' }> | null>;
  /** The principal for a bearer credential (API key secret or user token), or null if invalid. */
  bearer(token: string): Promise<Extract<Principal, { kind: 'apiKey' | 'userToken' }> | null>;
}

/** Name of the session cookie. */
export const SESSION_COOKIE = 'pnptv_session';
/** Header carrying the CSRF token on cookie-authenticated mutations. */
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; null for anonymous requests. */
    principal: Principal | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function crossSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site') return true;
  const origin = request.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

/**
 * Resolves `request.principal` for API routes and enforces CSRF protection: a mutation
 * authenticated by the session cookie must echo the session's CSRF token in a header, and
 * an anonymous mutation (log in, sign up) must not come from another site.
 */
export function createAuthHook(authenticator: Authenticator): onRequestAsyncHookHandler {
  return async (request, reply) => {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const principal = match ? await authenticator.bearer(match[1]!) : null;
      if (!principal) throw commonErrors.AUTH_INVALID_TOKEN();
      request.principal = principal;
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) {
      const principal = await authenticator.session(cookie);
      if (principal) request.principal = principal;
      else void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    }
    if (SAFE_METHODS.has(request.method)) return;
    if (request.principal?.kind === 'session') {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, request.principal.csrfToken))
        throw commonErrors.AUTH_CSRF();
    } else if (crossSite(request)) {
      throw commonErrors.AUTH_CSRF();
    }
  };
}

/** Declares `request.principal` (null until an auth hook fills it). */
export function decoratePrincipal(app: FastifyInstance): void {
  app.decorateRequest('principal', null);
}

/** The signed-in session, or AUTH_REQUIRED. */
export function requireSession(request: FastifyRequest): Extract<Principal, { kind: 'session' }> {
  const principal = request.principal;
  if (!principal) throw commonErrors.AUTH_REQUIRED();
  if (principal.kind !== 'session')
    throw commonErrors.AUTH_FORBIDDEN('This needs a signed-in user, not an API key');
  return principal;
}

/** The signed-in session of a user holding one of `roles`, or AUTH_REQUIRED / AUTH_FORBIDDEN. */
export function requireRole(
  request: FastifyRequest,
  ...roles: UserRole[]
): Extract<Principal, { kind: 'session' }> {
  const principal = requireSession(request);
  if (!roles.includes(principal.user.role)) throw commonErrors.AUTH_FORBIDDEN();
  return principal;
}

/** Any principal, or AUTH_REQUIRED. */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw commonErrors.AUTH_REQUIRED();
  return request.principal;
}
