import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { Db } from '../platform/db/schema.ts';
import { errorResponses, Id } from '../platform/http/schemas.ts';
import {
  MASTER_PLAYLIST,
  type MediaStorage,
  THUMBNAIL_FILE,
  VARIANT_PLAYLIST,
} from '../platform/media/index.ts';
import { streamErrors } from './streams.errors.ts';
import { canWatch, type Visibility } from './streams.rules.ts';
import type { StreamStore } from './streams.store.ts';
import { livePrefix } from './transcoder.ts';

/** Cache-Control of playlists: they change every segment. */
export const PLAYLIST_CACHE = 'no-cache';
/** Cache-Control of segments: a segment's name is never reused, so its bytes never change. */
export const SEGMENT_CACHE = 'public, max-age=31536000, immutable';

/** Whether a playlist was read whole: it starts with `#EXTM3U` and ends with a line break. */
export function isWholePlaylist(body: Buffer): boolean {
  return body.length > 8 && body.subarray(0, 7).toString() === '#EXTM3U' && body[body.length - 1] === 0x0a;
}

const StreamParams = Type.Object({ streamId: Id });
const VariantParams = Type.Object({ streamId: Id, rendition: Type.String({ pattern: '^[0-9]{1,2}$' }) });
const SegmentParams = Type.Object({
  streamId: Id,
  rendition: Type.String({ pattern: '^[0-9]{1,2}$' }),
  segment: Type.String({ pattern: '^[0-9a-z]{1,16}_[0-9]{1,4}_[0-9]{5,12}\\.ts$' }),
});
const Media = Type.Unsafe<Buffer>({ description: 'HLS playlist, MPEG-TS segment or JPEG' });
const mediaErrors = errorResponses(400, 403, 404);

/**
 * HLS delivery: `/hls/:streamId/master.m3u8`, `/hls/:streamId/:rendition/index.m3u8`, the
 * segments beside them and `/hls/:streamId/thumb.jpg`, read from media storage. Playlists are
 * not cached, segments are immutable, and any origin may fetch them (embeds). Streams that are
 * not public are refused until playback tokens exist.
 */
export function hlsRoutes(deps: { db: Db; store: StreamStore; storage: MediaStorage }): FastifyPluginAsync {
  const { db, store, storage } = deps;

  async function send(
    reply: FastifyReply,
    streamId: string,
    path: string,
    type: string,
    cacheControl: string,
  ): Promise<FastifyReply> {
    const stream = await store.findById(db, streamId);
    if (!stream) throw streamErrors.STREAMS_NOT_FOUND();
    if (!canWatch(stream.visibility as Visibility, { hasPlaybackToken: false, isTeamMember: false }))
      throw streamErrors.STREAMS_PLAYBACK_FORBIDDEN();
    const key = `${livePrefix(streamId)}/${path}`;
    let object = await storage.get(key);
    // ffmpeg builds without working temp_file (4.1 with var_stream_map) rewrite playlists in
    // place: a read racing the rewrite sees an empty or cut playlist, so read it again.
    for (
      let retry = 0;
      object && path.endsWith('.m3u8') && !isWholePlaylist(object.body) && retry < 3;
      retry++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      object = await storage.get(key);
    }
    if (!object) throw streamErrors.STREAMS_MEDIA_NOT_FOUND();
    return reply.type(type).header('cache-control', cacheControl).send(object.body);
  }

  return async (app) => {
    app.addHook('onSend', async (_request, reply, payload) => {
      reply.header('access-control-allow-origin', '*');
      return payload;
    });
    const tags = ['playback'];

    app.get(
      '/hls/:streamId/master.m3u8',
      {
        schema: {
          tags,
          summary: "A live stream's HLS master playlist",
          params: StreamParams,
          response: { 200: Media, ...mediaErrors },
        },
      },
      async (request, reply) => {
        const { streamId } = request.params as { streamId: string };
        return send(reply, streamId, MASTER_PLAYLIST, 'application/vnd.apple.mpegurl', PLAYLIST_CACHE);
      },
    );

    app.get(
      '/hls/:streamId/thumb.jpg',
      {
        schema: {
          tags,
          summary: "A live stream's poster, refreshed every few seconds",
          params: StreamParams,
          response: { 200: Media, ...mediaErrors },
        },
      },
      async (request, reply) => {
        const { streamId } = request.params as { streamId: string };
        return send(reply, streamId, THUMBNAIL_FILE, 'image/jpeg', PLAYLIST_CACHE);
      },
    );

    app.get(
      '/hls/:streamId/:rendition/index.m3u8',
      {
        schema: {
          tags,
          summary: 'One rendition’s HLS media playlist',
          params: VariantParams,
          response: { 200: Media, ...mediaErrors },
        },
      },
      async (request, reply) => {
        const { streamId, rendition } = request.params as { streamId: string; rendition: string };
        return send(
          reply,
          streamId,
          `${rendition}/${VARIANT_PLAYLIST}`,
          'application/vnd.apple.mpegurl',
          PLAYLIST_CACHE,
        );
      },
    );

    app.get(
      '/hls/:streamId/:rendition/:segment',
      {
        schema: {
          tags,
          summary: 'One MPEG-TS segment',
          params: SegmentParams,
          response: { 200: Media, ...mediaErrors },
        },
      },
      async (request, reply) => {
        const { streamId, rendition, segment } = request.params as {
          streamId: string;
          rendition: string;
          segment: string;
        };
        return send(reply, streamId, `${rendition}/${segment}`, 'video/mp2t', SEGMENT_CACHE);
      },
    );
  };
}
