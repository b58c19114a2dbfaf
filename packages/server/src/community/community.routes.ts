import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { type ChatActor, ChatMessageSchema, chatActorOf } from '../chat/index.ts';
import { requirePrincipal, requireRole } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, EmptyBody, errorResponses, Page, PageQuery } from '../platform/http/schemas.ts';
import {
  CapacityBody,
  CommunityMemberSchema,
  CommunityMessageBody,
  LeaderboardQuery,
  LeaderboardSchema,
  MuteBody,
  OccupancySchema,
  RemoveBody,
  StatsSchema,
} from './community.schemas.ts';
import type { CommunityService } from './community.service.ts';

const ERRORS = errorResponses(...AUTHED_ERRORS, 404, 409);
const NoContent = { 204: Type.Null() };

/** The 24/7 community room's REST API under `/community-room` (seed 000). */
export function communityRoutes(deps: { community: CommunityService }): FastifyPluginAsync {
  const { community } = deps;
  const actorOf = (request: FastifyRequest): ChatActor => chatActorOf(requirePrincipal(request));
  return async (app) => {
    app.post(
      '/community-room/join',
      {
        schema: {
          tags: ['community'],
          summary: 'Takes a seat in the community room (409 COMMUNITY_FULL at capacity)',
          body: EmptyBody,
          response: {
            200: Type.Object({ occupancy: OccupancySchema, me: CommunityMemberSchema }),
            ...ERRORS,
          },
        },
      },
      async (request) => community.join(actorOf(request)),
    );

    app.post(
      '/community-room/leave',
      {
        schema: {
          tags: ['community'],
          summary: 'Leaves the community room',
          body: EmptyBody,
          response: { ...NoContent, ...ERRORS },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        await community.leave(actor.appId, actor.userId);
        return reply.status(204).send();
      },
    );

    app.get(
      '/community-room/occupancy',
      {
        schema: {
          tags: ['community'],
          summary: 'Who is in the room, the capacity and its use',
          response: { 200: OccupancySchema, ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => community.occupancy(actorOf(request).appId),
    );

    app.get(
      '/community-room/stats',
      {
        schema: {
          tags: ['community'],
          summary: 'Active users, messages, moderators/members/guests, uptime and utilisation',
          response: { 200: StatsSchema, ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => community.stats(actorOf(request).appId),
    );

    app.get(
      '/community-room/leaderboard',
      {
        schema: {
          tags: ['community'],
          summary: 'Members with the most time in the room',
          querystring: LeaderboardQuery,
          response: { 200: LeaderboardSchema, ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => {
        const { limit } = request.query as { limit: number };
        return { items: await community.leaderboard(actorOf(request).appId, limit) };
      },
    );

    app.post(
      '/community-room/message',
      {
        schema: {
          tags: ['community'],
          summary: "Posts to the room's chat",
          body: CommunityMessageBody,
          response: { 201: Type.Object({ message: ChatMessageSchema }), ...ERRORS },
        },
      },
      async (request, reply) => {
        const message = await community.message(actorOf(request), (request.body as { text: string }).text);
        return reply.status(201).send({ message });
      },
    );

    app.get(
      '/community-room/chat-history',
      {
        schema: {
          tags: ['community'],
          summary: "The room's chat, newest first",
          querystring: PageQuery,
          response: { 200: Page(ChatMessageSchema), ...ERRORS },
        },
      },
      async (request) =>
        community.history(actorOf(request), request.query as { limit: number; cursor?: string }),
    );

    app.post(
      '/community-room/moderation/mute',
      {
        schema: {
          tags: ['community'],
          summary: 'Mutes a member (moderators); default 10 minutes',
          body: MuteBody,
          response: { ...NoContent, ...ERRORS },
        },
      },
      async (request, reply) => {
        const body = request.body as { userId: string; durationS?: number };
        await community.mute(actorOf(request), body.userId, body.durationS, request.ip);
        return reply.status(204).send();
      },
    );

    app.post(
      '/community-room/moderation/remove',
      {
        schema: {
          tags: ['community'],
          summary: 'Removes a member from the room and its chat (moderators); permanent without durationS',
          body: RemoveBody,
          response: { ...NoContent, ...ERRORS },
        },
      },
      async (request, reply) => {
        const body = request.body as { userId: string; durationS?: number };
        await community.remove(actorOf(request), body.userId, body.durationS, request.ip);
        return reply.status(204).send();
      },
    );

    app.post(
      '/community-room/moderation/clear-chat',
      {
        schema: {
          tags: ['community'],
          summary: "Clears the room's chat (moderators)",
          body: EmptyBody,
          response: { ...NoContent, ...ERRORS },
        },
      },
      async (request, reply) => {
        await community.clearChat(actorOf(request), request.ip);
        return reply.status(204).send();
      },
    );

    app.put(
      '/admin/community-room',
      {
        schema: {
          tags: ['community', 'admin'],
          summary: "Sets the room's capacity (admins)",
          body: CapacityBody,
          response: { ...NoContent, ...ERRORS },
        },
      },
      async (request, reply) => {
        const actor = chatActorOf(requireRole(request, 'admin'));
        await community.setCapacity(actor.appId, (request.body as { capacity: number }).capacity);
        return reply.status(204).send();
      },
    );
  };
}
