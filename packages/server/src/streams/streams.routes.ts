import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../audit/index.ts';
import type { TeamRole } from '../platform/db/schema.ts';
import { requirePrincipal } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, EmptyBody, errorResponses, Id, Page, PageQuery } from '../platform/http/schemas.ts';
import type { TenantService } from '../tenants/index.ts';
import type { StreamStatus } from './streams.rules.ts';
import { CreateStreamBody, Ingest, Stream, UpdateStreamBody } from './streams.schemas.ts';
import type { NewStreamInput, StreamService, StreamUpdateInput } from './streams.service.ts';

const AppParams = Type.Object({ appId: Id });
const StreamParams = Type.Object({ appId: Id, id: Id });
const ListQuery = Type.Object(
  {
    ...PageQuery.properties,
    status: Type.Optional(Type.Union(['idle', 'live', 'reconnecting', 'ended'].map((s) => Type.Literal(s)))),
  },
  { additionalProperties: false },
);

const READ = { role: 'viewer', scope: 'streams:read' } as const satisfies { role: TeamRole; scope: string };
const WRITE = { role: 'editor', scope: 'streams:write' } as const satisfies { role: TeamRole; scope: string };

const readErrors = errorResponses(...AUTHED_ERRORS, 404);
const writeErrors = errorResponses(...AUTHED_ERRORS, 404);
const WithIngest = Type.Object({ stream: Stream, ingest: Ingest });

/** The streams API: `/apps/:appId/streams…`, authorized per app through tenants. */
export function streamRoutes(deps: { streams: StreamService; tenants: TenantService }): FastifyPluginAsync {
  const { streams, tenants } = deps;

  async function authorize(request: FastifyRequest, need: typeof READ | typeof WRITE): Promise<string> {
    const { appId } = request.params as { appId: string };
    return (await tenants.authorizeApp(requirePrincipal(request), appId, need)).appId;
  }
  const actor = (request: FastifyRequest) => actorOf(request.principal, request.ip);

  return async (app) => {
    const tags = ['streams'];

    app.get(
      '/apps/:appId/streams',
      {
        schema: {
          tags,
          summary: "List the app's streams, newest first",
          params: AppParams,
          querystring: ListQuery,
          response: { 200: Page(Stream), ...readErrors },
        },
      },
      async (request) => {
        const appId = await authorize(request, READ);
        const query = request.query as { limit: number; cursor?: string; status?: StreamStatus };
        const items = await streams.list(appId, query);
        return { items, nextCursor: items.length === query.limit ? items[items.length - 1]!.id : null };
      },
    );

    app.post(
      '/apps/:appId/streams',
      {
        schema: {
          tags,
          summary:
            'Create a stream: returns the RTMP URL, the stream key (only here and on rotate) and playback URLs',
          params: AppParams,
          body: CreateStreamBody,
          response: { 201: WithIngest, ...writeErrors },
        },
      },
      async (request, reply) => {
        const appId = await authorize(request, WRITE);
        const principal = request.principal;
        const ownerId = principal?.kind === 'session' ? principal.user.id : null;
        const created = await streams.create(actor(request), appId, ownerId, request.body as NewStreamInput);
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/apps/:appId/streams/:id',
      {
        schema: {
          tags,
          summary: 'Read one stream and its live state',
          params: StreamParams,
          response: { 200: Type.Object({ stream: Stream }), ...readErrors },
        },
      },
      async (request) => {
        const appId = await authorize(request, READ);
        const { id } = request.params as { id: string };
        return { stream: await streams.get(appId, id) };
      },
    );

    app.patch(
      '/apps/:appId/streams/:id',
      {
        schema: {
          tags,
          summary: 'Change a stream (latency mode and profile apply from its next session)',
          params: StreamParams,
          body: UpdateStreamBody,
          response: { 200: Type.Object({ stream: Stream }), ...writeErrors },
        },
      },
      async (request) => {
        const appId = await authorize(request, WRITE);
        const { id } = request.params as { id: string };
        return { stream: await streams.update(actor(request), appId, id, request.body as StreamUpdateInput) };
      },
    );

    app.delete(
      '/apps/:appId/streams/:id',
      {
        schema: {
          tags,
          summary: 'Delete a stream: its key stops working and a live publisher is disconnected',
          params: StreamParams,
          response: { 204: Type.Null(), ...writeErrors },
        },
      },
      async (request, reply) => {
        const appId = await authorize(request, WRITE);
        const { id } = request.params as { id: string };
        await streams.delete(actor(request), appId, id);
        return reply.status(204).send();
      },
    );

    app.post(
      '/apps/:appId/streams/:id/rotate-key',
      {
        schema: {
          tags,
          summary:
            'Replace the stream key (the new one is returned only here); a publisher on the old key is dropped',
          params: StreamParams,
          body: EmptyBody,
          response: { 200: WithIngest, ...writeErrors },
        },
      },
      async (request) => {
        const appId = await authorize(request, WRITE);
        const { id } = request.params as { id: string };
        return streams.rotateKey(actor(request), appId, id);
      },
    );
  };
}
