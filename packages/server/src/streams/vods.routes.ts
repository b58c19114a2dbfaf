import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { requireRole } from '../platform/http/auth.ts';
import { AUTHED_ERRORS, errorResponses, Id, IsoDate, Page, PageQuery } from '../platform/http/schemas.ts';
import type { Platform } from '../platform/platform.ts';
import type { PlaybackService } from './playback.service.ts';
import { streamErrors } from './streams.errors.ts';
import { toVod, VOD_RETENTION_SETTING, type VodService } from './vods.service.ts';

/** A recording as the VOD library shows it. */
export const Vod = Type.Object({
  id: Type.String(),
  streamId: Type.String(),
  title: Type.String(),
  ownerName: Type.Union([Type.String(), Type.Null()]),
  durationS: Type.Number(),
  thumbnailUrl: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoDate,
  expiresAt: IsoDate,
});

const ListQuery = Type.Object(
  { ...PageQuery.properties, streamId: Type.Optional(Id) },
  { additionalProperties: false },
);
/** Longest retention an admin may set, days. */
export const MAX_RETENTION_DAYS = 3650;
const Retention = Type.Object({ days: Type.Integer({ minimum: 1, maximum: MAX_RETENTION_DAYS }) });
const RetentionBody = Type.Object(
  { days: Type.Integer({ minimum: 1, maximum: MAX_RETENTION_DAYS }) },
  { additionalProperties: false },
);

/**
 * The site's VOD library: `GET /vods`, `GET /vods/:id` (with a tokenised playback URL when the
 * caller may watch; same rules as the live stream), and the admin retention setting.
 */
export function vodRoutes(deps: {
  platform: Platform;
  vods: VodService;
  playback: PlaybackService;
}): FastifyPluginAsync {
  const { platform, vods, playback } = deps;
  const publicUrl = () => platform.config.publicUrl;
  return async (app) => {
    const tags = ['vods'];

    app.get(
      '/vods',
      {
        schema: {
          tags,
          summary: 'Recordings on the site, newest first',
          querystring: ListQuery,
          response: { 200: Page(Vod), ...errorResponses(400, 429) },
        },
      },
      async (request) => {
        const query = request.query as { limit: number; cursor?: string; streamId?: string };
        const rows = await vods.list(SITE_APP_ID, query);
        return {
          items: rows.map((row) => toVod(row, publicUrl())),
          nextCursor: rows.length === query.limit ? rows[rows.length - 1]!.id : null,
        };
      },
    );

    app.get(
      '/vods/:id',
      {
        schema: {
          tags,
          summary:
            'One recording and its playback URL (carrying a playback token), if the caller may watch it',
          params: Type.Object({ id: Id }),
          response: {
            200: Type.Object({ vod: Vod, playbackUrl: Type.String() }),
            ...errorResponses(400, 403, 404, 429),
          },
        },
      },
      async (request) => {
        const { id } = request.params as { id: string };
        const row = await vods.find(SITE_APP_ID, id);
        if (!row) throw streamErrors.VODS_NOT_FOUND();
        const decision = await playback.decide(
          { appId: row.app_id, streamId: row.stream_id, ownerId: row.owner_id, visibility: row.visibility },
          request.principal,
        );
        if (!decision.allowed)
          throw decision.reason === 'TICKET_REQUIRED'
            ? streamErrors.STREAM_TICKET_REQUIRED()
            : streamErrors.STREAM_FORBIDDEN();
        const principal = request.principal;
        const viewer =
          principal?.kind === 'session'
            ? `u:${principal.user.id}`
            : `a:${randomBytes(9).toString('base64url')}`;
        const { token } = await playback.mint(row.id, viewer);
        return {
          vod: toVod(row, publicUrl()),
          playbackUrl: `${publicUrl()}/vod/${row.id}/master.m3u8?token=${encodeURIComponent(token)}`,
        };
      },
    );

    app.get(
      '/admin/vods/retention',
      {
        schema: {
          tags,
          summary: 'How many days recordings are kept (admin)',
          response: { 200: Retention, ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        return { days: await vods.retentionDays(SITE_APP_ID) };
      },
    );

    app.put(
      '/admin/vods/retention',
      {
        schema: {
          tags,
          summary: 'Set how many days new recordings are kept (admin)',
          body: RetentionBody,
          response: { 200: Retention, ...errorResponses(...AUTHED_ERRORS) },
        },
      },
      async (request) => {
        requireRole(request, 'admin');
        const { days } = request.body as { days: number };
        const now = new Date(platform.clock.now());
        await platform.db
          .insertInto('settings')
          .values({
            app_id: SITE_APP_ID,
            key: VOD_RETENTION_SETTING,
            value: JSON.stringify(days),
            updated_at: now,
          })
          .onConflict((oc) =>
            oc.columns(['app_id', 'key']).doUpdateSet({ value: JSON.stringify(days), updated_at: now }),
          )
          .execute();
        return { days };
      },
    );
  };
}
