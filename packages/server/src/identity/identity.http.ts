import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../platform/config.ts';
import { RetryAfterError } from '../platform/errors.ts';
import { SESSION_COOKIE } from '../platform/http/auth.ts';
import { deviceCookieOf } from './devices.ts';
import type { RequestMeta, SessionMeta } from './identity.context.ts';
import type { SessionPrincipal } from './sessions.ts';

/** The request facts the use cases need. */
export function metaOf(request: FastifyRequest): RequestMeta {
  const agent = request.headers['user-agent'];
  return {
    principal: request.principal,
    ip: request.ip ?? null,
    userAgent: typeof agent === 'string' ? agent : null,
    deviceCookie: deviceCookieOf(request),
  };
}

/** The request facts for a use case needing a session (after `requireSession`). */
export function sessionMetaOf(request: FastifyRequest, principal: SessionPrincipal): SessionMeta {
  return { ...metaOf(request), principal };
}

function cookieOptions(config: Config) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure: config.publicUrl.startsWith('https:'),
  };
}

/** Hands the new session's cookie to the browser. */
export function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  void reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(config), maxAge: config.sessionTtlS });
}

/** Tells the browser to drop the session cookie. */
export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  void reply.clearCookie(SESSION_COOKIE, cookieOptions(config));
}

/** Runs `work`; a throttling error gets its `retry-after` header (seconds) before it is answered. */
export async function withRetryAfter<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RetryAfterError) void reply.header('retry-after', String(error.retryAfterS));
    throw error;
  }
}
