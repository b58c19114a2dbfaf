import { randomSecret, safeEqual } from '../../platform/ids.ts';
import { type PaymentOutcome, sandboxSignature } from '../payments.rules.ts';
import type {
  CallbackCheck,
  CallbackHeaders,
  CheckoutOrder,
  CheckoutSession,
  PaymentProvider,
} from './provider.port.ts';

/** Header carrying the sandbox completion's signature. */
export const SANDBOX_SIGNATURE_HEADER = 'x-sandbox-signature';

/** What the sandbox checkout page can choose. */
export const SANDBOX_OUTCOMES = ['accept', 'reject', 'pending'] as const;
export type SandboxChoice = (typeof SANDBOX_OUTCOMES)[number];

const OUTCOME_OF: Record<SandboxChoice, PaymentOutcome> = {
  accept: 'accepted',
  reject: 'rejected',
  pending: 'pending',
};

interface SandboxNotice {
  orderId: string;
  outcome: PaymentOutcome;
  amountMinor: number;
  currency: string;
}

/**
 * The built-in provider of the embedded default: our own checkout page (in the web app at
 * `/checkout/sandbox/<orderId>`) accepts, rejects or leaves the payment pending. Its
 * completion is a signed notice that goes through the same callback path as real providers.
 */
export class SandboxProvider implements PaymentProvider {
  readonly id = 'sandbox' as const;
  readonly name = 'Sandbox (test payments)';
  readonly callbackHeaders = [SANDBOX_SIGNATURE_HEADER];
  readonly #key = randomSecret(32);

  async createCheckout(order: CheckoutOrder): Promise<CheckoutSession> {
    return { redirectUrl: `/checkout/sandbox/${order.id}`, providerRef: null };
  }

  /** The raw body and headers of the notice the checkout page's choice produces. */
  notice(
    order: { id: string; amountMinor: number; currency: string },
    choice: SandboxChoice,
  ): { rawBody: string; headers: CallbackHeaders } {
    const notice: SandboxNotice = {
      orderId: order.id,
      outcome: OUTCOME_OF[choice],
      amountMinor: order.amountMinor,
      currency: order.currency,
    };
    const rawBody = JSON.stringify(notice);
    return { rawBody, headers: { [SANDBOX_SIGNATURE_HEADER]: sandboxSignature(this.#key, rawBody) } };
  }

  verifyCallback(rawBody: string, headers: CallbackHeaders): CallbackCheck {
    const signature = headers[SANDBOX_SIGNATURE_HEADER];
    if (!signature) return { ok: false, reason: 'missing signature' };
    if (!safeEqual(sandboxSignature(this.#key, rawBody), signature))
      return { ok: false, reason: 'signature mismatch' };
    const notice = JSON.parse(rawBody) as SandboxNotice;
    return {
      ok: true,
      callback: {
        eventId: `${notice.orderId}:${notice.outcome}`,
        orderId: notice.orderId,
        // The sandbox's only payment of an order is its checkout: it pays that order and no other.
        paymentRef: `sandbox_${notice.orderId}`,
        outcome: notice.outcome,
        reported: { amountMinor: notice.amountMinor, currency: notice.currency },
      },
    };
  }
}
