import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { createApp } from '../tenants/tenants.fixtures.ts';
import { isWholePlaylist } from './hls.routes.ts';
import type { StreamView } from './streams.schemas.ts';

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect({ status: res.statusCode, code: (res.json() as { code?: string }).code }).toEqual({ status, code });
}

describe.each(testDatabases().map((f) => [f.name, f] as const))('HLS delivery on %s', (_n, factory) => {
  let ctx: TestContext;
  let dataDir: string;
  let owner: TestSession;
  let appId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pnptv-hls-'));
    ctx = await createTestContext(factory, { env: { DATA_DIR: dataDir } });
    owner = await signUp(ctx.app);
    appId = (await createApp(ctx.app, owner, 'HLS app')).id;
  });
  afterAll(async () => {
    await ctx?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function createStream(payload: Record<string, unknown>): Promise<StreamView> {
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/apps/${appId}/streams`,
      headers: authHeaders(owner),
      payload,
    });
    return (res.json() as { stream: StreamView }).stream;
  }

  async function seed(streamId: string): Promise<void> {
    const media = ctx.services.media;
    await media.put(`live/${streamId}/master.m3u8`, Buffer.from('#EXTM3U\n0/index.m3u8\n'));
    await media.put(`live/${streamId}/0/index.m3u8`, Buffer.from('#EXTM3U\nabcd1234_0_00001.ts\n'));
    await media.put(`live/${streamId}/0/abcd1234_0_00001.ts`, Buffer.from([0x47, 1, 2, 3]));
    await media.put(`live/${streamId}/thumb.jpg`, Buffer.from([0xff, 0xd8, 0xff]));
  }

  it('serves playlists uncached, segments immutable, and all of them to any origin', async () => {
    const stream = await createStream({ title: 'Public' });
    await seed(stream.id);
    const master = await ctx.app.inject({ method: 'GET', url: `/hls/${stream.id}/master.m3u8` });
    expect(master.statusCode).toBe(200);
    expect(master.body).toBe('#EXTM3U\n0/index.m3u8\n');
    expect(master.headers).toMatchObject({
      'cache-control': 'no-cache',
      'access-control-allow-origin': '*',
      'content-type': 'application/vnd.apple.mpegurl',
    });
    const variant = await ctx.app.inject({ method: 'GET', url: `/hls/${stream.id}/0/index.m3u8` });
    expect(variant.headers['cache-control']).toBe('no-cache');
    expect(variant.body).toContain('abcd1234_0_00001.ts');
    const segment = await ctx.app.inject({ method: 'GET', url: `/hls/${stream.id}/0/abcd1234_0_00001.ts` });
    expect(segment.statusCode).toBe(200);
    expect([...segment.rawPayload]).toEqual([0x47, 1, 2, 3]);
    expect(segment.headers).toMatchObject({
      'cache-control': 'public, max-age=31536000, immutable',
      'access-control-allow-origin': '*',
      'content-type': 'video/mp2t',
    });
    const thumb = await ctx.app.inject({ method: 'GET', url: `/hls/${stream.id}/thumb.jpg` });
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    // Pages on another origin (PUBLIC_URL, embeds) may show the poster and play the media.
    expect(thumb.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(segment.headers['cross-origin-resource-policy']).toBe('cross-origin');
  });

  it('answers 404 with CORS for missing media and unknown or deleted streams', async () => {
    const stream = await createStream({ title: 'Empty' });
    const missing = await ctx.app.inject({ method: 'GET', url: `/hls/${stream.id}/master.m3u8` });
    expectError(missing, 404, 'STREAMS_MEDIA_NOT_FOUND');
    expect(missing.headers['access-control-allow-origin']).toBe('*');
    expectError(
      await ctx.app.inject({ method: 'GET', url: '/hls/str_0000000000aaaaaaaaaaaaaaaa/master.m3u8' }),
      404,
      'STREAMS_NOT_FOUND',
    );
    const deleted = await createStream({ title: 'Gone' });
    await seed(deleted.id);
    await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/apps/${appId}/streams/${deleted.id}`,
      headers: authHeaders(owner),
    });
    expectError(
      await ctx.app.inject({ method: 'GET', url: `/hls/${deleted.id}/master.m3u8` }),
      404,
      'STREAMS_NOT_FOUND',
    );
  });

  it('refuses streams that are not public without a playback token', async () => {
    for (const visibility of ['followers', 'subscribers', 'ticketed']) {
      const stream = await createStream({ title: visibility, visibility });
      await seed(stream.id);
      for (const path of ['master.m3u8', '0/index.m3u8', '0/abcd1234_0_00001.ts', 'thumb.jpg']) {
        expectError(
          await ctx.app.inject({ method: 'GET', url: `/hls/${stream.id}/${path}` }),
          403,
          'STREAMS_PLAYBACK_FORBIDDEN',
        );
      }
    }
  });

  it('refuses malformed ids, renditions and segment names, including path traversal', async () => {
    const stream = await createStream({ title: 'Strict' });
    await seed(stream.id);
    for (const path of [
      `/hls/not-an-id/master.m3u8`,
      `/hls/${stream.id}/abc/index.m3u8`,
      `/hls/${stream.id}/0/..%2F..%2Fmaster.m3u8`,
      `/hls/${stream.id}/0/seg.ts`,
      `/hls/${stream.id}/0/abcd1234_0_00001.ts.bak`,
      `/hls/${stream.id}/999/index.m3u8`,
    ]) {
      const res = await ctx.app.inject({ method: 'GET', url: path });
      expect({ path, status: res.statusCode }).toEqual({ path, status: 400 });
    }
  });
});

describe('isWholePlaylist', () => {
  it('accepts a complete playlist and refuses empty or cut ones', () => {
    expect(isWholePlaylist(Buffer.from('#EXTM3U\n#EXT-X-VERSION:6\n'))).toBe(true);
    expect(isWholePlaylist(Buffer.from(''))).toBe(false);
    expect(isWholePlaylist(Buffer.from('#EXTM3U\n#EXT-X-VERS'))).toBe(false);
    expect(isWholePlaylist(Buffer.from('garbage\n'))).toBe(false);
  });
});
