import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeS3Server } from '../../../test/fakes/s3.fake.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { signV4 } from './s3.sign.ts';
import { parseListObjects, S3MediaStorage, S3RequestError } from './storage.s3.ts';

const log = pino({ level: 'silent' });
const credentials = {
  accessKeyId: 'PNPTVTESTKEY',
  secretAccessKey: 'pnptv/test+secret',
  region: 'eu-west-1',
};

describe('signV4', () => {
  it('matches the GET Object example of the AWS Signature Version 4 documentation', () => {
    const authorization = signV4(
      {
        method: 'GET',
        url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
        headers: {
          range: 'bytes=0-9',
          'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
          'x-amz-date': '20130524T000000Z',
        },
        payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      },
      {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        region: 'us-east-1',
      },
    );
    expect(authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });
});

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
    });
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

describe('parseListObjects', () => {
  it('reads keys and the continuation token only when truncated', () => {
    const xml =
      '<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a/b&amp;c</Key></Contents>' +
      '<Contents><Key>a/d</Key><Size>1</Size></Contents><NextContinuationToken>t1</NextContinuationToken></ListBucketResult>';
    expect(parseListObjects(xml)).toEqual({ keys: ['a/b&c', 'a/d'], next: 't1' });
    expect(parseListObjects('<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>')).toEqual(
      {
        keys: [],
        next: null,
      },
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

  it('puts and gets objects; a missing or unsafe key reads as null; an unsafe put is refused', async () => {
    await storage.put('live/str_1/0/seg_00001.ts', Buffer.from('segment'));
    expect(s3.objects.get('live/str_1/0/seg_00001.ts')?.toString()).toBe('segment');
    const object = await storage.get('live/str_1/0/seg_00001.ts');
    expect(object?.body.toString()).toBe('segment');
    expect(object?.size).toBe(7);
    expect(await storage.get('live/str_1/0/nothing.ts')).toBeNull();
    expect(await storage.get('../etc/passwd')).toBeNull();
    await expect(storage.put('live/../x', Buffer.from('x'))).rejects.toThrow(RangeError);
    await expect(storage.removePrefix('')).rejects.toThrow(RangeError);
  });

  it('removes every object under a prefix across ListObjectsV2 pages, and nothing else', async () => {
    for (let i = 0; i < 5; i++) await storage.put(`vod/vod_a/0/s${i}.ts`, Buffer.from(String(i)));
    await storage.put('vod/vod_ab/0/s.ts', Buffer.from('other'));
    expect(await storage.list('vod/vod_a')).toHaveLength(5);
    const lists = () => s3.log.filter((l) => l === 'LIST 200').length;
    const before = lists();
    await storage.removePrefix('vod/vod_a');
    expect(lists() - before).toBeGreaterThanOrEqual(3);
    expect([...s3.objects.keys()]).toEqual(['vod/vod_ab/0/s.ts']);
  });

  it('is refused by the server when signed with the wrong secret', async () => {
    const forged = new S3MediaStorage({
      endpoint: s3.endpoint,
      bucket: 'pnptv-media',
      ...credentials,
      secretAccessKey: 'not-the-secret',
      stagingDir: staging,
      log,
    });
    const error = await forged.get('live/x/master.m3u8').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3RequestError);
    expect(error).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(s3.log).toContain('GET 403');
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
    const puts = s3.log.filter((l) => l.startsWith('PUT'));
    expect(puts).toHaveLength(4);

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
