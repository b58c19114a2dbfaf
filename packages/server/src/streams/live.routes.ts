import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../audit/index.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { requireRole } from '../platform/http/auth.ts';
import {
  AUTHED_ERRORS,
  EmptyBody,
  errorResponses,
  Id,
  NullableIsoDate,
  Page,
  PageQuery,
} from '../platform/http/schemas.ts';
import type { Platform } from '../platform/platform.ts';
import type { TenantService } from '../tenants/index.ts';
import type { PlaybackService } from './playback.service.ts';
import { streamErrors } from './streams.errors.ts';
import { type IngestHealth, ingestHealthKey, type StreamStatus, type Visibility } from './streams.rules.ts';
import { CreateStreamBody, Ingest, Stream, UpdateStreamBody } from './streams.schemas.ts';
import type { NewStreamInput, StreamService, StreamUpdateInput } from './streams.service.ts';
import type { LiveStreamRow, StreamRow, StreamStore } from './streams.store.ts';
import type { ViewerStats } from './viewers.service.ts';

const VisibilityField = Type.Union(
  ['public', 'followers', 'subscribers', 'ticketed'].map((v) => Type.Literal(v)),
);
const StatusField = Type.Union(['idle', 'live', 'reconnecting', 'ended'].map((s) => Type.Literal(s)));

/** A stream as viewers see it on the discover and watch pages. */
export const PublicStream = Type.Object({
  id: Type.String(),
  title: Type.String(),
  category: Type.String(),
  status: StatusField,
  visibility: VisibilityField,
  ownerId: Type.Union([Type.String(), Type.Null()]),
  ownerName: Type.Union([Type.String(), Type.Null()]),
  viewers: Type.Integer(),
  thumbnailUrl: Type.Union([Type.String(), Type.Null()]),
  startedAt: NullableIsoDate,
  latencyMode: Type.Union([Type.Literal('standard'), Type.Literal('low')]),
});

const WatchAccess = Type.Object({
  allowed: Type.Boolean(),
  reason: Type.Union([
    Type.Null(),
    ...['TICKET_REQUIRED', 'SUBSCRIBERS_ONLY', 'FOLLOWERS_ONLY', 'LOGIN_REQUIRED'].map((r) =>
      Type.Literal(r),
    ),
  ]),
  ticketPriceCoins: Type.Union([Type.Integer(), Type.Null()]),
});

const IngestHealthSchema = Type.Object({
  bitrateKbps: Type.Number(),
  fps: Type.Number(),
  speed: Type.Union([Type.Number(), Type.Null()]),
  lagS: Type.Number(),
});

/** The studio's live health of one stream. */
export const StreamHealth = Type.Object({
  status: StatusField,
  ingest: Type.Union([IngestHealthSchema, Type.Null()]),
  viewers: Type.Object({
    current: Type.Integer(),
    peak: Type.Integer(),
    unique: Type.Integer(),
    watchMinutes: Type.Number(),
    bytesServed: Type.Integer(),
  }),
  series: Type.Array(Type.Object({ t: Type.String(), viewers: Type.Integer() })),
});

const StreamIdParams = Type.Object({ streamId: Id });
const IdParams = Type.Object({ id: Id });
const LiveQuery = Type.Object(
  { ...PageQuery.properties, category: Type.Optional(Type.String({ maxLength: 64 })) },
  { additionalProperties: false },
);
const StudioListQuery = Type.Object(
  { ...PageQuery.properties, status: Type.Optional(StatusField) },
  { additionalProperties: false },
);
const HeartbeatBody = Type.Object(
  { viewerId: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
);
const TokenResponse = Type.Object({ token: Type.String(), expiresAt: Type.String(), url: Type.String() });

/** What the site's live routes are built from. */
export interface LiveRoutesDeps {
  platform: Platform;
  streams: StreamService;
  store: StreamStore;
  playback: PlaybackService;
  viewers: ViewerStats;
  tenants: TenantService;
  /** The ticket price of a stream in coins, or null when none is sold (from the tickets capability). */
  ticketPrice?: (appId: string, streamId: string) => Promise<number | null>;
}

/** The master playlist URL of a stream carrying a playback token. */
export function tokenisedMasterUrl(publicUrl: string, streamId: string, token: string): string {
  return `${publicUrl}/hls/${streamId}/master.m3u8?token=${encodeURIComponent(token)}`;
}

/**
 * The site's live pages: discover (`GET /live`), watch (`GET /watch/:streamId`, heartbeats),
 * playback tokens (`POST /streams/:streamId/playback-token`) and the creator studio
 * (`/studio/streams…`, the signed-in creator's own streams on the site app).
 */
export function liveRoutes(deps: LiveRoutesDeps): FastifyPluginAsync {
  const { platform, streams, store, playback, viewers, tenants } = deps;
  const { db } = platform;
  const publicUrl = () => platform.config.publicUrl;

  async function toPublic(row: LiveStreamRow) {
    const live = row.status === 'live' || row.status === 'reconnecting';
    const count = live && row.current_session_id ? await viewers.current(row.current_session_id) : 0;
    return {
      id: row.id,
      title: row.title,
      category: row.category,
      status: row.status,
      visibility: row.visibility,
      ownerId: row.owner_id,
      ownerName: row.owner_name,
      viewers: count,
      thumbnailUrl: live && row.visibility === 'public' ? `${publicUrl()}/hls/${row.id}/thumb.jpg` : null,
      startedAt: live && row.started_at ? row.started_at.toISOString() : null,
      latencyMode: row.latency_mode,
    };
  }

  function creator(request: FastifyRequest) {
    const principal = requireRole(request, 'creator', 'admin');
    if (principal.appId !== SITE_APP_ID) throw streamErrors.STREAMS_NOT_FOUND();
    return principal;
  }

  /** The signed-in creator's own stream, or STREAMS_NOT_FOUND. */
  async function own(request: FastifyRequest): Promise<StreamRow> {
    const { user } = creator(request);
    const { id } = request.params as { id: string };
    const row = await store.find(db, SITE_APP_ID, id);
    if (!row || row.owner_id !== user.id) throw streamErrors.STREAMS_NOT_FOUND();
    return row;
  }

  const actor = (request: FastifyRequest) => actorOf(request.principal, request.ip);

  return async (app) => {
    app.addHook('onReady', async () => viewers.start());
    app.addHook('onClose', async () => viewers.stop());
    const tags = ['live'];
    const studioTags = ['studio'];
    const publicErrors = errorResponses(400, 404, 429);
    const studioErrors = errorResponses(...AUTHED_ERRORS, 404);

    app.get(
      '/live',
      {
        schema: {
          tags,
          summary: 'Live streams on the site, newest first (discover page)',
          querystring: LiveQuery,
          response: { 200: Page(PublicStream), ...errorResponses(400, 429) },
        },
      },
      async (request) => {
        const query = request.query as { limit: number; cursor?: string; category?: string };
        const rows = await store.listLive(db, SITE_APP_ID, query);
        const items = await Promise.all(rows.map(toPublic));
        return { items, nextCursor: rows.length === query.limit ? rows[rows.length - 1]!.id : null };
      },
    );

    app.get(
      '/watch/:streamId',
      {
        schema: {
          tags,
          summary: 'A stream for the watch page and whether the caller may watch it',
          params: StreamIdParams,
          response: {
            200: Type.Object({ stream: PublicStream, access: WatchAccess }),
            ...publicErrors,
          },
        },
      },
      async (request) => {
        const { streamId } = request.params as { streamId: string };
        const row = await store.findWithOwner(db, SITE_APP_ID, streamId);
        if (!row) throw streamErrors.STREAMS_NOT_FOUND();
        const decision = await playback.decide(
          {
            appId: row.app_id,
            streamId: row.id,
            ownerId: row.owner_id,
            visibility: row.visibility as Visibility,
          },
          request.principal,
        );
        const ticketPriceCoins =
          row.visibility === 'ticketed' && deps.ticketPrice
            ? await deps.ticketPrice(row.app_id, row.id)
            : null;
        return { stream: await toPublic(row), access: { ...decision, ticketPriceCoins } };
      },
    );

    app.post(
      '/streams/:streamId/playback-token',
      {
        schema: {
          tags,
          summary:
            'A signed playback token (valid 10 minutes; ask again to refresh) and the master playlist URL carrying it',
          params: StreamIdParams,
          body: EmptyBody,
          response: { 201: TokenResponse, ...errorResponses(...AUTHED_ERRORS, 404) },
        },
      },
      async (request, reply) => {
        const { streamId } = request.params as { streamId: string };
        const stream = await store.findById(db, streamId);
        if (!stream) throw streamErrors.STREAMS_NOT_FOUND();
        const principal = request.principal;
        let viewer: string;
        if (principal && principal.kind !== 'session') {
          await tenants.authorizeApp(principal, stream.app_id, { role: 'viewer', scope: 'streams:read' });
          viewer = principal.kind === 'apiKey' ? `k:${principal.keyId}` : `u:${principal.userId}`;
        } else {
          const decision = await playback.decide(
            {
              appId: stream.app_id,
              streamId: stream.id,
              ownerId: stream.owner_id,
              visibility: stream.visibility as Visibility,
            },
            principal,
          );
          if (!decision.allowed)
            throw decision.reason === 'TICKET_REQUIRED'
              ? streamErrors.STREAM_TICKET_REQUIRED()
              : streamErrors.STREAM_FORBIDDEN();
          viewer = principal ? `u:${principal.user.id}` : `a:${randomBytes(9).toString('base64url')}`;
        }
        const grant = await playback.mint(stream.id, viewer);
        return reply
          .status(201)
          .send({ ...grant, url: tokenisedMasterUrl(publicUrl(), stream.id, grant.token) });
      },
    );

    app.post(
      '/watch/:streamId/heartbeat',
      {
        schema: {
          tags,
          summary: 'The player is watching (every 10 s): counts the viewer and answers the concurrent count',
          params: StreamIdParams,
          body: HeartbeatBody,
          response: { 200: Type.Object({ viewers: Type.Integer() }), ...errorResponses(400, 403, 404, 429) },
        },
      },
      async (request) => {
        const { streamId } = request.params as { streamId: string };
        const { viewerId } = request.body as { viewerId: string };
        const stream = await store.find(db, SITE_APP_ID, streamId);
        if (!stream) throw streamErrors.STREAMS_NOT_FOUND();
        const sessionId = stream.current_session_id;
        if (!sessionId || (stream.status !== 'live' && stream.status !== 'reconnecting'))
          return { viewers: 0 };
        const principal = request.principal;
        const viewer = principal?.kind === 'session' ? `u:${principal.user.id}` : `a:${viewerId}`;
        return { viewers: await viewers.heartbeat(sessionId, viewer) };
      },
    );

    app.get(
      '/studio/streams',
      {
        schema: {
          tags: studioTags,
          summary: "The signed-in creator's streams, newest first",
          querystring: StudioListQuery,
          response: { 200: Page(Stream), ...studioErrors },
        },
      },
      async (request) => {
        const { user } = creator(request);
        const query = request.query as { limit: number; cursor?: string; status?: StreamStatus };
        const items = await streams.list(SITE_APP_ID, { ...query, ownerId: user.id });
        return { items, nextCursor: items.length === query.limit ? items[items.length - 1]!.id : null };
      },
    );

    app.post(
      '/studio/streams',
      {
        schema: {
          tags: studioTags,
          summary: 'Create a stream owned by the signed-in creator: returns the RTMP URL and stream key',
          body: CreateStreamBody,
          response: { 201: Type.Object({ stream: Stream, ingest: Ingest }), ...studioErrors },
        },
      },
      async (request, reply) => {
        const { user } = creator(request);
        const created = await streams.create(
          actor(request),
          SITE_APP_ID,
          user.id,
          request.body as NewStreamInput,
        );
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/studio/streams/:id',
      {
        schema: {
          tags: studioTags,
          summary: 'One of the creator’s streams',
          params: IdParams,
          response: { 200: Type.Object({ stream: Stream }), ...studioErrors },
        },
      },
      async (request) => {
        const row = await own(request);
        return { stream: await streams.get(SITE_APP_ID, row.id) };
      },
    );

    app.patch(
      '/studio/streams/:id',
      {
        schema: {
          tags: studioTags,
          summary: 'Change one of the creator’s streams',
          params: IdParams,
          body: UpdateStreamBody,
          response: { 200: Type.Object({ stream: Stream }), ...studioErrors },
        },
      },
      async (request) => {
        const row = await own(request);
        const input = request.body as StreamUpdateInput;
        return { stream: await streams.update(actor(request), SITE_APP_ID, row.id, input) };
      },
    );

    app.delete(
      '/studio/streams/:id',
      {
        schema: {
          tags: studioTags,
          summary: 'Delete one of the creator’s streams (a live publisher is disconnected)',
          params: IdParams,
          response: { 204: Type.Null(), ...studioErrors },
        },
      },
      async (request, reply) => {
        const row = await own(request);
        await streams.delete(actor(request), SITE_APP_ID, row.id);
        return reply.status(204).send();
      },
    );

    app.post(
      '/studio/streams/:id/rotate-key',
      {
        schema: {
          tags: studioTags,
          summary: 'Replace the stream key (returned only here); a publisher on the old key is dropped',
          params: IdParams,
          body: EmptyBody,
          response: { 200: Type.Object({ ingest: Ingest }), ...studioErrors },
        },
      },
      async (request) => {
        const row = await own(request);
        const { ingest } = await streams.rotateKey(actor(request), SITE_APP_ID, row.id);
        return { ingest };
      },
    );

    app.get(
      '/studio/streams/:id/health',
      {
        schema: {
          tags: studioTags,
          summary:
            'Live health: ingest bitrate, fps and transcoder lag, viewer figures and the viewers chart',
          params: IdParams,
          response: { 200: StreamHealth, ...studioErrors },
        },
      },
      async (request) => {
        const row = await own(request);
        const live = row.status === 'live' || row.status === 'reconnecting';
        const sessionId = row.current_session_id ?? (await store.latestSessionId(db, row.id));
        const cached = live ? await platform.cache.get(ingestHealthKey(row.id)) : null;
        const ingest = cached ? (JSON.parse(cached) as IngestHealth) : null;
        if (!sessionId)
          return {
            status: row.status,
            ingest,
            viewers: { current: 0, peak: 0, unique: 0, watchMinutes: 0, bytesServed: 0 },
            series: [],
          };
        const { series, ...figures } = await viewers.snapshot(sessionId);
        return {
          status: row.status,
          ingest,
          viewers: { ...figures, current: live ? figures.current : 0 },
          series,
        };
      },
    );
  };
}
