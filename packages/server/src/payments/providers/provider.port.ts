import type { PaymentOutcome, ProviderId, ReportedAmount } from '../payments.rules.ts';

/** What a provider needs to know about an order to take its payment. */
export interface CheckoutOrder {
  id: string;
  packageName: string;
  coins: number;
  amountMinor: number;
  currency: string;
  customerEmail: string | null;
  locale: 'en' | 'es';
}

/** Where to send the member, and the provider's id of the checkout when it has one. */
export interface CheckoutSession {
  redirectUrl: string;
  providerRef: string | null;
}

/** A provider callback whose signature checked out, in our words. */
export interface VerifiedCallback {
  /** The provider's id of this notification; the same notification again has the same id. */
  eventId: string;
  /** Our order id when the callback carries it. */
  orderId: string | null;
  /**
   * The provider's payment id: recorded on the order it credits (one payment pays one order)
   * and used to find the order of refunds and disputes. An acceptance without one credits nothing.
   */
  paymentRef: string | null;
  /** The provider's id of the attempt within the payment, when it has one (ePayco's x_transaction_id). */
  transactionId?: string;
  /** What happened; null for notifications that do not concern an order's status. */
  outcome: PaymentOutcome | null;
  /** The amount and currency the provider reports, checked against the order when present. */
  reported: ReportedAmount | null;
}

/**
 * The outbound HTTP providers call through: structurally the platform's outbound HTTP port,
 * so the composition root decides which targets may be reached.
 */
export interface ProviderHttp {
  fetch(input: string | URL, init?: RequestInit): Promise<Response>;
}

/** The result of checking a callback: the callback, or why it was refused. */
export type CallbackCheck = { ok: true; callback: VerifiedCallback } | { ok: false; reason: string };

/** The headers of a callback request, lower-cased names. */
export type CallbackHeaders = Record<string, string | undefined>;

/** The provider could not be reached or did not answer in time; the order stays pending. */
export class ProviderUnavailableError extends Error {
  constructor(
    readonly provider: ProviderId,
    cause: unknown,
  ) {
    super(`${provider} did not answer: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'ProviderUnavailableError';
  }
}

/**
 * A payment provider behind one port: it opens a checkout for an order, checks and reads
 * its callbacks, and (when it can) refunds a payment.
 */
export interface PaymentProvider {
  readonly id: ProviderId;
  /** The name shown to members. */
  readonly name: string;
  /** Header names worth keeping with a stored callback. */
  readonly callbackHeaders: readonly string[];
  /** Opens a checkout for `order`; throws ProviderUnavailableError on timeouts and network failures. */
  createCheckout(order: CheckoutOrder): Promise<CheckoutSession>;
  /** Verifies the callback's signature and reads it. */
  verifyCallback(rawBody: string, headers: CallbackHeaders, receivedAtMs: number): CallbackCheck;
  /**
   * For providers whose signature does not cover everything that matters (ePayco signs the
   * payment and amount, not the order or the state): asks the provider server to server and
   * returns the callback as its records state it, or why they contradict the callback.
   * Throws ProviderUnavailableError when the provider cannot be asked; nothing is applied then.
   */
  confirmCallback?(callback: VerifiedCallback): Promise<CallbackCheck>;
  /** Asks the provider to refund the payment of a paid order (providers without a refund API omit it). */
  refund?(order: { id: string; paymentRef: string | null }): Promise<void>;
}
