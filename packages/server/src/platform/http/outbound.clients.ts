import type { Config } from '../config.ts';
import type { GuardedOutboundHttp, HostResolver, OutboundHttp } from './outbound.ts';
import { UndiciOutboundHttp } from './outbound.undici.ts';

/** Time allowed for a request to a user-supplied target, ms. */
const USER_TARGET_TIMEOUT_MS = 10_000;
/** Response body read from a user-supplied target at most, bytes (1 MiB). */
const USER_TARGET_MAX_RESPONSE_BYTES = 1024 * 1024;
/** Response body read from a payment provider at most, bytes (1 MiB; their JSON is a few KiB). */
const PROVIDER_MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * One outbound client per policy. User-supplied targets always go through a client that refuses
 * every address that is not global unicast; the operator's configured origins are allowed only
 * on the providers' client, so a user can never name them to reach the private network.
 */
export interface OutboundClients {
  /** User-supplied URLs (federation, Subsonic and the like): global unicast only, no exception. */
  userTargets: GuardedOutboundHttp;
  /** Webhook endpoints: user-supplied; private targets only with WEBHOOKS_ALLOW_PRIVATE (development). */
  webhooks: GuardedOutboundHttp;
  /** Payment providers: their configured API origins wherever they are, anything else global unicast only. */
  providers: OutboundHttp;
}

/**
 * The base URLs the operator configured for payment providers. Each is reachable even on
 * loopback or a private network (a provider fake in tests, an internal gateway), because the
 * operator set it, not a user.
 */
export function providerOrigins(config: Config): string[] {
  const origins: string[] = [];
  if (config.payments.stripe) origins.push(config.payments.stripe.apiBase);
  if (config.payments.epayco) origins.push(config.payments.epayco.validationUrl);
  return origins;
}

/** Builds the clients from configuration; `close` releases their pooled connections. */
export function createOutboundClients(
  config: Config,
  overrides: { resolve?: HostResolver } = {},
): OutboundClients & { close(): Promise<void> } {
  const userLimits = { timeoutMs: USER_TARGET_TIMEOUT_MS, maxResponseBytes: USER_TARGET_MAX_RESPONSE_BYTES };
  const userTargets = new UndiciOutboundHttp({
    ...userLimits,
    allowPrivate: false,
    allowedOrigins: [],
    resolve: overrides.resolve,
  });
  const webhooks = new UndiciOutboundHttp({
    ...userLimits,
    allowPrivate: config.webhooksAllowPrivate,
    allowedOrigins: [],
    resolve: overrides.resolve,
  });
  const providers = new UndiciOutboundHttp({
    timeoutMs: config.payments.providerTimeoutMs,
    maxResponseBytes: PROVIDER_MAX_RESPONSE_BYTES,
    allowPrivate: false,
    allowedOrigins: providerOrigins(config),
    resolve: overrides.resolve,
  });
  return {
    userTargets,
    webhooks,
    providers,
    close: async () => {
      await Promise.all([userTargets.close(), webhooks.close(), providers.close()]);
    },
  };
}
