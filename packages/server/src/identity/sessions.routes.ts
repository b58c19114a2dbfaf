import type { FastifyPluginAsync } from 'fastify';
import { type Static, Type } from 'typebox';
import { requireSession } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, errorResponses, IsoDate } from '../platform/http/schemas.ts';
import type { Platform } from '../platform/platform.ts';
import { clearSessionCookie, sessionMetaOf } from './identity.http.ts';
import type { IdentityService } from './identity.service.ts';
import type { SessionView } from './my-sessions.service.ts';

/** One of the signed-in user's sessions. */
export const Session = Type.Object(
  {
    id: Type.String({
      description: 'Public id of the session (not the cookie, nor what it is stored under)',
    }),
    device: Type.Object({
      browser: Type.Union([Type.String(), Type.Null()]),
      os: Type.Union([Type.String(), Type.Null()]),
      kind: Type.Union([
        Type.Literal('desktop'),
        Type.Literal('mobile'),
        Type.Literal('tablet'),
        Type.Literal('unknown'),
      ]),
    }),
    userAgent: Type.Union([Type.String(), Type.Null()]),
    ip: Type.Union([Type.String(), Type.Null()]),
    createdAt: IsoDate,
    lastSeenAt: IsoDate,
    expiresAt: IsoDate,
    current: Type.Boolean({ description: 'The session making this request ("this device")' }),
  },
  { $id: 'Session' },
);

const SessionParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{32}$' }) });

function toSession(view: SessionView): Static<typeof Session> {
  return {
    ...view,
    createdAt: view.createdAt.toISOString(),
    lastSeenAt: view.lastSeenAt.toISOString(),
    expiresAt: view.expiresAt.toISOString(),
  };
}

/** `/me/sessions`: the signed-in user's sessions, and signing them out. */
export function sessionRoutes(deps: { identity: IdentityService; platform: Platform }): FastifyPluginAsync {
  const { identity, platform } = deps;
  const tags = ['me'];
  return async (app) => {
    app.get(
      '/me/sessions',
      {
        schema: {
          tags,
          summary: 'My active sessions, most recently seen first',
          response: {
            200: Type.Object({ items: Type.Array(Session) }),
            ...errorResponses(...AUTHED_ERRORS),
          },
        },
      },
      async (request) => {
        const meta = sessionMetaOf(request, requireSession(request));
        return { items: (await identity.sessions.list(meta)).map(toSession) };
      },
    );

    app.delete(
      '/me/sessions/:id',
      {
        schema: {
          tags,
          summary: 'Sign one of my sessions out; it stops working at once',
          params: SessionParams,
          response: { 204: Type.Null(), ...errorResponses(...AUTHED_ERRORS, 404) },
        },
      },
      async (request, reply) => {
        const meta = sessionMetaOf(request, requireSession(request));
        const { id } = request.params as Static<typeof SessionParams>;
        const { current } = await identity.sessions.revoke(meta, id);
        if (current) clearSessionCookie(reply, platform.config);
        return reply.status(204).send();
      },
    );

    app.delete(
      '/me/sessions',
      {
        schema: {
          tags,
          summary: 'Sign out every session but this one',
          response: {
            200: Type.Object({ revoked: Type.Integer({ minimum: 0 }) }),
            ...errorResponses(...AUTHED_ERRORS),
          },
        },
      },
      async (request) => {
        const meta = sessionMetaOf(request, requireSession(request));
        return { revoked: await identity.sessions.revokeOthers(meta) };
      },
    );
  };
}
