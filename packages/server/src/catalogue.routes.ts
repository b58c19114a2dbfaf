import { EVENT_CATALOGUE, EVENT_NAMES } from '@pnptv/protocol';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';

const Catalogue = Type.Object({
  items: Type.Array(Type.Object({ name: Type.String(), description: Type.String() })),
});

/** The public event catalogue, the same names as on sockets and webhooks. */
export function catalogueRoutes(): FastifyPluginAsync {
  const body = { items: EVENT_NAMES.map((name) => ({ name, description: EVENT_CATALOGUE[name] })) };
  return async (app) => {
    app.get(
      '/events',
      {
        schema: {
          tags: ['events'],
          summary: 'List the event catalogue',
          security: [],
          response: { 200: Catalogue },
        },
      },
      async () => body,
    );
  };
}
