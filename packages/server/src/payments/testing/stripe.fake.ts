import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake received: method, path, headers and the form-encoded body as flat pairs. */
export interface FakeStripeRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  form: Record<string, string>;
}

/** A Checkout Session as the fake keeps it (the fields Stripe sends that we read). */
export interface FakeSession {
  id: string;
  object: 'checkout.session';
  mode: 'payment';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  url: string;
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  payment_intent: string | null;
  success_url: string;
  cancel_url: string;
  customer_email: string | null;
}

function id(prefix: string): string {
  return `${prefix}_test_${randomBytes(12).toString('hex')}`;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A local stand-in for api.stripe.com: `POST /v1/checkout/sessions` and `POST /v1/refunds`,
 * form-encoded requests with `Authorization: Bearer <secret key>` and `Idempotency-Key`, JSON
 * answers shaped like Stripe's, and webhook events signed with the endpoint secret exactly
 * as Stripe signs them (`Stripe-Signature: t=<unix s>,v1=<HMAC-SHA256 of "<t>.<payload>">`).
 */
export class FakeStripe {
  readonly requests: FakeStripeRequest[] = [];
  readonly sessions = new Map<string, FakeSession>();
  /** Milliseconds to wait before answering (to make the client time out). */
  delayMs = 0;
  private readonly idempotent = new Map<string, string>();
  private server: Server | null = null;

  constructor(
    readonly secretKey: string,
    readonly webhookSecret: string,
  ) {}

  /** Starts listening on a free loopback port and returns the API base URL. */
  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(
        ({ status, body }) => {
          const send = () => {
            if (response.destroyed) return;
            response.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') });
            response.end(JSON.stringify(body));
          };
          if (this.delayMs > 0) setTimeout(send, this.delayMs);
          else send();
        },
        (error: Error) => {
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { type: 'api_error', message: error.message } }));
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const form = Object.fromEntries(new URLSearchParams(await readBody(request)));
    const path = (request.url ?? '/').split('?')[0]!;
    this.requests.push({ method: request.method ?? 'GET', path, headers: request.headers, form });
    if (request.headers.authorization !== `Bearer ${this.secretKey}`) {
      return {
        status: 401,
        body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } },
      };
    }
    const key = request.headers['idempotency-key'];
    const replay = typeof key === 'string' ? this.idempotent.get(`${path}:${key}`) : undefined;
    if (request.method === 'POST' && path === '/v1/checkout/sessions') {
      if (replay) return { status: 200, body: this.sessions.get(replay) };
      const session = this.createSession(form);
      if (typeof key === 'string') this.idempotent.set(`${path}:${key}`, session.id);
      return { status: 200, body: session };
    }
    if (request.method === 'POST' && path === '/v1/refunds') {
      return {
        status: 200,
        body: {
          id: replay ?? id('re'),
          object: 'refund',
          payment_intent: form.payment_intent,
          status: 'succeeded',
        },
      };
    }
    return {
      status: 404,
      body: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${path})` } },
    };
  }

  private createSession(form: Record<string, string>): FakeSession {
    const sessionId = id('cs');
    const metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(form)) {
      const match = /^metadata\[(.+)\]$/.exec(name);
      if (match) metadata[match[1]!] = value;
    }
    const session: FakeSession = {
      id: sessionId,
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      url: `https://checkout.stripe.com/c/pay/${sessionId}`,
      amount_total:
        Number(form['line_items[0][price_data][unit_amount]']) * Number(form['line_items[0][quantity]'] ?? 1),
      currency: form['line_items[0][price_data][currency]'] ?? 'usd',
      client_reference_id: form.client_reference_id ?? null,
      metadata,
      payment_intent: null,
      success_url: form.success_url ?? '',
      cancel_url: form.cancel_url ?? '',
      customer_email: form.customer_email ?? null,
    };
    this.sessions.set(sessionId, session);
    return session;
  }

  /** A signed webhook delivery: the raw JSON body and the headers Stripe sends with it. */
  event(
    type: string,
    object: unknown,
    options: { timestampS?: number; secret?: string; eventId?: string } = {},
  ): { payload: string; headers: Record<string, string> } {
    const event = {
      id: options.eventId ?? id('evt'),
      object: 'event',
      api_version: '2025-01-27.acacia',
      created: options.timestampS ?? Math.floor(Date.now() / 1000),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
    const payload = JSON.stringify(event, null, 2);
    const t = options.timestampS ?? Math.floor(Date.now() / 1000);
    const v1 = createHmac('sha256', options.secret ?? this.webhookSecret)
      .update(`${t}.${payload}`)
      .digest('hex');
    return {
      payload,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': `t=${t},v1=${v1}`,
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      },
    };
  }

  /** The member paid on the hosted page: the session completes with a payment intent. */
  pay(sessionId: string, paymentStatus: 'paid' | 'unpaid' = 'paid'): FakeSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`no session ${sessionId}`);
    session.status = 'complete';
    session.payment_status = paymentStatus;
    session.payment_intent ??= id('pi');
    return { ...session };
  }

  /** The charge of a completed session, fully refunded (as in `charge.refunded`). */
  refundedCharge(sessionId: string): Record<string, unknown> {
    const session = this.sessions.get(sessionId);
    if (!session?.payment_intent) throw new Error(`session ${sessionId} is not paid`);
    return {
      id: id('ch'),
      object: 'charge',
      amount: session.amount_total,
      amount_refunded: session.amount_total,
      currency: session.currency,
      payment_intent: session.payment_intent,
      paid: true,
      refunded: true,
      status: 'succeeded',
      metadata: {},
    };
  }

  /** A dispute opened on a completed session's charge (as in `charge.dispute.created`). */
  dispute(sessionId: string): Record<string, unknown> {
    const session = this.sessions.get(sessionId);
    if (!session?.payment_intent) throw new Error(`session ${sessionId} is not paid`);
    return {
      id: id('dp'),
      object: 'dispute',
      amount: session.amount_total,
      currency: session.currency,
      charge: id('ch'),
      payment_intent: session.payment_intent,
      reason: 'fraudulent',
      status: 'needs_response',
      metadata: {},
    };
  }
}
