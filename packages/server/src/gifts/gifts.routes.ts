import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../audit/index.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { requireRole, requireSession } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, errorResponses, Id } from '../platform/http/schemas.ts';
import {
  CreateGiftBody,
  type CreateGiftInput,
  Gift,
  GiftSent,
  SendGiftBody,
  SendTipBody,
  TipSent,
  TopGifter,
  TopGiftersQuery,
  UpdateGiftBody,
  type UpdateGiftInput,
} from './gifts.schemas.ts';
import type { GiftService } from './gifts.service.ts';

const GiftParams = Type.Object({ id: Id });
const StreamParams = Type.Object({ streamId: Id });
const GiftList = Type.Object({ items: Type.Array(Gift) });
const OneGift = Type.Object({ gift: Gift });

/**
 * Gifts and tips on the site: the public catalogue, admin catalogue management, sending on a
 * live stream (session users; coins from their wallet) and the per-stream top-gifters board.
 */
export function giftRoutes(deps: { gifts: GiftService }): FastifyPluginAsync {
  const { gifts } = deps;
  const sender = (request: FastifyRequest) => {
    const { user } = requireSession(request);
    return { userId: user.id, name: user.displayName };
  };

  return async (app) => {
    const tags = ['gifts'];

    app.get(
      '/gifts',
      {
        schema: {
          tags,
          summary: 'The gift catalogue: active gifts in display order',
          response: { 200: GiftList },
        },
      },
      async () => ({ items: await gifts.catalogue(SITE_APP_ID) }),
    );

    app.get(
      '/admin/gifts',
      {
        schema: {
          tags,
          summary: 'Every gift of the catalogue, retired ones included (admins)',
          response: { 200: GiftList, ...errorResponses(401, 403) },
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        return { items: await gifts.catalogue(SITE_APP_ID, true) };
      },
    );

    app.post(
      '/admin/gifts',
      {
        schema: {
          tags,
          summary: 'Add a gift to the catalogue (admins)',
          body: CreateGiftBody,
          response: { 201: OneGift, ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request, reply) => {
        requireRole(request, 'admin');
        const gift = await gifts.createGift(
          actorOf(request.principal, request.ip),
          SITE_APP_ID,
          request.body as CreateGiftInput,
        );
        return reply.status(201).send({ gift });
      },
    );

    app.patch(
      '/admin/gifts/:id',
      {
        schema: {
          tags,
          summary: 'Change a gift of the catalogue; retire it with `active: false` (admins)',
          params: GiftParams,
          body: UpdateGiftBody,
          response: { 200: OneGift, ...errorResponses(...AUTHED_ERRORS, 404) },
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        const { id } = request.params as { id: string };
        const gift = await gifts.updateGift(
          actorOf(request.principal, request.ip),
          SITE_APP_ID,
          id,
          request.body as UpdateGiftInput,
        );
        return { gift };
      },
    );

    app.post(
      '/streams/:streamId/gifts',
      {
        schema: {
          tags,
          summary:
            "Send a gift on a live stream: coins from your wallet, split between the stream's owner and the platform",
          params: StreamParams,
          body: SendGiftBody,
          response: {
            201: Type.Object({ gift: GiftSent, balance: Type.Integer() }),
            ...errorResponses(...AUTHED_ERRORS, 404, 409),
          },
        },
      },
      async (request, reply) => {
        const { streamId } = request.params as { streamId: string };
        const body = request.body as { giftId: string; quantity?: number; idempotencyKey: string };
        const sent = await gifts.sendGift(sender(request), { appId: SITE_APP_ID, streamId, ...body });
        return reply.status(201).send(sent);
      },
    );

    app.post(
      '/streams/:streamId/tips',
      {
        schema: {
          tags,
          summary: 'Tip a live stream any number of coins (1–100,000) with an optional message',
          params: StreamParams,
          body: SendTipBody,
          response: {
            201: Type.Object({ tip: TipSent, balance: Type.Integer() }),
            ...errorResponses(...AUTHED_ERRORS, 404, 409),
          },
        },
      },
      async (request, reply) => {
        const { streamId } = request.params as { streamId: string };
        const body = request.body as { coins: number; message?: string; idempotencyKey: string };
        const sent = await gifts.sendTip(sender(request), { appId: SITE_APP_ID, streamId, ...body });
        return reply.status(201).send(sent);
      },
    );

    app.get(
      '/streams/:streamId/top-gifters',
      {
        schema: {
          tags,
          summary: "The stream's biggest givers by coins of gifts and tips",
          params: StreamParams,
          querystring: TopGiftersQuery,
          response: { 200: Type.Object({ items: Type.Array(TopGifter) }), ...errorResponses(400, 404) },
        },
      },
      async (request) => {
        const { streamId } = request.params as { streamId: string };
        const { limit } = request.query as { limit: number };
        return { items: await gifts.topGifters(SITE_APP_ID, streamId, limit) };
      },
    );
  };
}
