import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { type TObject, Type } from 'typebox';
import { actorOf } from '../audit/index.ts';
import { type Db, SITE_APP_ID } from '../platform/db/schema.ts';
import { requirePrincipal, requireRole } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, errorResponses, Id } from '../platform/http/schemas.ts';
import type { TenantService } from '../tenants/index.ts';
import {
  CreateRestreamTargetBody,
  RestreamTarget,
  RestreamTargetState,
  UpdateRestreamTargetBody,
} from './restream.schemas.ts';
import type { NewRestreamTarget, RestreamService, RestreamTargetUpdate } from './restream.service.ts';
import { streamErrors } from './streams.errors.ts';
import type { StreamStore } from './streams.store.ts';

/** What the restream routes are built from. */
export interface RestreamRoutesDeps {
  restream: RestreamService;
  tenants: TenantService;
  /** To check that a studio stream is the signed-in creator's. */
  streams: StreamStore;
  db: Db;
}

/** Which stream a request is about, once the caller may read (or change) it. */
type Resolve = (request: FastifyRequest, write: boolean) => Promise<{ appId: string; streamId: string }>;

const errors = errorResponses(...AUTHED_ERRORS, 404, 409);
const TargetList = Type.Object({ items: Type.Array(RestreamTarget) });
const StatusList = Type.Object({
  items: Type.Array(Type.Object({ id: Type.String(), state: RestreamTargetState })),
});

/** The target CRUD and status routes under `base` (a stream's path), authorised by `resolve`. */
function targetRoutes(
  app: FastifyInstance,
  base: string,
  params: TObject,
  tags: string[],
  restream: RestreamService,
  resolve: Resolve,
): void {
  const TargetParams = Type.Object({ ...params.properties, targetId: Id });
  const actor = (request: FastifyRequest) => actorOf(request.principal, request.ip);
  const targetId = (request: FastifyRequest) => (request.params as { targetId: string }).targetId;

  app.get(
    `${base}/restream-targets`,
    {
      schema: {
        tags,
        summary: "The stream's restream targets with their live state (keys are never returned)",
        params,
        response: { 200: TargetList, ...errors },
      },
    },
    async (request) => {
      const { appId, streamId } = await resolve(request, false);
      return { items: await restream.list(appId, streamId) };
    },
  );

  app.get(
    `${base}/restream-status`,
    {
      schema: {
        tags,
        summary:
          'Live state of each restream target: idle, connecting, live, retrying (attempt) or failed (reason)',
        params,
        response: { 200: StatusList, ...errors },
      },
    },
    async (request) => {
      const { appId, streamId } = await resolve(request, false);
      const items = await restream.list(appId, streamId);
      return { items: items.map(({ id, state }) => ({ id, state })) };
    },
  );

  app.post(
    `${base}/restream-targets`,
    {
      schema: {
        tags,
        summary:
          'Add a restream target (an rtmp:// or rtmps:// server URL and its stream key, stored encrypted)',
        params,
        body: CreateRestreamTargetBody,
        response: { 201: Type.Object({ target: RestreamTarget }), ...errors },
      },
    },
    async (request, reply) => {
      const { appId, streamId } = await resolve(request, true);
      const body = request.body as NewRestreamTarget;
      return reply.status(201).send({ target: await restream.create(actor(request), appId, streamId, body) });
    },
  );

  app.patch(
    `${base}/restream-targets/:targetId`,
    {
      schema: {
        tags,
        summary: 'Change a restream target: rename, enable or disable, or replace its URL or key',
        params: TargetParams,
        body: UpdateRestreamTargetBody,
        response: { 200: Type.Object({ target: RestreamTarget }), ...errors },
      },
    },
    async (request) => {
      const { appId, streamId } = await resolve(request, true);
      const body = request.body as RestreamTargetUpdate;
      return { target: await restream.update(actor(request), appId, streamId, targetId(request), body) };
    },
  );

  app.delete(
    `${base}/restream-targets/:targetId`,
    {
      schema: {
        tags,
        summary: 'Remove a restream target (sending to it stops if the stream is live)',
        params: TargetParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { appId, streamId } = await resolve(request, true);
      await restream.delete(actor(request), appId, streamId, targetId(request));
      return reply.status(204).send();
    },
  );
}

/**
 * Restream targets of a stream, twice: for apps (`/apps/:appId/streams/:id/…`, team roles and
 * API key scopes) and for the studio (`/studio/streams/:id/…`, the signed-in creator's own
 * streams on the site app).
 */
export function restreamRoutes(deps: RestreamRoutesDeps): FastifyPluginAsync {
  const { restream, tenants, streams, db } = deps;

  const forApp: Resolve = async (request, write) => {
    const { appId, id } = request.params as { appId: string; id: string };
    const need = write
      ? ({ role: 'editor', scope: 'streams:write' } as const)
      : ({ role: 'viewer', scope: 'streams:read' } as const);
    const access = await tenants.authorizeApp(requirePrincipal(request), appId, need);
    return { appId: access.appId, streamId: id };
  };

  const forStudio: Resolve = async (request) => {
    const principal = requireRole(request, 'creator', 'admin');
    if (principal.appId !== SITE_APP_ID) throw streamErrors.STREAMS_NOT_FOUND();
    const { id } = request.params as { id: string };
    const row = await streams.find(db, SITE_APP_ID, id);
    if (!row || row.owner_id !== principal.user.id) throw streamErrors.STREAMS_NOT_FOUND();
    return { appId: SITE_APP_ID, streamId: row.id };
  };

  return async (app) => {
    targetRoutes(
      app,
      '/apps/:appId/streams/:id',
      Type.Object({ appId: Id, id: Id }),
      ['streams'],
      restream,
      forApp,
    );
    targetRoutes(app, '/studio/streams/:id', Type.Object({ id: Id }), ['studio'], restream, forStudio);
  };
}
