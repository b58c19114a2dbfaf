import { type EpaycoSigned, epaycoSignatureValid, formatMinor, parseMinor } from '../payments.rules.ts';
import { confirmEpayco, fetchEpaycoTransaction } from './epayco.validation.ts';
import type {
  CallbackCheck,
  CallbackHeaders,
  CheckoutOrder,
  CheckoutSession,
  PaymentProvider,
  ProviderHttp,
  VerifiedCallback,
} from './provider.port.ts';

/** ePayco's checkout script (standard checkout). */
export const EPAYCO_CHECKOUT_SCRIPT = 'https://checkout.epayco.co/checkout.js';

/** The merchant settings the adapter needs. */
export interface EpaycoSettings {
  customerId: string;
  pKey: string;
  publicKey: string;
  test: boolean;
  /** ePayco's transaction validation endpoint, without the trailing `/<ref_payco>`. */
  validationUrl: string;
}

/** The parameters of ePayco's standard checkout (`handler.open(data)`). */
export interface EpaycoCheckoutData {
  name: string;
  description: string;
  invoice: string;
  currency: string;
  amount: string;
  tax_base: string;
  tax: string;
  country: string;
  lang: 'en' | 'es';
  external: 'true';
  confirmation: string;
  response: string;
  method_confirmation: 'POST';
  extra1: string;
  email_billing?: string;
}

function readFields(rawBody: string, contentType: string | undefined): Record<string, string> {
  if (contentType?.includes('application/json')) {
    const parsed = JSON.parse(rawBody) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(parsed)
        .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
        .map(([k, v]) => [k, String(v)]),
    );
  }
  return Object.fromEntries(new URLSearchParams(rawBody));
}

/**
 * ePayco: the member pays on ePayco's standard checkout (opened by a page we serve with the
 * public key only); ePayco then POSTs a confirmation to our callback, signed with SHA-256
 * over `p_cust_id_cliente^p_key^x_ref_payco^x_transaction_id^x_amount^x_currency_code`.
 * The signature covers the payment and its amount only, so the order, the state and the
 * amount are taken from ePayco's transaction validation endpoint, asked server to server.
 * ePayco has no refund API for this checkout: refunds are made in its dashboard and arrive
 * as a confirmation with the state Reversada.
 */
export class EpaycoProvider implements PaymentProvider {
  readonly id = 'epayco' as const;
  readonly name = 'ePayco';
  readonly callbackHeaders = ['content-type', 'user-agent'];

  constructor(
    private readonly settings: EpaycoSettings,
    private readonly publicUrl: string,
    private readonly http: ProviderHttp,
    /** How long the validation endpoint may take, milliseconds. */
    private readonly timeoutMs: number,
  ) {}

  async createCheckout(order: CheckoutOrder): Promise<CheckoutSession> {
    return {
      redirectUrl: `${this.publicUrl}/api/v1/payments/epayco/${order.id}/checkout`,
      providerRef: null,
    };
  }

  /** The standard checkout's parameters for an order. */
  checkoutData(order: CheckoutOrder): EpaycoCheckoutData {
    return {
      name: order.packageName,
      description: `${order.coins} coins`,
      invoice: order.id,
      currency: order.currency.toLowerCase(),
      amount: formatMinor(order.amountMinor),
      tax_base: '0',
      tax: '0',
      country: 'co',
      lang: order.locale,
      external: 'true',
      confirmation: `${this.publicUrl}/api/v1/payments/callbacks/epayco`,
      response: `${this.publicUrl}/wallet?order=${order.id}`,
      method_confirmation: 'POST',
      extra1: order.id,
      ...(order.customerEmail ? { email_billing: order.customerEmail } : {}),
    };
  }

  /** The page that opens ePayco's standard checkout for an order; `scriptNonce` is its CSP nonce. */
  checkoutPage(order: CheckoutOrder, scriptNonce: string): string {
    const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
    const config = { key: this.settings.publicKey, test: this.settings.test };
    return `<!doctype html>
<html lang="${order.locale}"><head><meta charset="utf-8"><title>ePayco</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><p>${order.locale === 'es' ? 'Abriendo ePayco…' : 'Opening ePayco…'}</p>
<script src="${EPAYCO_CHECKOUT_SCRIPT}" nonce="${scriptNonce}"></script>
<script nonce="${scriptNonce}">ePayco.checkout.configure(${json(config)}).open(${json(this.checkoutData(order))});</script>
</body></html>`;
  }

  verifyCallback(rawBody: string, headers: CallbackHeaders): CallbackCheck {
    let fields: Record<string, string>;
    try {
      fields = readFields(rawBody, headers['content-type']);
    } catch {
      return { ok: false, reason: 'unreadable body' };
    }
    const signature = fields.x_signature;
    if (!signature) return { ok: false, reason: 'missing signature' };
    const signed: Partial<EpaycoSigned> = {
      x_ref_payco: fields.x_ref_payco,
      x_transaction_id: fields.x_transaction_id,
      x_amount: fields.x_amount,
      x_currency_code: fields.x_currency_code,
    };
    if (Object.values(signed).some((v) => v === undefined))
      return { ok: false, reason: 'missing signed fields' };
    const complete = signed as EpaycoSigned;
    if (!epaycoSignatureValid(this.settings.customerId, this.settings.pKey, complete, signature))
      return { ok: false, reason: 'signature mismatch' };
    const amountMinor = parseMinor(complete.x_amount);
    // Only the signed fields are read: the order and the state come from ePayco's records.
    return {
      ok: true,
      callback: {
        eventId: `${complete.x_ref_payco}:${complete.x_transaction_id}`,
        orderId: null,
        paymentRef: complete.x_ref_payco,
        transactionId: complete.x_transaction_id,
        outcome: null,
        reported: { amountMinor: amountMinor ?? -1, currency: complete.x_currency_code },
      },
    };
  }

  async confirmCallback(callback: VerifiedCallback): Promise<CallbackCheck> {
    const transaction = await fetchEpaycoTransaction(
      this.http,
      this.settings.validationUrl,
      callback.paymentRef!,
      this.timeoutMs,
    );
    return confirmEpayco(callback, transaction);
  }
}
