import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../audit/index.ts';
import type { TeamRole } from '../platform/db/schema.ts';
import { requirePrincipal } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, EmptyBody, errorResponses, Id, Page, PageQuery } from '../platform/http/schemas.ts';
import type { Platform } from '../platform/platform.ts';
import type { TenantService } from '../tenants/index.ts';
import {
  CreateEndpointBody,
  DeliveriesQuery,
  UpdateEndpointBody,
  WebhookDelivery,
  WebhookEndpoint,
} from './webhooks.schemas.ts';
import type { WebhookService } from './webhooks.service.ts';
import type { DeliveryStatus } from './webhooks.store.ts';

const AppParams = Type.Object({ appId: Id });
const EndpointParams = Type.Object({ appId: Id, id: Id });
const DeliveryParams = Type.Object({ appId: Id, id: Id, deliveryId: Id });

const READ = { role: 'viewer', scope: 'webhooks:read' } as const satisfies { role: TeamRole; scope: string };
const WRITE = { role: 'editor', scope: 'webhooks:write' } as const satisfies {
  role: TeamRole;
  scope: string;
};

const readErrors = errorResponses(...AUTHED_ERRORS, 404);
const writeErrors = errorResponses(...AUTHED_ERRORS, 404, 409);

function page<T extends { id: string }>(
  items: T[],
  limit: number,
): { items: T[]; nextCursor: string | null } {
  return { items, nextCursor: items.length === limit ? items[items.length - 1]!.id : null };
}

/** The webhooks API: `/apps/:appId/webhooks…`, authorized per app through tenants. */
export function webhookRoutes(deps: {
  webhooks: WebhookService;
  tenants: TenantService;
  platform: Platform;
}): FastifyPluginAsync {
  const { webhooks, tenants } = deps;
  const endpoints = webhooks.endpoints;

  /** The app id the principal may act on with `need`; 401/403/404 otherwise. */
  async function authorize(request: FastifyRequest, need: typeof READ | typeof WRITE): Promise<string> {
    const { appId } = request.params as { appId: string };
    const granted = await tenants.authorizeApp(requirePrincipal(request), appId, need);
    return granted.appId;
  }
  const actor = (request: FastifyRequest) => actorOf(request.principal, request.ip);

  return async (app) => {
    const tags = ['webhooks'];

    app.get(
      '/apps/:appId/webhooks',
      {
        schema: {
          tags,
          summary: "List the app's webhook endpoints",
          params: AppParams,
          querystring: PageQuery,
          response: { 200: Page(WebhookEndpoint), ...readErrors },
        },
      },
      async (request) => {
        const appId = await authorize(request, READ);
        const { limit, cursor } = request.query as { limit: number; cursor?: string };
        return page(await endpoints.list(appId, { limit, cursor }), limit);
      },
    );

    app.post(
      '/apps/:appId/webhooks',
      {
        schema: {
          tags,
          summary: 'Register a webhook endpoint (the signing secret is returned only here)',
          params: AppParams,
          body: CreateEndpointBody,
          response: {
            201: Type.Object({ endpoint: WebhookEndpoint, secret: Type.String() }),
            ...writeErrors,
          },
        },
      },
      async (request, reply) => {
        const appId = await authorize(request, WRITE);
        const body = request.body as { url: string; events: string[]; description?: string };
        return reply.status(201).send(await endpoints.create(actor(request), appId, body));
      },
    );

    app.get(
      '/apps/:appId/webhooks/:id',
      {
        schema: {
          tags,
          summary: 'Read one webhook endpoint',
          params: EndpointParams,
          response: { 200: Type.Object({ endpoint: WebhookEndpoint }), ...readErrors },
        },
      },
      async (request) => {
        const appId = await authorize(request, READ);
        const { id } = request.params as { id: string };
        return { endpoint: await endpoints.get(appId, id) };
      },
    );

    app.patch(
      '/apps/:appId/webhooks/:id',
      {
        schema: {
          tags,
          summary: 'Change a webhook endpoint (enabling it again resets its failure count)',
          params: EndpointParams,
          body: UpdateEndpointBody,
          response: { 200: Type.Object({ endpoint: WebhookEndpoint }), ...writeErrors },
        },
      },
      async (request) => {
        const appId = await authorize(request, WRITE);
        const { id } = request.params as { id: string };
        const body = request.body as {
          url?: string;
          events?: string[];
          description?: string;
          enabled?: boolean;
        };
        return { endpoint: await endpoints.update(actor(request), appId, id, body) };
      },
    );

    app.delete(
      '/apps/:appId/webhooks/:id',
      {
        schema: {
          tags,
          summary: 'Delete a webhook endpoint; its pending deliveries stop',
          params: EndpointParams,
          response: { 204: Type.Null(), ...writeErrors },
        },
      },
      async (request, reply) => {
        const appId = await authorize(request, WRITE);
        const { id } = request.params as { id: string };
        await endpoints.delete(actor(request), appId, id);
        return reply.status(204).send();
      },
    );

    app.post(
      '/apps/:appId/webhooks/:id/rotate-secret',
      {
        schema: {
          body: EmptyBody,
          tags,
          summary: "Replace the endpoint's signing secret (the new one is returned only here)",
          params: EndpointParams,
          response: { 200: Type.Object({ secret: Type.String() }), ...writeErrors },
        },
      },
      async (request) => {
        const appId = await authorize(request, WRITE);
        const { id } = request.params as { id: string };
        return { secret: await endpoints.rotateSecret(actor(request), appId, id) };
      },
    );

    app.post(
      '/apps/:appId/webhooks/:id/test',
      {
        schema: {
          body: EmptyBody,
          tags,
          summary: 'Send a webhook.test event to this endpoint only',
          params: EndpointParams,
          response: { 202: Type.Object({ delivery: WebhookDelivery }), ...writeErrors },
        },
      },
      async (request, reply) => {
        const appId = await authorize(request, WRITE);
        const { id } = request.params as { id: string };
        return reply.status(202).send({ delivery: await webhooks.sendTest(actor(request), appId, id) });
      },
    );

    app.get(
      '/apps/:appId/webhooks/:id/deliveries',
      {
        schema: {
          tags,
          summary: "List the endpoint's deliveries, newest first",
          params: EndpointParams,
          querystring: DeliveriesQuery,
          response: { 200: Page(WebhookDelivery), ...readErrors },
        },
      },
      async (request) => {
        const appId = await authorize(request, READ);
        const { id } = request.params as { id: string };
        const query = request.query as { limit: number; cursor?: string; status?: DeliveryStatus };
        return page(await webhooks.listDeliveries(appId, id, query), query.limit);
      },
    );

    app.get(
      '/apps/:appId/webhooks/:id/deliveries/:deliveryId',
      {
        schema: {
          tags,
          summary: 'Read one delivery and the event envelope it sends',
          params: DeliveryParams,
          response: {
            200: Type.Object({
              delivery: WebhookDelivery,
              payload: Type.Record(Type.String(), Type.Unknown()),
            }),
            ...readErrors,
          },
        },
      },
      async (request) => {
        const appId = await authorize(request, READ);
        const { id, deliveryId } = request.params as { id: string; deliveryId: string };
        return webhooks.getDelivery(appId, id, deliveryId);
      },
    );

    app.post(
      '/apps/:appId/webhooks/:id/deliveries/:deliveryId/replay',
      {
        schema: {
          body: EmptyBody,
          tags,
          summary: 'Send a delivery again, as a new delivery with the same message id',
          params: DeliveryParams,
          response: { 202: Type.Object({ delivery: WebhookDelivery }), ...writeErrors },
        },
      },
      async (request, reply) => {
        const appId = await authorize(request, WRITE);
        const { id, deliveryId } = request.params as { id: string; deliveryId: string };
        return reply
          .status(202)
          .send({ delivery: await webhooks.replay(actor(request), appId, id, deliveryId) });
      },
    );
  };
}
