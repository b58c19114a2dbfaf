import Stripe from 'stripe';
import { type PaymentOutcome, stripeSignedAtS, stripeTimestampFresh } from '../payments.rules.ts';
import {
  type CallbackCheck,
  type CallbackHeaders,
  type CheckoutOrder,
  type CheckoutSession,
  type PaymentProvider,
  type ProviderHttp,
  ProviderUnavailableError,
  type VerifiedCallback,
} from './provider.port.ts';

/** How old (or, with clock drift, how far ahead) a signed webhook may be, seconds (Stripe's own default). */
export const STRIPE_TOLERANCE_S = 300;

/** The settings the adapter needs. */
export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  /** API origin, `https://api.stripe.com` unless tests point it to a fake. */
  apiBase: string;
  timeoutMs: number;
}

type Session = Stripe.Checkout.Session;

function paymentIntentId(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

function sessionCallback(
  eventId: string,
  session: Session,
  outcome: PaymentOutcome | null,
): VerifiedCallback {
  return {
    eventId,
    orderId: session.client_reference_id ?? session.metadata?.order_id ?? null,
    paymentRef: paymentIntentId(session.payment_intent),
    outcome,
    reported:
      session.amount_total === null || !session.currency
        ? null
        : { amountMinor: session.amount_total, currency: session.currency },
  };
}

/**
 * Stripe Checkout: a Checkout Session per order (through the `stripe` package, against a
 * configurable API host), and webhooks verified with the package's own signature check.
 */
export class StripeProvider implements PaymentProvider {
  readonly id = 'stripe' as const;
  readonly name = 'Stripe';
  readonly callbackHeaders = ['stripe-signature', 'content-type', 'user-agent'];
  private readonly client: Stripe;

  constructor(
    private readonly settings: StripeSettings,
    private readonly publicUrl: string,
    http: ProviderHttp,
  ) {
    const api = new URL(settings.apiBase);
    const protocol = api.protocol === 'http:' ? 'http' : 'https';
    this.client = new Stripe(settings.secretKey, {
      // The SDK calls the injected fetch with a URL string and a standard init.
      httpClient: Stripe.createFetchHttpClient((input, init) => http.fetch(input as string | URL, init)),
      host: api.hostname,
      port: api.port || (protocol === 'http' ? 80 : 443),
      protocol,
      timeout: settings.timeoutMs,
      maxNetworkRetries: 0,
      telemetry: false,
    });
  }

  async createCheckout(order: CheckoutOrder): Promise<CheckoutSession> {
    try {
      const session = await this.client.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: order.currency.toLowerCase(),
                unit_amount: order.amountMinor,
                product_data: { name: order.packageName, description: `${order.coins} coins` },
              },
            },
          ],
          client_reference_id: order.id,
          metadata: { order_id: order.id },
          payment_intent_data: { metadata: { order_id: order.id } },
          success_url: `${this.publicUrl}/wallet?order=${order.id}`,
          cancel_url: `${this.publicUrl}/wallet?order=${order.id}&cancelled=1`,
          locale: order.locale,
          ...(order.customerEmail ? { customer_email: order.customerEmail } : {}),
        },
        // A retry after a timeout finds the session Stripe may already have made.
        { idempotencyKey: `checkout_${order.id}` },
      );
      if (!session.url) throw new Error('Stripe answered without a checkout URL');
      return { redirectUrl: session.url, providerRef: session.id };
    } catch (error) {
      throw new ProviderUnavailableError('stripe', error);
    }
  }

  async refund(order: { id: string; paymentRef: string | null }): Promise<void> {
    if (!order.paymentRef) throw new ProviderUnavailableError('stripe', new Error('no payment intent'));
    try {
      await this.client.refunds.create(
        { payment_intent: order.paymentRef, metadata: { order_id: order.id } },
        { idempotencyKey: `refund_${order.id}` },
      );
    } catch (error) {
      throw new ProviderUnavailableError('stripe', error);
    }
  }

  verifyCallback(rawBody: string, headers: CallbackHeaders, receivedAtMs: number): CallbackCheck {
    const signature = headers['stripe-signature'];
    if (!signature) return { ok: false, reason: 'missing Stripe-Signature header' };
    let event: Stripe.Event;
    try {
      event = this.client.webhooks.constructEvent(
        rawBody,
        signature,
        this.settings.webhookSecret,
        STRIPE_TOLERANCE_S,
        undefined,
        receivedAtMs,
      );
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
    // constructEvent refuses old events only; one signed ahead of our clock is refused too.
    const signedAtS = stripeSignedAtS(signature);
    if (signedAtS === null) return { ok: false, reason: 'Stripe-Signature carries no single timestamp' };
    if (!stripeTimestampFresh(signedAtS, receivedAtMs, STRIPE_TOLERANCE_S))
      return { ok: false, reason: 'timestamp outside the tolerance zone' };
    return { ok: true, callback: this.read(event) };
  }

  /** An event in our words; events we do not act on carry no outcome. */
  private read(event: Stripe.Event): VerifiedCallback {
    switch (event.type) {
      case 'checkout.session.completed': {
        const session = event.data.object;
        // Only a paid session is an acceptance; `unpaid` awaits an asynchronous payment.
        const outcome = session.payment_status === 'paid' ? 'accepted' : 'pending';
        return sessionCallback(event.id, session, outcome);
      }
      case 'checkout.session.async_payment_succeeded':
        return sessionCallback(event.id, event.data.object, 'accepted');
      case 'checkout.session.async_payment_failed':
      case 'checkout.session.expired':
        return sessionCallback(event.id, event.data.object, 'failed');
      case 'charge.refunded': {
        const charge = event.data.object;
        return {
          eventId: event.id,
          orderId: charge.metadata?.order_id ?? null,
          paymentRef: paymentIntentId(charge.payment_intent),
          // A partial refund leaves the purchase standing; only a full refund reverses it.
          outcome: charge.refunded ? 'refunded' : null,
          reported: null,
        };
      }
      case 'charge.dispute.created': {
        const dispute = event.data.object;
        return {
          eventId: event.id,
          orderId: dispute.metadata?.order_id ?? null,
          paymentRef: paymentIntentId(dispute.payment_intent),
          outcome: 'charged_back',
          reported: null,
        };
      }
      default:
        return { eventId: event.id, orderId: null, paymentRef: null, outcome: null, reported: null };
    }
  }
}
