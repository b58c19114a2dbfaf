import type { FastifyPluginAsync } from 'fastify';
import { type Static, Type } from 'typebox';
import { roleAtLeast } from './identity.rules.ts';
import { GuardQuery } from './identity.schemas.ts';

/**
 * `GET /auth/guard` for nginx `auth_request`: 200 with `x-user-id` / `x-user-role` for a valid session
 * cookie (holding at least `?role=` when given), 401 without one, 403 below the role. Bodies are empty.
 */
export function guardRoutes(): FastifyPluginAsync {
  const Empty = Type.Null({ description: 'No content' });
  return async (app) => {
    app.get(
      '/auth/guard',
      {
        schema: {
          tags: ['auth'],
          summary: 'Session check for reverse proxies (nginx auth_request)',
          querystring: GuardQuery,
          response: { 200: Empty, 401: Empty, 403: Empty },
        },
      },
      async (request, reply) => {
        void reply.header('cache-control', 'no-store');
        const principal = request.principal;
        if (principal?.kind !== 'session') return reply.status(401).send();
        const { role } = request.query as Static<typeof GuardQuery>;
        if (role && !roleAtLeast(principal.user.role, role)) return reply.status(403).send();
        return reply
          .header('x-user-id', principal.user.id)
          .header('x-user-role', principal.user.role)
          .status(200)
          .send();
      },
    );
  };
}
