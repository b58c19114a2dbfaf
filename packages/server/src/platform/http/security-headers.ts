import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';

type Directives = Record<string, string[]>;

/** The configuration the policy depends on. */
type SiteConfig = Pick<Config, 'publicUrl' | 'publicUrlDerived' | 'telegramBotToken'>;

/** Telegram's Login Widget: its script, and the iframe it opens the login in. */
const TELEGRAM_SCRIPT = 'https://telegram.org';
const TELEGRAM_FRAME = 'https://oauth.telegram.org';

/**
 * The web app's policy. React sets `style` props through the CSSOM (`element.style`), which
 * CSP does not govern, and the production build has no inline `<script>` or `<style>`: so
 * neither `script-src` nor `style-src` needs `'unsafe-inline'`. hls.js runs its demuxer in a
 * `blob:` worker and plays through Media Source Extensions (`blob:` media); Socket.IO's
 * same-origin `ws:`/`wss:` is covered by `'self'`. Branding logos may live on any https host.
 * Playback, thumbnail and recording URLs are built on PUBLIC_URL, whose origin differs from the
 * page's on a custom domain (or `localhost` against `127.0.0.1`): it is allowed beside `'self'`.
 */
export function appDirectives(config: SiteConfig): Directives {
  const telegram = config.telegramBotToken !== null;
  // A derived PUBLIC_URL (`http://localhost:$PORT`) learns its port only once listening (PORT=0).
  const site = config.publicUrlDerived ? 'http://localhost:*' : new URL(config.publicUrl).origin;
  const directives: Directives = {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'script-src': ["'self'", ...(telegram ? [TELEGRAM_SCRIPT] : [])],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", site, 'data:', 'blob:', 'https:'],
    'font-src': ["'self'", 'data:'],
    'media-src': ["'self'", site, 'blob:'],
    'connect-src': ["'self'", site],
    'worker-src': ["'self'", 'blob:'],
    'frame-src': telegram ? [TELEGRAM_FRAME] : ["'none'"],
    'frame-ancestors': ["'none'"],
    'object-src': ["'none'"],
    'form-action': ["'self'"],
    'manifest-src': ["'self'"],
  };
  if (isHttps(config.publicUrl)) directives['upgrade-insecure-requests'] = [];
  return directives;
}

/**
 * Swagger UI at /api/docs: its scripts are files, its icons are `data:` images, and rendered
 * descriptions (markdown, highlighted examples) may carry `style` attributes, so inline styles are
 * allowed on these routes only. Its validator badge is turned off in app.ts (a third-party image).
 */
export const SWAGGER_UI_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "form-action 'self'",
].join('; ');

/** ePayco's domains: the checkout script, and what it loads, frames and posts to. */
const EPAYCO = ['https://checkout.epayco.co', 'https://*.epayco.co', 'https://*.epayco.com'];

/**
 * Route options for the ePayco checkout page: its one inline script carries a per-request nonce
 * (`reply.cspNonce.script`); ePayco's script may load, frame and style from ePayco's hosts.
 * Styles stay allowed inline there because checkout.js draws its overlay with them.
 */
export const epaycoCheckoutSecurity: NonNullable<FastifyHelmetOptions> = {
  enableCSPNonces: true,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      'default-src': ["'self'"],
      'base-uri': ["'none'"],
      'script-src': ["'self'", ...EPAYCO],
      'style-src': ["'self'", "'unsafe-inline'", ...EPAYCO],
      'img-src': ["'self'", 'data:', 'https:'],
      'connect-src': ["'self'", ...EPAYCO],
      'frame-src': EPAYCO,
      'frame-ancestors': ["'none'"],
      'object-src': ["'none'"],
      'form-action': ["'self'", ...EPAYCO],
    },
  },
};

function isHttps(url: string): boolean {
  return url.startsWith('https://');
}

/** The helmet options every response gets (routes may replace the policy, as the ePayco page does). */
export function securityOptions(config: SiteConfig): FastifyHelmetOptions {
  return {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: appDirectives(config) },
    // Telegram's login opens a popup that reports back through window.opener.
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    // HSTS over plain http would be ignored by browsers and mislead operators: https only.
    strictTransportSecurity: isHttps(config.publicUrl) ? { maxAge: 31_536_000 } : false,
  };
}

/**
 * Registers security headers on every response (CSP, nosniff, referrer policy, frame denial,
 * HSTS on https). Call it before any route, so route-level `helmet` options (ePayco page) apply.
 */
export async function registerSecurityHeaders(app: FastifyInstance, config: SiteConfig): Promise<void> {
  await app.register(fastifyHelmet, securityOptions(config));
}
