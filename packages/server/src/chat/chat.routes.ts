import type { FastifyPluginAsync } from 'fastify';
import { requirePrincipal } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, errorResponses, Page, PageQuery } from '../platform/http/schemas.ts';
import { chatActorOf } from './chat.actor.ts';
import { ChannelParams, ChatMessageSchema } from './chat.schemas.ts';
import type { ChatService } from './chat.service.ts';

/** The chat REST API: channel history under `/channels/:channel/messages`. */
export function chatRoutes(deps: { chat: ChatService }): FastifyPluginAsync {
  const { chat } = deps;
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
        const actor = chatActorOf(requirePrincipal(request));
        const { channel } = request.params as { channel: string };
        const query = request.query as { limit: number; cursor?: string };
        return chat.history(actor, channel, query);
      },
    );
  };
}
