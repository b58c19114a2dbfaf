import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../audit/index.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { requireRole, requireSession } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, EmptyBody, errorResponses, Id, Page, PageQuery } from '../platform/http/schemas.ts';
import { epaycoCheckoutSecurity } from '../platform/http/security-headers.ts';
import type { OrderStatus, ProviderId } from './payments.rules.ts';
import {
  AdminOrder,
  AdminPaymentsQuery,
  CallbackBody,
  CallbackResult,
  CheckoutBody,
  CheckoutResult,
  CoinPackage,
  CreatePackageBody,
  Order,
  SandboxCompleteBody,
  UpdatePackageBody,
} from './payments.schemas.ts';
import type { Buyer, PaymentsService } from './payments.service.ts';
import type { SandboxChoice } from './providers/sandbox.provider.ts';

const IdParams = Type.Object({ id: Id });
const OrderParams = Type.Object({ orderId: Id });
const readErrors = errorResponses(...AUTHED_ERRORS, 404);
const writeErrors = errorResponses(...AUTHED_ERRORS, 404, 409);

function buyerOf(request: FastifyRequest): Buyer {
  const session = requireSession(request);
  return { appId: SITE_APP_ID, userId: session.user.id };
}

function headersOf(request: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers))
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/**
 * Buying coins on the site: coin packages (public list, admin CRUD), checkouts and orders
 * for the signed-in member, the sandbox's hosted checkout, provider callbacks, and the
 * admin payments list with refunds.
 */
export function paymentRoutes(deps: { payments: PaymentsService }): FastifyPluginAsync {
  const { payments } = deps;
  const actor = (request: FastifyRequest) => actorOf(request.principal, request.ip);

  return async (app) => {
    const tags = ['payments'];

    app.get(
      '/coin-packages',
      {
        schema: {
          tags,
          summary: 'Coin packages on sale',
          response: { 200: Type.Object({ items: Type.Array(CoinPackage) }) },
        },
      },
      async () => ({ items: await payments.listPackages(SITE_APP_ID, true) }),
    );

    app.get(
      '/admin/coin-packages',
      {
        schema: {
          tags,
          summary: 'Every coin package, on sale or not (admin)',
          response: { 200: Type.Object({ items: Type.Array(CoinPackage) }), ...readErrors },
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        return { items: await payments.listPackages(SITE_APP_ID, false) };
      },
    );

    app.post(
      '/admin/coin-packages',
      {
        schema: {
          tags,
          summary: 'Put a coin package on sale (admin)',
          body: CreatePackageBody,
          response: { 201: Type.Object({ package: CoinPackage }), ...writeErrors },
        },
      },
      async (request, reply) => {
        requireRole(request, 'admin');
        const body = request.body as { name: string; coins: number; priceMinor: number; currency: string };
        return reply
          .status(201)
          .send({ package: await payments.createPackage(actor(request), SITE_APP_ID, body) });
      },
    );

    app.patch(
      '/admin/coin-packages/:id',
      {
        schema: {
          tags,
          summary: 'Change a coin package or take it off sale (admin); orders keep what they bought',
          params: IdParams,
          body: UpdatePackageBody,
          response: { 200: Type.Object({ package: CoinPackage }), ...writeErrors },
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        const { id } = request.params as { id: string };
        const body = request.body as Parameters<PaymentsService['updatePackage']>[3];
        return { package: await payments.updatePackage(actor(request), SITE_APP_ID, id, body) };
      },
    );

    app.get(
      '/payments/providers',
      {
        schema: {
          tags,
          summary: 'Payment providers members can pay with',
          response: {
            200: Type.Object({
              items: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
            }),
          },
        },
      },
      async () => ({ items: payments.enabledProviders() }),
    );

    app.post(
      '/payments/checkout',
      {
        schema: {
          tags,
          summary: 'Order a coin package and open the provider’s checkout (go to redirectUrl)',
          body: CheckoutBody,
          response: { 201: CheckoutResult, ...writeErrors, ...errorResponses(502) },
        },
      },
      async (request, reply) => {
        const { packageId, provider } = request.body as { packageId: string; provider: ProviderId };
        return reply.status(201).send(await payments.checkout(buyerOf(request), packageId, provider));
      },
    );

    app.post(
      '/payments/orders/:id/checkout',
      {
        schema: {
          tags,
          summary: 'Open the checkout again for an order that is not paid yet (after a provider timeout)',
          params: IdParams,
          body: EmptyBody,
          response: { 200: CheckoutResult, ...writeErrors, ...errorResponses(502) },
        },
      },
      async (request) => {
        const { id } = request.params as { id: string };
        return payments.resumeCheckout(buyerOf(request), id);
      },
    );

    app.get(
      '/payments/orders',
      {
        schema: {
          tags,
          summary: 'My coin orders, newest first',
          querystring: PageQuery,
          response: { 200: Page(Order), ...readErrors },
        },
      },
      async (request) => {
        const { limit, cursor } = request.query as { limit: number; cursor?: string };
        return payments.listOrders(buyerOf(request), { limit, cursor });
      },
    );

    app.get(
      '/payments/orders/:id',
      {
        schema: {
          tags,
          summary: 'One of my coin orders',
          params: IdParams,
          response: { 200: Type.Object({ order: Order }), ...readErrors },
        },
      },
      async (request) => {
        const { id } = request.params as { id: string };
        return { order: await payments.getOrder(buyerOf(request), id) };
      },
    );

    app.get(
      '/payments/sandbox/:orderId',
      {
        schema: {
          tags,
          summary: 'The sandbox checkout of one of my orders',
          params: OrderParams,
          response: { 200: Type.Object({ order: Order, packageName: Type.String() }), ...readErrors },
        },
      },
      async (request) => {
        const { orderId } = request.params as { orderId: string };
        return payments.sandboxView(buyerOf(request), orderId);
      },
    );

    app.post(
      '/payments/sandbox/:orderId/complete',
      {
        schema: {
          tags,
          summary: 'Accept, reject or leave pending a sandbox payment (applied as a provider callback)',
          params: OrderParams,
          body: SandboxCompleteBody,
          response: { 200: Type.Object({ order: Order, returnUrl: Type.String() }), ...writeErrors },
        },
      },
      async (request) => {
        const { orderId } = request.params as { orderId: string };
        const { outcome } = request.body as { outcome: SandboxChoice };
        return payments.completeSandbox(buyerOf(request), orderId, outcome);
      },
    );

    app.get(
      '/payments/epayco/:orderId/checkout',
      {
        schema: {
          tags,
          summary: 'The page that opens ePayco’s standard checkout for an order (HTML)',
          params: OrderParams,
          response: { 200: Type.String({ description: 'text/html' }), ...errorResponses(400, 404, 409) },
        },
        helmet: epaycoCheckoutSecurity,
      },
      async (request, reply) => {
        const { orderId } = request.params as { orderId: string };
        const page = await payments.epaycoCheckoutPage(orderId, reply.cspNonce.script);
        return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
      },
    );

    app.get(
      '/admin/payments',
      {
        schema: {
          tags,
          summary: 'Coin orders of every member, newest first, optionally by status (admin)',
          querystring: AdminPaymentsQuery,
          response: { 200: Page(AdminOrder), ...readErrors },
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        const query = request.query as { limit: number; cursor?: string; status?: OrderStatus };
        return payments.adminListOrders(query);
      },
    );

    app.post(
      '/admin/payments/:id/refund',
      {
        schema: {
          tags,
          summary: 'Refund a paid order and take its coins back (admin)',
          params: IdParams,
          body: EmptyBody,
          response: { 200: Type.Object({ order: AdminOrder }), ...writeErrors, ...errorResponses(502) },
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        const { id } = request.params as { id: string };
        return { order: await payments.adminRefund(actor(request), id) };
      },
    );

    // Provider callbacks read the body raw: the signature covers the exact bytes sent.
    await app.register(async (callbacks) => {
      callbacks.removeAllContentTypeParsers();
      callbacks.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
      for (const provider of ['epayco', 'stripe'] as const) {
        callbacks.post(
          `/payments/callbacks/${provider}`,
          {
            schema: {
              tags,
              summary: `Payment notifications from ${provider === 'epayco' ? 'ePayco' : 'Stripe'} (signed)`,
              body: CallbackBody,
              // 502: the provider could not confirm the callback now; answering an error makes it retry.
              response: { 200: CallbackResult, ...errorResponses(400, 502) },
            },
          },
          async (request) => {
            const outcome = await payments.receiveCallback(
              provider,
              request.body as string,
              headersOf(request),
            );
            return { received: true, result: outcome.result };
          },
        );
      }
    });
  };
}
