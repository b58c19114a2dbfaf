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
import { rewritePlaylist } from './playback.rules.ts';
import type { PlaybackService } from './playback.service.ts';
import { streamErrors } from './streams.errors.ts';
import { canWatch, type Visibility } from './streams.rules.ts';
import type { StreamStore } from './streams.store.ts';
import { livePrefix, vodPrefix } from './transcoder.ts';
import type { ViewerStats } from './viewers.service.ts';
import type { VodStore } from './vods.store.ts';

/** Cache-Control of playlists: they change every segment. */
export const PLAYLIST_CACHE = 'no-cache';
/** Cache-Control of segments: a segment's name is never reused, so its bytes never change. */
export const SEGMENT_CACHE = 'public, max-age=31536000, immutable';
/** Cache-Control of keys and token-protected playlists: never stored by shared caches. */
export const PRIVATE_CACHE = 'private, no-store';

/** Whether a playlist was read whole: it starts with `#EXTM3U` and ends with a line break. */
export function isWholePlaylist(body: Buffer): boolean {
  return body.length > 8 && body.subarray(0, 7).toString() === '#EXTM3U' && body[body.length - 1] === 0x0a;
}

const Rendition = Type.String({ pattern: '^[0-9]{1,2}$' });
const Segment = Type.String({ pattern: '^[0-9a-z]{1,16}_[0-9]{1,4}_[0-9]{5,12}\\.ts$' });
const KeyFile = Type.String({ pattern: '^ses_[0-9a-z]{1,40}\\.key$' });
const TokenQuery = Type.Object(
  { token: Type.Optional(Type.String({ maxLength: 1024 })) },
  { additionalProperties: true },
);
const Media = Type.Unsafe<Buffer>({ description: 'HLS playlist, MPEG-TS segment, AES-128 key or JPEG' });
const mediaErrors = errorResponses(400, 403, 404);

/** What an HLS request is for: a live stream or a recording, with what decides access. */
interface Target {
  /** The id a playback token must name. */
  sub: string;
  visibility: Visibility;
  /** Storage prefix of its playlists and segments. */
  prefix: string;
  /** The live session whose bytes served this counts toward; null for recordings. */
  countSession: string | null;
  /** The only session whose key may be served. */
  keySessions: (sessionId: string) => boolean;
}

/**
 * HLS delivery of live streams (`/hls/:streamId/…`) and recordings (`/vod/:vodId/…`): the master
 * playlist, each rendition's playlist and segments, the poster and the AES-128 key, read from
 * media storage. Playlists are not cached, segments are immutable, and any origin may fetch them
 * (embeds). Streams that are not public need a playback token (`?token=`) on every request; the
 * key always does. Playlists fetched with a token are rewritten so every URI in them carries it.
 */
export function hlsRoutes(deps: {
  db: Db;
  store: StreamStore;
  storage: MediaStorage;
  playback: PlaybackService;
  viewers: ViewerStats;
  vods: VodStore;
  now: () => number;
}): FastifyPluginAsync {
  const { db, store, storage, playback, viewers, vods } = deps;

  async function liveTarget(streamId: string): Promise<Target> {
    const stream = await store.findById(db, streamId);
    if (!stream) throw streamErrors.STREAMS_NOT_FOUND();
    return {
      sub: stream.id,
      visibility: stream.visibility as Visibility,
      prefix: livePrefix(stream.id),
      countSession: stream.current_session_id,
      keySessions: (sessionId) => sessionId === stream.current_session_id,
    };
  }

  async function vodTarget(vodId: string): Promise<Target> {
    const vod = await vods.findPlayable(db, vodId, new Date(deps.now()));
    if (!vod) throw streamErrors.VODS_NOT_FOUND();
    return {
      sub: vod.id,
      visibility: vod.visibility,
      prefix: vodPrefix(vod.id),
      countSession: null,
      keySessions: (sessionId) => sessionId === vod.session_id,
    };
  }

  /**
   * The token's claims when it is valid, and whether the request may go on: non-public media and
   * every key need a valid token (a bad one is refused with its reason); public media is served
   * whatever token it carries, so an expired token never stops a public stream.
   */
  async function authorize(target: Target, token: string | undefined, tokenRequired = false) {
    const open = target.visibility === 'public' && !tokenRequired;
    const claims = open
      ? await playback.check(target.sub, token).catch(() => null)
      : await playback.check(target.sub, token);
    if (tokenRequired && !claims) throw streamErrors.STREAMS_PLAYBACK_FORBIDDEN();
    if (!canWatch(target.visibility, { hasPlaybackToken: claims !== null, isTeamMember: false }))
      throw streamErrors.STREAMS_PLAYBACK_FORBIDDEN();
    return claims;
  }

  async function read(key: string, playlist: boolean) {
    let object = await storage.get(key);
    // ffmpeg builds without working temp_file (4.1 with var_stream_map) rewrite playlists in
    // place: a read racing the rewrite sees an empty or cut playlist, so read it again.
    for (let retry = 0; object && playlist && !isWholePlaylist(object.body) && retry < 3; retry++) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      object = await storage.get(key);
    }
    if (!object) throw streamErrors.STREAMS_MEDIA_NOT_FOUND();
    return object.body;
  }

  async function send(
    reply: FastifyReply,
    target: Target,
    token: string | undefined,
    path: string,
    kind: 'master' | 'variant' | 'segment' | 'thumb',
  ): Promise<FastifyReply> {
    const claims = await authorize(target, token);
    const playlist = kind === 'master' || kind === 'variant';
    let body = await read(`${target.prefix}/${path}`, playlist);
    if (playlist && claims && token) body = Buffer.from(rewritePlaylist(body.toString('utf8'), token));
    if (target.countSession) {
      viewers.countBytes(target.countSession, body.length);
      if (kind === 'variant' && claims)
        void viewers.heartbeat(target.countSession, claims.viewer).catch(() => {});
    }
    const type =
      kind === 'segment' ? 'video/mp2t' : kind === 'thumb' ? 'image/jpeg' : 'application/vnd.apple.mpegurl';
    const cache = kind === 'segment' ? SEGMENT_CACHE : playlist && claims ? PRIVATE_CACHE : PLAYLIST_CACHE;
    return reply.type(type).header('cache-control', cache).send(body);
  }

  async function sendKey(reply: FastifyReply, target: Target, token: string | undefined, file: string) {
    await authorize(target, token, true);
    const sessionId = file.slice(0, -'.key'.length);
    if (!target.keySessions(sessionId)) throw streamErrors.STREAMS_MEDIA_NOT_FOUND();
    const session = await store.findSession(db, sessionId);
    if (!session?.encryption_key) throw streamErrors.STREAMS_MEDIA_NOT_FOUND();
    return reply
      .type('application/octet-stream')
      .header('cache-control', PRIVATE_CACHE)
      .send(Buffer.from(session.encryption_key, 'hex'));
  }

  return async (app) => {
    app.addHook('onSend', async (_request, reply, payload) => {
      // Players, thumbnails and CDNs fetch media from other origins (PUBLIC_URL, embeds): the
      // playback token, not the origin, guards it.
      reply.header('access-control-allow-origin', '*');
      reply.header('cross-origin-resource-policy', 'cross-origin');
      return payload;
    });
    const tags = ['playback'];

    for (const [base, what, param, resolve] of [
      ['/hls/:streamId', 'live stream', 'streamId', liveTarget],
      ['/vod/:vodId', 'recording', 'vodId', vodTarget],
    ] as const) {
      const Params = Type.Object({ [param]: Id });
      const target = (params: unknown) => resolve((params as Record<string, string>)[param]!);
      const tokenOf = (query: unknown) => (query as { token?: string }).token;

      app.get(
        `${base}/master.m3u8`,
        {
          schema: {
            tags,
            summary: `A ${what}'s HLS master playlist`,
            params: Params,
            querystring: TokenQuery,
            response: { 200: Media, ...mediaErrors },
          },
        },
        async (request, reply) =>
          send(reply, await target(request.params), tokenOf(request.query), MASTER_PLAYLIST, 'master'),
      );

      app.get(
        `${base}/thumb.jpg`,
        {
          schema: {
            tags,
            summary: `A ${what}'s poster`,
            params: Params,
            querystring: TokenQuery,
            response: { 200: Media, ...mediaErrors },
          },
        },
        async (request, reply) =>
          send(reply, await target(request.params), tokenOf(request.query), THUMBNAIL_FILE, 'thumb'),
      );

      app.get(
        `${base}/key/:keyFile`,
        {
          schema: {
            tags,
            summary: `The AES-128 key of a ${what}'s encrypted segments (playback token required)`,
            params: Type.Object({ [param]: Id, keyFile: KeyFile }),
            querystring: TokenQuery,
            response: { 200: Media, ...mediaErrors },
          },
        },
        async (request, reply) => {
          const { keyFile } = request.params as { keyFile: string };
          return sendKey(reply, await target(request.params), tokenOf(request.query), keyFile);
        },
      );

      app.get(
        `${base}/:rendition/index.m3u8`,
        {
          schema: {
            tags,
            summary: `One rendition's HLS media playlist of a ${what}`,
            params: Type.Object({ [param]: Id, rendition: Rendition }),
            querystring: TokenQuery,
            response: { 200: Media, ...mediaErrors },
          },
        },
        async (request, reply) => {
          const { rendition } = request.params as { rendition: string };
          const path = `${rendition}/${VARIANT_PLAYLIST}`;
          return send(reply, await target(request.params), tokenOf(request.query), path, 'variant');
        },
      );

      app.get(
        `${base}/:rendition/:segment`,
        {
          schema: {
            tags,
            summary: `One MPEG-TS segment of a ${what}`,
            params: Type.Object({ [param]: Id, rendition: Rendition, segment: Segment }),
            querystring: TokenQuery,
            response: { 200: Media, ...mediaErrors },
          },
        },
        async (request, reply) => {
          const { rendition, segment } = request.params as { rendition: string; segment: string };
          const path = `${rendition}/${segment}`;
          return send(reply, await target(request.params), tokenOf(request.query), path, 'segment');
        },
      );
    }
  };
}
