import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { requirePrincipal, requireRole } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, EmptyBody, errorResponses, Page, PageQuery } from '../platform/http/schemas.ts';
import { chatActorOf } from './chat.actor.ts';
import type { ChatActor } from './chat.rules.ts';
import {
  BanBody,
  ChannelParams,
  ChannelSettingsSchema,
  ChannelUserParams,
  ChatMessageSchema,
  DmSchema,
  EditMessageBody,
  MessageParams,
  ModerationLogQuery,
  ModerationLogSchema,
  PostMessageBody,
  ReactionBody,
  ReactionParams,
  ReactionsSchema,
  ReadBody,
  ReportBody,
  ReportSchema,
  ReportsQuery,
  ResolveBody,
  RestrictionsSchema,
  RoleBody,
  RolesSchema,
  SettingsPatchBody,
  TimeoutBody,
  UnbanQuery,
  UserBody,
} from './chat.schemas.ts';
import type { ChatService } from './chat.service.ts';

type ChannelP = { channel: string };
type MessageP = { channel: string; id: string };
type UserP = { channel: string; userId: string };

const WRITE_ERRORS = errorResponses(...AUTHED_ERRORS, 404, 409);
const NoContent = { 204: Type.Null() };

/**
 * The chat REST API, for clients, admins and bots: history, posting, edits, reactions and every
 * moderation action, through the same service methods as the realtime gateway.
 */
export function chatRoutes(deps: { chat: ChatService }): FastifyPluginAsync {
  const { chat } = deps;
  const actorOf = (request: FastifyRequest): ChatActor => chatActorOf(requirePrincipal(request));
  const adminOf = (request: FastifyRequest): ChatActor =>
    chatActorOf(requireRole(request, 'admin', 'moderator'));
  return async (app) => {
    app.get(
      '/channels/:channel/messages',
      {
        schema: {
          tags: ['chat'],
          summary: "A channel's messages, newest first (the same access rules as joining it)",
          params: ChannelParams,
          querystring: PageQuery,
          response: { 200: Page(ChatMessageSchema), ...errorResponses(...AUTHED_ERRORS, 404) },
        },
      },
      async (request) => {
        const { channel } = request.params as ChannelP;
        const query = request.query as { limit: number; cursor?: string };
        return chat.history(actorOf(request), channel, query);
      },
    );

    app.post(
      '/channels/:channel/messages',
      {
        schema: {
          tags: ['chat'],
          summary: 'Posts a message (bots and integrations; people use the realtime gateway)',
          params: ChannelParams,
          body: PostMessageBody,
          response: { 201: Type.Object({ message: ChatMessageSchema }), ...WRITE_ERRORS },
        },
      },
      async (request, reply) => {
        const { channel } = request.params as ChannelP;
        const body = request.body as { text: string; replyTo?: string };
        const actor = actorOf(request);
        const { moderator } = await chat.access(actor, channel);
        const message = await chat.post(actor, channel, body.text, moderator, body.replyTo);
        return reply.status(201).send({ message });
      },
    );

    app.patch(
      '/channels/:channel/messages/:id',
      {
        schema: {
          tags: ['chat'],
          summary: 'Edits your own message within 15 minutes of posting it',
          params: MessageParams,
          body: EditMessageBody,
          response: { 200: Type.Object({ message: ChatMessageSchema }), ...WRITE_ERRORS },
        },
      },
      async (request) => {
        const { channel, id } = request.params as MessageP;
        const message = await chat.edit(
          actorOf(request),
          channel,
          id,
          (request.body as { text: string }).text,
        );
        return { message };
      },
    );

    app.delete(
      '/channels/:channel/messages/:id',
      {
        schema: {
          tags: ['chat'],
          summary: 'Deletes a message (its author or a moderator of the channel)',
          params: MessageParams,
          response: { ...NoContent, ...WRITE_ERRORS },
        },
      },
      async (request, reply) => {
        const { channel, id } = request.params as MessageP;
        await chat.delete(actorOf(request), channel, id, request.ip);
        return reply.status(204).send();
      },
    );

    app.post(
      '/channels/:channel/messages/:id/reactions',
      {
        schema: {
          tags: ['chat'],
          summary: 'Adds your emoji reaction to a message (one per emoji)',
          params: MessageParams,
          body: ReactionBody,
          response: { 200: ReactionsSchema, ...WRITE_ERRORS },
        },
      },
      async (request) => {
        const { channel, id } = request.params as MessageP;
        const { emoji } = request.body as { emoji: string };
        return { reactions: await chat.react(actorOf(request), channel, id, emoji, true) };
      },
    );

    app.delete(
      '/channels/:channel/messages/:id/reactions/:emoji',
      {
        schema: {
          tags: ['chat'],
          summary: 'Removes your emoji reaction from a message',
          params: ReactionParams,
          response: { 200: ReactionsSchema, ...WRITE_ERRORS },
        },
      },
      async (request) => {
        const { channel, id, emoji } = request.params as MessageP & { emoji: string };
        return { reactions: await chat.react(actorOf(request), channel, id, emoji, false) };
      },
    );

    app.get(
      '/channels/:channel/bans',
      {
        schema: {
          tags: ['chat'],
          summary: 'Active bans, timeouts and shadow bans of a channel (its moderators)',
          params: ChannelParams,
          response: { 200: RestrictionsSchema, ...WRITE_ERRORS },
        },
      },
      async (request) => {
        const { channel } = request.params as ChannelP;
        return { items: await chat.moderation.restrictions(actorOf(request), channel) };
      },
    );

    app.post(
      '/channels/:channel/bans',
      {
        schema: {
          tags: ['chat'],
          summary: 'Bans a user from the channel, or app-wide (timed or permanent)',
          params: ChannelParams,
          body: BanBody,
          response: { ...NoContent, ...WRITE_ERRORS },
        },
      },
      async (request, reply) => {
        const { channel } = request.params as ChannelP;
        const body = request.body as {
          userId: string;
          appWide?: boolean;
          durationS?: number;
          reason?: string;
        };
        await chat.moderation.ban(actorOf(request), { channel, ...body }, request.ip);
        return reply.status(204).send();
      },
    );

    app.delete(
      '/channels/:channel/bans/:userId',
      {
        schema: {
          tags: ['chat'],
          summary: 'Lifts a ban',
          params: ChannelUserParams,
          querystring: UnbanQuery,
          response: { ...NoContent, ...WRITE_ERRORS },
        },
      },
      async (request, reply) => {
        const { channel, userId } = request.params as UserP;
        const { appWide } = request.query as { appWide?: boolean };
        await chat.moderation.unban(actorOf(request), { channel, userId, appWide }, request.ip);
        return reply.status(204).send();
      },
    );

    app.post(
      '/channels/:channel/timeouts',
      {
        schema: {
          tags: ['chat'],
          summary: 'Times a user out: they keep reading but cannot post for durationS seconds',
          params: ChannelParams,
          body: TimeoutBody,
          response: { ...NoContent, ...WRITE_ERRORS },
        },
      },
      async (request, reply) => {
        const { channel } = request.params as ChannelP;
        const body = request.body as { userId: string; durationS: number };
        await chat.moderation.timeout(actorOf(request), { channel, ...body }, request.ip);
        return reply.status(204).send();
      },
    );

    app.post(
      '/channels/:channel/shadow-bans',
      {
        schema: {
          tags: ['chat'],
          summary: 'Shadow bans a user: only they see their messages',
          params: ChannelParams,
          body: UserBody,
          response: { ...NoContent, ...WRITE_ERRORS },
        },
      },
      async (request, reply) => {
        const { channel } = request.params as ChannelP;
        await chat.moderation.shadowBan(
          actorOf(request),
          channel,
          (request.body as { userId: string }).userId,
          request.ip,
        );
        return reply.status(204).send();
      },
    );

    app.delete(
      '/channels/:channel/shadow-bans/:userId',
      {
        schema: {
          tags: ['chat'],
          summary: 'Lifts a shadow ban',
          params: ChannelUserParams,
          response: { ...NoContent, ...WRITE_ERRORS },
        },
      },
      async (request, reply) => {
        const { channel, userId } = request.params as UserP;
        await chat.moderation.unshadowBan(actorOf(request), channel, userId, request.ip);
        return reply.status(204).send();
      },
    );

    app.post(
      '/channels/:channel/clear',
      {
        schema: {
          tags: ['chat'],
          summary: 'Clears the chat: hides every message of the channel',
          params: ChannelParams,
          body: EmptyBody,
          response: { ...NoContent, ...WRITE_ERRORS },
        },
      },
      async (request, reply) => {
        const { channel } = request.params as ChannelP;
        await chat.moderation.clear(actorOf(request), channel, request.ip);
        return reply.status(204).send();
      },
    );

    app.get(
      '/channels/:channel/settings',
      {
        schema: {
          tags: ['chat'],
          summary: "A channel's moderation settings",
          params: ChannelParams,
          response: { 200: ChannelSettingsSchema, ...WRITE_ERRORS },
        },
      },
      async (request) => {
        const { channel } = request.params as ChannelP;
        await chat.access(actorOf(request), channel);
        return chat.moderation.settings(actorOf(request).appId, channel);
      },
    );

    app.patch(
      '/channels/:channel/settings',
      {
        schema: {
          tags: ['chat'],
          summary: 'Changes slow mode, blocked words, links, minimum account age or subscribers-only',
          params: ChannelParams,
          body: SettingsPatchBody,
          response: { 200: ChannelSettingsSchema, ...WRITE_ERRORS },
        },
      },
      async (request) => {
        const { channel } = request.params as ChannelP;
        return chat.moderation.updateSettings(actorOf(request), channel, request.body as object, request.ip);
      },
    );

    app.get(
      '/channels/:channel/roles',
      {
        schema: {
          tags: ['chat'],
          summary: 'Appointed moderators of a channel',
          params: ChannelParams,
          response: { 200: RolesSchema, ...WRITE_ERRORS },
        },
      },
      async (request) => {
        const { channel } = request.params as ChannelP;
        return { items: await chat.moderation.roles(actorOf(request), channel) };
      },
    );

    app.put(
      '/channels/:channel/roles/:userId',
      {
        schema: {
          tags: ['chat'],
          summary: 'Appoints a channel moderator (the channel owner or an app moderator)',
          params: ChannelUserParams,
          body: RoleBody,
          response: { ...NoContent, ...WRITE_ERRORS },
        },
      },
      async (request, reply) => {
        const { channel, userId } = request.params as UserP;
        await chat.moderation.setRole(actorOf(request), channel, userId, 'moderator', request.ip);
        return reply.status(204).send();
      },
    );

    app.delete(
      '/channels/:channel/roles/:userId',
      {
        schema: {
          tags: ['chat'],
          summary: 'Removes a channel moderator',
          params: ChannelUserParams,
          response: { ...NoContent, ...WRITE_ERRORS },
        },
      },
      async (request, reply) => {
        const { channel, userId } = request.params as UserP;
        await chat.moderation.setRole(actorOf(request), channel, userId, null, request.ip);
        return reply.status(204).send();
      },
    );

    app.post(
      '/channels/:channel/reports',
      {
        schema: {
          tags: ['chat'],
          summary: 'Reports a message or a user of the channel to the admins',
          params: ChannelParams,
          body: ReportBody,
          response: { 201: Type.Object({ report: ReportSchema }), ...WRITE_ERRORS },
        },
      },
      async (request, reply) => {
        const { channel } = request.params as ChannelP;
        const body = request.body as { messageId?: string; userId?: string; reason: string };
        const report = await chat.moderation.report(actorOf(request), { channel, ...body });
        return reply.status(201).send({ report });
      },
    );

    app.get(
      '/channels/:channel/moderation-log',
      {
        schema: {
          tags: ['chat'],
          summary: "A channel's moderation log, newest first (its moderators)",
          params: ChannelParams,
          querystring: PageQuery,
          response: { 200: Page(ModerationLogSchema), ...WRITE_ERRORS },
        },
      },
      async (request) => {
        const { channel } = request.params as ChannelP;
        const query = request.query as { limit: number; cursor?: string };
        return chat.moderation.moderationLog(actorOf(request), { ...query, channel }, true);
      },
    );

    app.get(
      '/admin/chat/moderation-log',
      {
        schema: {
          tags: ['chat', 'admin'],
          summary: "The app's moderation log across channels (admins and moderators)",
          querystring: ModerationLogQuery,
          response: { 200: Page(ModerationLogSchema), ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => {
        const query = request.query as { limit: number; cursor?: string; channel?: string };
        return chat.moderation.moderationLog(adminOf(request), query, false);
      },
    );

    app.get(
      '/admin/chat/reports',
      {
        schema: {
          tags: ['chat', 'admin'],
          summary: 'The report queue, newest first (admins and moderators)',
          querystring: ReportsQuery,
          response: { 200: Page(ReportSchema), ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => {
        const actor = adminOf(request);
        const query = request.query as {
          limit: number;
          cursor?: string;
          status?: 'open' | 'resolved' | 'dismissed';
        };
        return chat.moderation.reports(actor.appId, query);
      },
    );

    app.post(
      '/admin/chat/reports/:id/resolve',
      {
        schema: {
          tags: ['chat', 'admin'],
          summary: 'Resolves or dismisses an open report',
          params: Type.Object({ id: Type.String({ minLength: 3, maxLength: 64 }) }),
          body: ResolveBody,
          response: { 200: Type.Object({ report: ReportSchema }), ...WRITE_ERRORS },
        },
      },
      async (request) => {
        const { id } = request.params as { id: string };
        const body = request.body as { status: 'resolved' | 'dismissed'; resolution?: string };
        const report = await chat.moderation.resolveReport(
          adminOf(request),
          id,
          body.status,
          body.resolution ?? null,
          request.ip,
        );
        return { report };
      },
    );

    app.get(
      '/dms',
      {
        schema: {
          tags: ['chat'],
          summary: 'Your direct-message conversations, newest first, with unread counts',
          response: {
            200: Type.Object({ items: Type.Array(DmSchema) }),
            ...errorResponses(...AUTHED_ERRORS),
          },
        },
      },
      async (request) => ({ items: await chat.dms(actorOf(request)) }),
    );

    app.post(
      '/dms/:channel/read',
      {
        schema: {
          tags: ['chat'],
          summary: 'Marks a DM conversation read up to a message',
          params: ChannelParams,
          body: ReadBody,
          response: { 200: Type.Object({ unread: Type.Integer() }), ...WRITE_ERRORS },
        },
      },
      async (request) => {
        const { channel } = request.params as ChannelP;
        return {
          unread: await chat.markRead(
            actorOf(request),
            channel,
            (request.body as { messageId: string }).messageId,
          ),
        };
      },
    );
  };
}
