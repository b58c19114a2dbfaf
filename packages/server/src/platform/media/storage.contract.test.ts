import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeS3Server } from '../../../test/fakes/s3.fake.ts';
import { LocalMediaStorage } from './storage.local.ts';
import type { MediaStorage, ObjectStream } from './storage.port.ts';
import { S3MediaStorage } from './storage.s3.ts';

const MiB = 1024 * 1024;

/** Builds one adapter over a fresh store; `multipartCalls` tells which S3 calls a large put made (null off S3). */
interface StorageHarness {
  name: string;
  open(): Promise<MediaStorage>;
  multipartCalls(): string[] | null;
  close(): Promise<void>;
}

function localHarness(): StorageHarness {
  let dir = '';
  return {
    name: 'local disk',
    async open() {
      dir = await mkdtemp(join(tmpdir(), 'pnptv-storage-'));
      return new LocalMediaStorage(join(dir, 'media'));
    },
    multipartCalls: () => null,
    async close() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function s3Harness(): StorageHarness {
  const credentials = { accessKeyId: 'CONTRACTKEY', secretAccessKey: 'contract/secret', region: 'eu-west-1' };
  // Two keys per ListObjectsV2 page, so listing and removal must follow continuation tokens.
  const s3 = new FakeS3Server({ bucket: 'pnptv-contract', ...credentials, pageSize: 2 });
  let staging = '';
  let storage: S3MediaStorage | null = null;
  return {
    name: 'S3 (AWS SDK against a SigV4-verifying fake)',
    async open() {
      await s3.start();
      s3.objects.clear();
      s3.log.length = 0;
      staging = await mkdtemp(join(tmpdir(), 'pnptv-storage-s3-'));
      storage = new S3MediaStorage({
        endpoint: s3.endpoint,
        bucket: 'pnptv-contract',
        ...credentials,
        stagingDir: staging,
        log: pino({ level: 'silent' }),
        scanEveryMs: 60_000,
      });
      return storage;
    },
    multipartCalls: () =>
      s3.log.filter((l) => /^(CreateMultipartUpload|UploadPart|CompleteMultipartUpload|PutObject) /.test(l)),
    async close() {
      await storage?.close();
      expect(s3.log.filter((l) => / (403|400)$/.test(l))).toEqual([]);
      expect(s3.pendingUploads).toBe(0);
      await rm(staging, { recursive: true, force: true });
    },
  };
}

async function text(stream: ObjectStream | null): Promise<string | null> {
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `total` bytes of a repeating pattern, streamed in 1 MiB chunks. */
function bigStream(total: number): Readable {
  const chunk = Buffer.alloc(MiB);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 7 + 3) % 251;
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < total; sent += MiB) yield chunk.subarray(0, Math.min(MiB, total - sent));
    })(),
  );
}

describe.each([localHarness(), s3Harness()].map((h) => [h.name, h] as const))(
  'media storage contract on %s',
  (_name, harness) => {
    let storage: MediaStorage;

    beforeAll(async () => {
      storage = await harness.open();
    });
    afterAll(() => harness.close());
    beforeEach(async () => {
      await storage.removePrefix('live');
      await storage.removePrefix('vod');
    });
    afterEach(async () => {
      await storage.flush?.();
    });

    it('puts, reads back and describes objects, their content types from their extensions', async () => {
      await storage.put('live/str_1/0/index.m3u8', Buffer.from('#EXTM3U\n'));
      await storage.put('live/str_1/0/seg_00001.ts', Buffer.from('segment'));
      await storage.put('live/str_1/thumb.jpg', Buffer.from('jpeg'));
      await storage.put('live/str_1/notes.bin', Buffer.from(''));
      const playlist = await storage.get('live/str_1/0/index.m3u8');
      expect(playlist).toEqual({
        body: Buffer.from('#EXTM3U\n'),
        size: 8,
        contentType: 'application/vnd.apple.mpegurl',
      });
      expect(await storage.stat('live/str_1/0/seg_00001.ts')).toEqual({ size: 7, contentType: 'video/mp2t' });
      expect(await storage.stat('live/str_1/thumb.jpg')).toEqual({ size: 4, contentType: 'image/jpeg' });
      expect(await storage.stat('live/str_1/notes.bin')).toEqual({
        size: 0,
        contentType: 'application/octet-stream',
      });
      expect((await storage.get('live/str_1/notes.bin'))?.body.length).toBe(0);
    });

    it('replaces an object on a second put', async () => {
      await storage.put('vod/vod_1/0/index.m3u8', Buffer.from('#EXTM3U\n#EXTINF:1,\na.ts\n'));
      await storage.put('vod/vod_1/0/index.m3u8', Buffer.from('#EXTM3U\n#EXT-X-ENDLIST\n'));
      expect((await storage.get('vod/vod_1/0/index.m3u8'))?.body.toString()).toBe(
        '#EXTM3U\n#EXT-X-ENDLIST\n',
      );
      expect((await storage.stat('vod/vod_1/0/index.m3u8'))?.size).toBe(23);
    });

    it('answers null for missing objects and does nothing when deleting one', async () => {
      await storage.put('live/str_2/0/a.ts', Buffer.from('a'));
      expect(await storage.get('live/str_2/0/missing.ts')).toBeNull();
      expect(await storage.stat('live/str_2/0/missing.ts')).toBeNull();
      expect(await storage.read('live/str_2/0/missing.ts')).toBeNull();
      expect(await storage.get('live/str_2/0')).toBeNull();
      expect(await storage.stat('live/str_2')).toBeNull();
      await storage.delete('live/str_2/0/missing.ts');
      expect(await storage.list('live/nothing')).toEqual([]);
      await storage.removePrefix('live/nothing');
    });

    it('reads unsafe keys as missing and refuses to write, list or delete them', async () => {
      for (const key of ['../x', 'a/../../b', '/etc/passwd', 'a//b', 'a\\b', '', 'a/./b', 'a b']) {
        expect(await storage.get(key)).toBeNull();
        expect(await storage.stat(key)).toBeNull();
        expect(await storage.read(key)).toBeNull();
        await expect(storage.put(key, Buffer.from('x'))).rejects.toThrow(RangeError);
        await expect(storage.delete(key)).rejects.toThrow(RangeError);
        await expect(storage.list(key)).rejects.toThrow(RangeError);
        await expect(storage.removePrefix(key)).rejects.toThrow(RangeError);
        await expect(storage.workDir(key)).rejects.toThrow(RangeError);
      }
    });

    it('lists the keys under a prefix, sorted, and deletes one object or a whole prefix', async () => {
      for (const i of [3, 0, 4, 1, 2]) await storage.put(`vod/vod_a/0/s${i}.ts`, Buffer.from(String(i)));
      await storage.put('vod/vod_a/master.m3u8', Buffer.from('#EXTM3U\n'));
      await storage.put('vod/vod_ab/0/s.ts', Buffer.from('other'));
      const all = [
        'vod/vod_a/0/s0.ts',
        'vod/vod_a/0/s1.ts',
        'vod/vod_a/0/s2.ts',
        'vod/vod_a/0/s3.ts',
        'vod/vod_a/0/s4.ts',
      ];
      expect(await storage.list('vod/vod_a')).toEqual([...all, 'vod/vod_a/master.m3u8']);
      expect(await storage.list('vod/vod_a/0')).toEqual(all);
      await storage.delete('vod/vod_a/0/s2.ts');
      expect(await storage.get('vod/vod_a/0/s2.ts')).toBeNull();
      expect(await storage.list('vod/vod_a/0')).toHaveLength(4);
      await storage.removePrefix('vod/vod_a');
      expect(await storage.list('vod/vod_a')).toEqual([]);
      expect(await storage.list('vod')).toEqual(['vod/vod_ab/0/s.ts']);
    });

    it('streams an object whole or by byte range, clipping a range that runs past the end', async () => {
      await storage.put('vod/vod_2/0/seg.ts', Buffer.from('0123456789abcdef'));
      const whole = await storage.read('vod/vod_2/0/seg.ts');
      expect(whole).toMatchObject({ length: 16, size: 16, start: 0, end: 15, contentType: 'video/mp2t' });
      expect(await text(whole)).toBe('0123456789abcdef');
      const middle = await storage.read('vod/vod_2/0/seg.ts', { start: 4, end: 7 });
      expect(middle).toMatchObject({ length: 4, size: 16, start: 4, end: 7 });
      expect(await text(middle)).toBe('4567');
      expect(await text(await storage.read('vod/vod_2/0/seg.ts', { start: 10 }))).toBe('abcdef');
      const tail = await storage.read('vod/vod_2/0/seg.ts', { start: 14, end: 100 });
      expect(tail).toMatchObject({ length: 2, start: 14, end: 15 });
      expect(await text(tail)).toBe('ef');
      await expect(storage.read('vod/vod_2/0/seg.ts', { start: 16 })).rejects.toThrow(RangeError);
      await expect(storage.read('vod/vod_2/0/seg.ts', { start: 5, end: 2 })).rejects.toThrow(RangeError);
      await expect(storage.read('vod/vod_2/0/seg.ts', { start: -1 })).rejects.toThrow(RangeError);
    });

    it('stores a 12 MB recording streamed in, in 5 MiB parts on an object store, and streams it back intact', async () => {
      const total = 12 * 1000 * 1000;
      const expected = createHash('sha256');
      for await (const chunk of bigStream(total)) expected.update(chunk as Buffer);
      const before = harness.multipartCalls()?.length ?? 0;
      await storage.put('vod/vod_3/recording.mp4', bigStream(total));
      expect(await storage.stat('vod/vod_3/recording.mp4')).toEqual({
        size: total,
        contentType: 'video/mp4',
      });
      const read = await storage.read('vod/vod_3/recording.mp4');
      const actual = createHash('sha256');
      let length = 0;
      for await (const chunk of read!.body) {
        actual.update(chunk as Buffer);
        length += (chunk as Buffer).length;
      }
      expect(length).toBe(total);
      expect(actual.digest('hex')).toBe(expected.digest('hex'));
      const tail = await storage.read('vod/vod_3/recording.mp4', { start: total - 3 });
      expect(tail?.length).toBe(3);
      const calls = harness.multipartCalls();
      if (calls)
        expect(calls.slice(before)).toEqual([
          'CreateMultipartUpload 200',
          'UploadPart 200',
          'UploadPart 200',
          'UploadPart 200',
          'CompleteMultipartUpload 200',
        ]);
    }, 60_000);

    it('keeps the files written into a working folder as objects under its prefix', async () => {
      const dir = await storage.workDir('live/str_4');
      await writeFile(join(dir, 'thumb.jpg'), 'jpeg');
      await storage.flush?.();
      expect((await storage.get('live/str_4/thumb.jpg'))?.body.toString()).toBe('jpeg');
      expect(await storage.list('live/str_4')).toEqual(['live/str_4/thumb.jpg']);
      await storage.release?.('live/str_4');
      expect(await storage.stat('live/str_4/thumb.jpg')).toEqual({ size: 4, contentType: 'image/jpeg' });
    });
  },
);
