import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../platform/config.ts';
import { randomSecret } from '../platform/ids.ts';
import type { IdentitySecrets } from './secrets.ts';

/** Name of the cookie that marks a browser as one that signed into an account before. */
export const DEVICE_COOKIE = 'pnptv_device';
/** Lifetime of the device cookie, seconds (one year). */
export const DEVICE_COOKIE_TTL_S = 365 * 24 * 3600;
/** Only the sign-in routes need the device cookie. */
const DEVICE_COOKIE_PATH = '/api/v1/auth';

/**
 * Device cookies: `<deviceId>.<userId>.<signature>`, signed with the identity secret. A valid one for the
 * account being signed into exempts the attempt from the per-address and account-wide login throttles.
 */
export class DeviceCookies {
  constructor(private readonly secrets: IdentitySecrets) {}

  /** The device id the cookie vouches for as having signed into `userId`, or null. */
  async knownDevice(cookie: string | null, userId: string | null): Promise<string | null> {
    if (!cookie || !userId) return null;
    const [deviceId, owner, signature, extra] = cookie.split('.');
    if (extra !== undefined || !deviceId || !signature || owner !== userId) return null;
    return (await this.secrets.verify(payload(deviceId, owner), signature)) ? deviceId : null;
  }

  /** A cookie value for `userId`, keeping the device id of a cookie the browser already holds. */
  async issue(userId: string, deviceId: string | null): Promise<string> {
    const id = deviceId ?? randomSecret(16);
    return `${id}.${userId}.${await this.secrets.sign(payload(id, userId))}`;
  }
}

function payload(deviceId: string, userId: string): string {
  return `device:${deviceId}:${userId}`;
}

/** The raw device cookie of a request, or null. */
export function deviceCookieOf(request: FastifyRequest): string | null {
  const value = request.cookies[DEVICE_COOKIE];
  return typeof value === 'string' && value.length <= 256 ? value : null;
}

/** Hands the browser its (long-lived, HttpOnly) device cookie. */
export function setDeviceCookie(reply: FastifyReply, config: Config, value: string): void {
  void reply.setCookie(DEVICE_COOKIE, value, {
    httpOnly: true,
    sameSite: 'lax',
    path: DEVICE_COOKIE_PATH,
    secure: config.publicUrl.startsWith('https:'),
    maxAge: DEVICE_COOKIE_TTL_S,
  });
}
