import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../audit/index.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { requirePrincipal, requireRole } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, errorResponses, Id } from '../platform/http/schemas.ts';
import type { TenantService } from '../tenants/index.ts';
import type { ProfileService } from './profiles.service.ts';
import { MAX_LADDER_RUNGS, PROFILE_NAME_PATTERN, type Rung } from './streams.rules.ts';

const RungSchema = Type.Object(
  {
    height: Type.Integer({ minimum: 144, maximum: 2160 }),
    videoKbps: Type.Integer({ minimum: 100, maximum: 20_000 }),
    audioKbps: Type.Integer({ minimum: 32, maximum: 320 }),
  },
  { additionalProperties: false },
);
/** A transcoding profile: a built-in one or a custom ladder of the app. */
export const Profile = Type.Object({
  name: Type.String(),
  builtIn: Type.Boolean(),
  rungs: Type.Array(RungSchema),
});
const PutProfileBody = Type.Object(
  { rungs: Type.Array(RungSchema, { minItems: 1, maxItems: MAX_LADDER_RUNGS }) },
  { additionalProperties: false },
);
const Name = Type.String({ pattern: PROFILE_NAME_PATTERN });

/**
 * Custom transcoding ladders: per app in the developer API (`/apps/:appId/transcoding-profiles`,
 * team admins change them) and for the site at `/admin/transcoding-profiles` (instance admins).
 */
export function profileRoutes(deps: {
  profiles: ProfileService;
  tenants: TenantService;
}): FastifyPluginAsync {
  const { profiles, tenants } = deps;
  const actor = (request: FastifyRequest) => actorOf(request.principal, request.ip);
  const errors = errorResponses(...AUTHED_ERRORS, 404, 409);

  return async (app) => {
    const tags = ['streams'];
    for (const scope of ['app', 'site'] as const) {
      const base = scope === 'app' ? '/apps/:appId/transcoding-profiles' : '/admin/transcoding-profiles';
      const params: Record<string, typeof Id> = scope === 'app' ? { appId: Id } : {};
      const appOf = async (request: FastifyRequest, write: boolean): Promise<string> => {
        if (scope === 'site') {
          requireRole(request, 'admin');
          return SITE_APP_ID;
        }
        const { appId } = request.params as { appId: string };
        const need = write
          ? ({ role: 'admin', scope: 'streams:write' } as const)
          : ({ role: 'viewer', scope: 'streams:read' } as const);
        return (await tenants.authorizeApp(requirePrincipal(request), appId, need)).appId;
      };

      app.get(
        base,
        {
          schema: {
            tags,
            summary: 'Transcoding profiles: the built-in ladders and the custom ones',
            ...(scope === 'app' ? { params: Type.Object(params) } : {}),
            response: { 200: Type.Object({ items: Type.Array(Profile) }), ...errors },
          },
        },
        async (request) => ({ items: await profiles.list(await appOf(request, false)) }),
      );

      app.put(
        `${base}/:name`,
        {
          schema: {
            tags,
            summary: 'Create or replace a custom ladder (applies to the next session of streams using it)',
            params: Type.Object({ ...params, name: Name }),
            body: PutProfileBody,
            response: { 200: Type.Object({ profile: Profile }), ...errors },
          },
        },
        async (request) => {
          const appId = await appOf(request, true);
          const { name } = request.params as { name: string };
          const { rungs } = request.body as { rungs: Rung[] };
          return { profile: await profiles.put(actor(request), appId, name, rungs) };
        },
      );

      app.delete(
        `${base}/:name`,
        {
          schema: {
            tags,
            summary: 'Delete a custom ladder (streams using it fall back to the standard ladder)',
            params: Type.Object({ ...params, name: Name }),
            response: { 204: Type.Null(), ...errors },
          },
        },
        async (request, reply) => {
          const appId = await appOf(request, true);
          const { name } = request.params as { name: string };
          await profiles.delete(actor(request), appId, name);
          return reply.status(204).send();
        },
      );
    }
  };
}
