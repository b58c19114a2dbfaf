import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeS3Server } from '../../../test/fakes/s3.fake.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { S3MediaStorage } from './storage.s3.ts';

const log = pino({ level: 'silent' });
const credentials = {
  accessKeyId: 'PNPTVTESTKEY',
  secretAccessKey: 'pnptv/test+secret',
  region: 'eu-west-1',
};

describe('S3 configuration', () => {
  it('selects the bucket when all four S3 keys are set, with us-east-1 by default, and lists a partial set', () => {
    const env = {
      S3_ENDPOINT: 'http://127.0.0.1:9000/',
      S3_BUCKET: 'media-bucket',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
    };
    expect(loadConfig({}).s3).toBeNull();
    expect(loadConfig(env).s3).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'media-bucket',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
      region: 'us-east-1',
      checksums: 'when_supported',
    });
    expect(loadConfig({ ...env, S3_CHECKSUMS: 'when_required' }).s3?.checksums).toBe('when_required');
    const error = (() => {
      try {
        loadConfig({ S3_BUCKET: 'media-bucket', S3_REGION: 'Not A Region' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('S3_REGION'),
        'S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set all four or none',
      ]),
    );
  });
});

describe('S3MediaStorage against an S3-speaking server', () => {
  const s3 = new FakeS3Server({ bucket: 'pnptv-media', ...credentials, pageSize: 2 });
  let staging: string;
  let storage: S3MediaStorage;

  beforeAll(async () => {
    await s3.start();
  });
  afterAll(async () => {
    await storage?.close();
    await s3.stop();
  });
  beforeEach(async () => {
    await storage?.close();
    s3.objects.clear();
    s3.log.length = 0;
    s3.failWrites = false;
    staging = await mkdtemp(join(tmpdir(), 'pnptv-s3-'));
    storage = new S3MediaStorage({
      endpoint: s3.endpoint,
      bucket: 'pnptv-media',
      ...credentials,
      stagingDir: staging,
      log,
      scanEveryMs: 60_000,
    });
    return () => rm(staging, { recursive: true, force: true });
  });

  it('removes a prefix with batched DeleteObjects after following every ListObjectsV2 page', async () => {
    for (let i = 0; i < 5; i++) await storage.put(`vod/vod_a/0/s${i}.ts`, Buffer.from(String(i)));
    await storage.put('vod/vod_ab/0/s.ts', Buffer.from('other'));
    s3.log.length = 0;
    await storage.removePrefix('vod/vod_a');
    expect(s3.log).toEqual([
      'ListObjectsV2 200',
      'ListObjectsV2 200',
      'ListObjectsV2 200',
      'DeleteObjects 200',
    ]);
    expect([...s3.objects.keys()]).toEqual(['vod/vod_ab/0/s.ts']);
  });

  it('stores objects with the content type of their extension, for a CDN to serve as they are', async () => {
    await storage.put('vod/vod_c/0/index.m3u8', Buffer.from('#EXTM3U\n'));
    const dir = await storage.workDir('vod/vod_c/0');
    await writeFile(join(dir, 'a_00000.ts'), 'seg0');
    await storage.flush();
    expect(s3.contentTypeOf('vod/vod_c/0/index.m3u8')).toBe('application/vnd.apple.mpegurl');
    expect(s3.contentTypeOf('vod/vod_c/0/a_00000.ts')).toBe('video/mp2t');
  });

  it('uploads finished files of a working folder, segments before the playlists naming them', async () => {
    const dir = await storage.workDir('live/str_2');
    await writeFile(join(dir, 'master.m3u8'), '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n0/index.m3u8\n');
    await storage.workDir('live/str_2/0');
    await writeFile(join(dir, '0', 'a_00000.ts'), 'seg0');
    await writeFile(join(dir, '0', 'a_00001.ts.tmp'), 'half');
    await writeFile(
      join(dir, '0', 'index.m3u8'),
      '#EXTM3U\n#EXTINF:1,\na_00000.ts\n#EXTINF:1,\na_00001.ts\n',
    );
    await storage.flush();
    expect([...s3.objects.keys()].sort()).toEqual(['live/str_2/0/a_00000.ts']);

    await rm(join(dir, '0', 'a_00001.ts.tmp'));
    await writeFile(join(dir, '0', 'a_00001.ts'), 'seg1');
    await storage.flush();
    expect([...s3.objects.keys()].sort()).toEqual([
      'live/str_2/0/a_00000.ts',
      'live/str_2/0/a_00001.ts',
      'live/str_2/0/index.m3u8',
      'live/str_2/master.m3u8',
    ]);
    expect(s3.log.filter((l) => l.startsWith('PutObject'))).toEqual(Array(4).fill('PutObject 200'));

    await rm(join(dir, '0', 'a_00000.ts'));
    await storage.flush();
    expect(s3.objects.has('live/str_2/0/a_00000.ts')).toBe(false);

    await storage.put('live/str_2/0/index.m3u8', Buffer.from('#EXTM3U\n#EXT-X-ENDLIST\n'));
    await storage.flush();
    expect(s3.objects.get('live/str_2/0/index.m3u8')?.toString()).toBe('#EXTM3U\n#EXT-X-ENDLIST\n');

    await storage.removePrefix('live/str_2');
    expect(s3.objects.size).toBe(0);
  });

  it('releases a finished working folder: its objects stay in the bucket, the local copy goes', async () => {
    const dir = await storage.workDir('vod/vod_1/0');
    await writeFile(join(dir, 'a_00000.ts'), 'seg0');
    await writeFile(join(dir, 'index.m3u8'), '#EXTM3U\n#EXTINF:1,\na_00000.ts\n#EXT-X-ENDLIST\n');
    await storage.release('vod/vod_1');
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
    await storage.flush();
    expect([...s3.objects.keys()].sort()).toEqual(['vod/vod_1/0/a_00000.ts', 'vod/vod_1/0/index.m3u8']);
  });

  it('reports a failing object store once, keeps the files, and uploads them when it recovers', async () => {
    const health: boolean[] = [];
    storage.onUploadHealth = (failing) => health.push(failing);
    const dir = await storage.workDir('live/str_3');
    s3.failWrites = true;
    await writeFile(join(dir, 'thumb.jpg'), 'jpeg');
    await storage.flush();
    await storage.flush();
    expect(storage.failing).toBe(true);
    expect(health).toEqual([true]);
    s3.failWrites = false;
    await storage.flush();
    expect(health).toEqual([true, false]);
    expect(s3.objects.get('live/str_3/thumb.jpg')?.toString()).toBe('jpeg');
  });
});
