import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { Db } from '../platform/db/schema.ts';
import type { RateLimiter } from '../platform/ratelimit/index.ts';
import { paymentErrors } from './payments.errors.ts';
import type { ProviderId } from './payments.rules.ts';
import type { PaymentsStore } from './payments.store.ts';
import {
  type CallbackCheck,
  type CallbackHeaders,
  type PaymentProvider,
  ProviderUnavailableError,
  type VerifiedCallback,
} from './providers/provider.port.ts';

/** Refused callbacks stored per provider and minute; more are only logged. */
const REFUSED_KEPT_PER_MINUTE = 600;
/** How much of a refused callback's body is stored, characters. */
const REFUSED_BODY_KEPT_CHARS = 16_384;

/** A callback admitted for applying: what it says, and the headers kept with it. */
export interface AdmittedCallback {
  callback: VerifiedCallback;
  headers: Record<string, string>;
}

function pickHeaders(headers: CallbackHeaders, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * The door of every provider callback: its signature is checked and, for providers whose
 * signature does not cover everything that matters, what it says is confirmed with the
 * provider server to server. Whatever is refused is stored (within a budget) and answered
 * with an error; nothing refused reaches an order.
 */
export class CallbackIntake {
  constructor(
    private readonly deps: {
      db: Db;
      rateLimiter: RateLimiter;
      store: PaymentsStore;
      log: Logger;
      /** `pnptv_payment_callbacks_total`: callbacks not applied count as refused or failed. */
      callbacks: Counter<'provider' | 'result'>;
    },
  ) {}

  /**
   * Returns the callback to apply, or throws PAYMENTS_BAD_SIGNATURE (forged or unreadable),
   * PAYMENTS_CALLBACK_UNCONFIRMED (the provider's records contradict it) or
   * PAYMENTS_PROVIDER_UNAVAILABLE (the provider could not confirm it now; it retries).
   */
  async admit(
    provider: PaymentProvider,
    rawBody: string,
    headers: CallbackHeaders,
    receivedAt: Date,
  ): Promise<AdmittedCallback> {
    const kept = pickHeaders(headers, provider.callbackHeaders);
    let check: CallbackCheck;
    try {
      check = provider.verifyCallback(rawBody, headers, receivedAt.getTime());
    } catch (error) {
      check = { ok: false, reason: `unreadable callback: ${(error as Error).message}` };
    }
    if (!check.ok) {
      await this.keep(
        provider.id,
        rawBody,
        kept,
        receivedAt,
        { verified: false, outcome: 'refused' },
        check.reason,
      );
      throw paymentErrors.PAYMENTS_BAD_SIGNATURE();
    }
    if (!provider.confirmCallback) return { callback: check.callback, headers: kept };
    let confirmed: CallbackCheck;
    try {
      confirmed = await provider.confirmCallback(check.callback);
    } catch (error) {
      if (!(error instanceof ProviderUnavailableError)) throw error;
      await this.keep(
        provider.id,
        rawBody,
        kept,
        receivedAt,
        { verified: true, outcome: 'failed' },
        error.message,
      );
      throw paymentErrors.PAYMENTS_PROVIDER_UNAVAILABLE();
    }
    if (!confirmed.ok) {
      await this.keep(
        provider.id,
        rawBody,
        kept,
        receivedAt,
        { verified: true, outcome: 'unconfirmed' },
        confirmed.reason,
      );
      throw paymentErrors.PAYMENTS_CALLBACK_UNCONFIRMED();
    }
    return { callback: confirmed.callback, headers: kept };
  }

  /** Stores a callback that was not applied, without an event id so it never blocks a genuine one. */
  private async keep(
    providerId: ProviderId,
    rawBody: string,
    headers: Record<string, string>,
    receivedAt: Date,
    how: { verified: boolean; outcome: 'refused' | 'unconfirmed' | 'failed' },
    reason: string,
  ): Promise<void> {
    this.deps.log.warn(
      { provider: providerId, outcome: how.outcome, reason },
      'payment callback not applied',
    );
    this.deps.callbacks.inc({
      provider: providerId,
      result: how.outcome === 'failed' ? 'failed' : 'refused',
    });
    // Kept for investigation, within a budget so a flood cannot fill the table.
    const budget = await this.deps.rateLimiter.hit(
      `payments:refused-callbacks:${providerId}`,
      REFUSED_KEPT_PER_MINUTE,
      60_000,
    );
    if (!budget.allowed) return;
    await this.deps.store.insertCallback(
      this.deps.db,
      {
        provider: providerId,
        providerEventId: null,
        orderId: null,
        rawBody: rawBody.slice(0, REFUSED_BODY_KEPT_CHARS),
        headers,
        verified: how.verified,
        outcome: how.outcome,
        error: reason,
      },
      receivedAt,
    );
  }
}
