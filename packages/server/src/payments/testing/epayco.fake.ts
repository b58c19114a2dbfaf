import { createHash, randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The merchant ePayco signs for. */
export interface EpaycoMerchant {
  customerId: string;
  pKey: string;
}

/** What a confirmation reports. */
export interface EpaycoConfirmationInput {
  orderId: string;
  /** Decimal string as ePayco sends it, e.g. "4.99". */
  amount: string;
  currency: string;
  /** x_cod_transaction_state: 1 accepted, 2 rejected, 3 pending, 4 failed, 6 reversed. */
  state: 1 | 2 | 3 | 4 | 6;
  refPayco?: string;
  transactionId?: string;
}

const STATE_TEXT = { 1: 'Aceptada', 2: 'Rechazada', 3: 'Pendiente', 4: 'Fallida', 6: 'Reversada' } as const;

/**
 * A confirmation as ePayco POSTs it to `p_url_confirmation`: form-encoded `x_*` fields,
 * signed with `x_signature` = SHA-256 hex of
 * `p_cust_id_cliente^p_key^x_ref_payco^x_transaction_id^x_amount^x_currency_code`.
 */
export function epaycoConfirmation(
  merchant: EpaycoMerchant,
  input: EpaycoConfirmationInput,
): { body: string; fields: Record<string, string>; headers: Record<string, string> } {
  const refPayco = input.refPayco ?? String(randomInt(10_000_000, 99_999_999));
  const transactionId = input.transactionId ?? `${randomInt(100_000, 999_999)}${Date.now()}`;
  const signature = createHash('sha256')
    .update(
      `${merchant.customerId}^${merchant.pKey}^${refPayco}^${transactionId}^${input.amount}^${input.currency}`,
    )
    .digest('hex');
  const fields: Record<string, string> = {
    x_cust_id_cliente: merchant.customerId,
    x_ref_payco: refPayco,
    x_id_invoice: input.orderId,
    x_id_factura: input.orderId,
    x_description: 'Coins',
    x_amount: input.amount,
    x_amount_country: input.amount,
    x_amount_ok: input.amount,
    x_tax: '0',
    x_amount_base: '0',
    x_currency_code: input.currency,
    x_bank_name: 'Banco de Pruebas',
    x_cardnumber: '457562*******0326',
    x_quotas: '1',
    x_respuesta: STATE_TEXT[input.state],
    x_response: STATE_TEXT[input.state],
    x_approval_code: '000000',
    x_transaction_id: transactionId,
    x_fecha_transaccion: '2026-11-23 18:00:00',
    x_transaction_date: '2026-11-23 18:00:00',
    x_cod_respuesta: String(input.state),
    x_cod_response: String(input.state),
    x_response_reason_text: STATE_TEXT[input.state],
    x_errorcode: '00',
    x_cod_transaction_state: String(input.state),
    x_transaction_state: STATE_TEXT[input.state],
    x_franchise: 'VS',
    x_business: 'PNPtv',
    x_customer_email: 'member@example.com',
    x_signature: signature,
    x_test_request: 'TRUE',
    x_extra1: input.orderId,
    x_extra2: '',
    x_extra3: '',
  };
  return {
    body: new URLSearchParams(fields).toString(),
    fields,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'ePayco' },
  };
}

/** The path of ePayco's transaction validation endpoint, before the `ref_payco`. */
const VALIDATION_PATH = '/validation/v1/reference/';

/**
 * A local stand-in for ePayco: it makes signed confirmations as ePayco POSTs them and
 * remembers each transaction's latest state, which it serves on its transaction validation
 * endpoint (`GET /validation/v1/reference/{ref_payco}`, answering
 * `{ success, title_response, text_response, last_action, data: { x_ref_payco, ... } }`, the
 * codes as numbers as ePayco sends them). Tests can make it disagree, fail or time out.
 */
export class FakeEpayco {
  /** What the validation endpoint answers for each `ref_payco`. */
  readonly transactions = new Map<string, Record<string, string | number>>();
  /** The `ref_payco` of every validation request received, in order. */
  readonly lookups: string[] = [];
  /** When set, the validation endpoint answers this HTTP status with an error page. */
  failWith: number | null = null;
  /** Milliseconds to wait before answering (to make the client time out). */
  delayMs = 0;
  private server: Server | null = null;

  constructor(readonly merchant: EpaycoMerchant) {}

  /** Starts listening on a free loopback port; returns the validation URL (for EPAYCO_VALIDATION_URL). */
  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const send = () => {
        if (response.destroyed) return;
        const { status, body } = this.answer(request.method ?? 'GET', request.url ?? '/');
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(body);
      };
      if (this.delayMs > 0) setTimeout(send, this.delayMs);
      else send();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${VALIDATION_PATH.slice(0, -1)}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A signed confirmation of a transaction that ePayco now reports in this state. */
  confirmation(input: EpaycoConfirmationInput): ReturnType<typeof epaycoConfirmation> {
    const confirmation = epaycoConfirmation(this.merchant, input);
    this.transactions.set(confirmation.fields.x_ref_payco!, this.validated(confirmation.fields));
    return confirmation;
  }

  /** Changes what the validation endpoint reports for a transaction. */
  amend(refPayco: string, patch: Record<string, string | number>): void {
    const current = this.transactions.get(refPayco);
    if (!current) throw new Error(`no transaction ${refPayco}`);
    this.transactions.set(refPayco, { ...current, ...patch });
  }

  private validated(fields: Record<string, string>): Record<string, string | number> {
    const { x_signature: _signature, ...data } = fields;
    return {
      ...data,
      x_cod_transaction_state: Number(fields.x_cod_transaction_state),
      x_cod_response: Number(fields.x_cod_response),
      x_cod_respuesta: Number(fields.x_cod_respuesta),
      x_amount: Number(fields.x_amount),
    };
  }

  private answer(method: string, url: string): { status: number; body: string } {
    const path = url.split('?')[0]!;
    if (method !== 'GET' || !path.startsWith(VALIDATION_PATH))
      return { status: 404, body: JSON.stringify({ success: false, title_response: 'Not found' }) };
    const ref = decodeURIComponent(path.slice(VALIDATION_PATH.length));
    this.lookups.push(ref);
    if (this.failWith !== null) return { status: this.failWith, body: '<html>Service Unavailable</html>' };
    const data = this.transactions.get(ref);
    if (!data) {
      return {
        status: 200,
        body: JSON.stringify({
          success: false,
          title_response: 'Error',
          text_response: 'No se encontraron datos de la transacción',
          last_action: 'validation',
          data: {},
        }),
      };
    }
    return {
      status: 200,
      body: JSON.stringify({
        success: true,
        title_response: 'Ok',
        text_response: 'Transacción consultada',
        last_action: 'validation',
        data,
      }),
    };
  }
}
