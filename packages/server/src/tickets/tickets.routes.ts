import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../audit/index.ts';
import { IdempotencyKey } from '../gifts/gifts.schemas.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { requireSession } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, errorResponses, Id, IsoDate } from '../platform/http/schemas.ts';
import { MAX_TICKET_PRICE, MIN_TICKET_PRICE, type TicketViewer } from './tickets.rules.ts';
import type { TicketService } from './tickets.service.ts';

const StreamParams = Type.Object({ streamId: Id });
const PriceField = Type.Union([
  Type.Integer({ minimum: MIN_TICKET_PRICE, maximum: MAX_TICKET_PRICE }),
  Type.Null(),
]);

/** A ticket held; `priceCoins` is what was paid. */
export const Ticket = Type.Object({
  id: Type.String(),
  targetKind: Type.Union([Type.Literal('stream'), Type.Literal('room')]),
  targetId: Type.String(),
  priceCoins: Type.Integer(),
  createdAt: IsoDate,
});

const TicketInfo = Type.Object({ priceCoins: PriceField, owned: Type.Boolean() });
const SetPriceBody = Type.Object({ priceCoins: PriceField }, { additionalProperties: false });
const PurchaseBody = Type.Object({ idempotencyKey: IdempotencyKey }, { additionalProperties: false });

/** Tickets for site streams: the price and whether you hold one, setting the price, and buying. */
export function ticketRoutes(deps: { tickets: TicketService }): FastifyPluginAsync {
  const { tickets } = deps;
  const viewerOf = (request: FastifyRequest): TicketViewer => {
    const { user } = requireSession(request);
    return { userId: user.id, role: user.role };
  };

  return async (app) => {
    const tags = ['tickets'];

    app.get(
      '/streams/:streamId/ticket',
      {
        schema: {
          tags,
          summary:
            "The stream's ticket price (null: no ticket sold) and whether you have access (ticket held, owner or admin)",
          params: StreamParams,
          response: { 200: TicketInfo, ...errorResponses(400, 404) },
        },
      },
      async (request) => {
        const { streamId } = request.params as { streamId: string };
        const principal = request.principal;
        const viewer =
          principal?.kind === 'session' ? { userId: principal.user.id, role: principal.user.role } : null;
        return tickets.info(SITE_APP_ID, viewer, { kind: 'stream', id: streamId });
      },
    );

    app.put(
      '/streams/:streamId/ticket',
      {
        schema: {
          tags,
          summary:
            'Set the ticket price of a stream in coins, or null to stop selling (stream owner or admin)',
          params: StreamParams,
          body: SetPriceBody,
          response: {
            200: Type.Object({ priceCoins: PriceField }),
            ...errorResponses(...AUTHED_ERRORS, 404),
          },
        },
      },
      async (request) => {
        const viewer = viewerOf(request);
        const { streamId } = request.params as { streamId: string };
        const { priceCoins } = request.body as { priceCoins: number | null };
        return tickets.setPrice(
          actorOf(request.principal, request.ip),
          viewer,
          SITE_APP_ID,
          { kind: 'stream', id: streamId },
          priceCoins,
        );
      },
    );

    app.post(
      '/streams/:streamId/ticket/purchase',
      {
        schema: {
          tags,
          summary:
            'Buy a ticket for the stream with coins; buying again returns the ticket you hold and charges nothing',
          params: StreamParams,
          body: PurchaseBody,
          response: {
            200: Type.Object({ ticket: Ticket, balance: Type.Integer() }),
            201: Type.Object({ ticket: Ticket, balance: Type.Integer() }),
            ...errorResponses(...AUTHED_ERRORS, 404, 409),
          },
        },
      },
      async (request, reply) => {
        const viewer = viewerOf(request);
        const { streamId } = request.params as { streamId: string };
        const { idempotencyKey } = request.body as { idempotencyKey: string };
        const bought = await tickets.purchase(
          viewer,
          SITE_APP_ID,
          { kind: 'stream', id: streamId },
          idempotencyKey,
        );
        return reply
          .status(bought.created ? 201 : 200)
          .send({ ticket: bought.ticket, balance: bought.balance });
      },
    );
  };
}
