/**
 * Pure rules on the shape of a webhook target URL. Which addresses it may reach is the outbound
 * HTTP policy's business (`platform/http/outbound.rules.ts`), checked at registration and again
 * at every connection.
 */

/** Longest accepted endpoint URL, characters. */
export const MAX_URL_LENGTH = 2048;

/** Why a URL cannot be a webhook target. */
export type UrlProblem = 'invalid' | 'scheme' | 'too_long' | 'credentials';

/** Parses and checks an endpoint URL: http(s), at most 2048 characters, no user or password. */
export function parseTargetUrl(raw: string): { ok: true; url: URL } | { ok: false; problem: UrlProblem } {
  if (raw.length > MAX_URL_LENGTH) return { ok: false, problem: 'too_long' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: 'invalid' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, problem: 'scheme' };
  if (url.username !== '' || url.password !== '') return { ok: false, problem: 'credentials' };
  if (url.hostname === '') return { ok: false, problem: 'invalid' };
  return { ok: true, url };
}
