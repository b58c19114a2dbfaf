/**
 * The outbound HTTP port: every request the server makes to another host goes through one of
 * these, so the private-target policy lives in one place. The adapter (`outbound.undici.ts`)
 * checks the address it actually connects to, follows no redirect, and bounds time and size.
 */
import type { InterfaceAddress } from './outbound.rules.ts';

export { isOutboundError, type OutboundErrorCode, outboundErrors } from './outbound.errors.ts';

/**
 * `fetch` with the outbound policy applied. Differences from the global `fetch`: redirects are
 * never followed (a 3xx comes back as it is, whatever `init.redirect` says), a refused target
 * fails with an `OUTBOUND_*` AppError before any connection is made, and the whole exchange is
 * bounded by the instance's timeout and response size limit.
 */
export interface OutboundHttp {
  fetch(input: string | URL, init?: RequestInit): Promise<Response>;
}

/** Checks a target ahead of any request, as when a user registers a URL; resolves the host, connects nowhere. */
export interface OutboundTargetCheck {
  /** Resolves when the policy lets `url` through now; throws an `OUTBOUND_*` AppError otherwise. */
  checkTarget(url: URL): Promise<void>;
  /**
   * Resolves when the policy lets every address of `hostname` through now, for targets that are
   * not fetched over HTTP (RTMP restream destinations); throws `OUTBOUND_TARGET_PRIVATE` or
   * `OUTBOUND_TARGET_UNRESOLVED` otherwise.
   */
  checkHost(hostname: string): Promise<void>;
}

/** An outbound client for user-supplied targets: it can check a URL up front and fetch it. */
export type GuardedOutboundHttp = OutboundHttp & OutboundTargetCheck;

/**
 * Which targets an instance may reach. User-supplied URLs get `allowPrivate: false` and no
 * `allowedOrigins`; the operator's own configured base URLs are listed in `allowedOrigins`.
 */
export interface OutboundPolicy {
  /** Lets every address through (development only: `WEBHOOKS_ALLOW_PRIVATE=true`). */
  allowPrivate: boolean;
  /**
   * Base URLs the operator configured (a payment provider's API, a fake on 127.0.0.1 in tests):
   * requests to these origins (scheme, host and port) are connected wherever they resolve.
   */
  allowedOrigins: readonly string[];
}

/** Resolves every address of a host name (A and AAAA). */
export type HostResolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

/** How an adapter instance is built: its policy, limits, and for tests a resolver and interface list. */
export interface OutboundOptions extends OutboundPolicy {
  /** The whole exchange (connect, headers, body) must finish within this, ms. */
  timeoutMs: number;
  /** At most this many response body bytes are read; more fails with OUTBOUND_RESPONSE_TOO_LARGE. */
  maxResponseBytes: number;
  /** Host resolver; default the system's (getaddrinfo, so /etc/hosts counts). */
  resolve?: HostResolver;
  /** This host's interfaces; default `os.networkInterfaces()`, read at every check (addresses change). */
  networkInterfaces?: () => Record<string, readonly InterfaceAddress[] | undefined>;
}
