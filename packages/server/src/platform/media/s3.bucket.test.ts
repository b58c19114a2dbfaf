import { Readable } from 'node:stream';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeS3Server } from '../../../test/fakes/s3.fake.ts';
import { S3BucketClient } from './s3.bucket.ts';
import { MediaStorageError } from './storage.port.ts';

const credentials = { accessKeyId: 'BUCKETKEY', secretAccessKey: 'bucket/secret+1', region: 'eu-west-1' };
const s3 = new FakeS3Server({ bucket: 'pnptv-bucket', ...credentials });

function client(overrides: Partial<typeof credentials & { bucket: string; endpoint: string }> = {}) {
  return new S3BucketClient({ endpoint: s3.endpoint, bucket: 'pnptv-bucket', ...credentials, ...overrides });
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => null,
    (error: unknown) => error,
  );
}

beforeAll(() => s3.start());
afterAll(() => s3.stop());
beforeEach(() => {
  s3.objects.clear();
  s3.log.length = 0;
  s3.failParts = false;
});

describe('S3BucketClient errors', () => {
  it("reports a request signed with the wrong secret as denied, with S3's own code", async () => {
    const forged = client({ secretAccessKey: 'not-the-secret' });
    const error = await failure(() => forged.read('live/x/master.m3u8'));
    expect(error).toBeInstanceOf(MediaStorageError);
    expect(error).toMatchObject({
      code: 'MEDIA_STORAGE_DENIED',
      status: 403,
      providerCode: 'SignatureDoesNotMatch',
    });
    expect(s3.log).toContain('GetObject 403');
    forged.close();
  });

  it('reports a read from a missing bucket as a failure, not as a missing object', async () => {
    // A HEAD answer has no body, so there S3 cannot tell a missing bucket from a missing key.
    const wrong = client({ bucket: 'no-such-bucket' });
    expect(await failure(() => wrong.read('a/b.ts'))).toMatchObject({
      code: 'MEDIA_STORAGE_FAILED',
      status: 404,
      providerCode: 'NoSuchBucket',
    });
    wrong.close();
  });

  it('reports a store nobody listens at as unavailable', async () => {
    const away = client({ endpoint: 'http://127.0.0.1:9' });
    expect(await failure(() => away.upload('a/b.ts', Buffer.from('x'), 'video/mp2t'))).toMatchObject({
      code: 'MEDIA_STORAGE_UNAVAILABLE',
      status: 0,
      providerCode: 'ECONNREFUSED',
    });
    away.close();
  });
});

describe('S3BucketClient uploads and integrity', () => {
  it('aborts a multipart upload whose part keeps failing, leaving neither object nor parts', async () => {
    const bucket = client();
    s3.failParts = true;
    const error = await failure(() =>
      bucket.upload('vod/v/recording.mp4', Buffer.alloc(11 * 1024 * 1024, 1), 'video/mp4'),
    );
    expect(error).toMatchObject({
      code: 'MEDIA_STORAGE_UNAVAILABLE',
      status: 500,
      providerCode: 'InternalError',
    });
    expect(s3.log).toContain('AbortMultipartUpload 204');
    expect(s3.pendingUploads).toBe(0);
    expect(s3.objects.has('vod/v/recording.mp4')).toBe(false);
    bucket.close();
  });

  it('sends a CRC32 checksum with every upload by default, and none when set to only where required', async () => {
    const bucket = client();
    await bucket.upload('a/one.ts', Buffer.from('abc'), 'video/mp2t');
    expect(s3.checksumOf('a/one.ts')).toBe('crc32:NSRBwg==');
    const plain = new S3BucketClient({
      endpoint: s3.endpoint,
      bucket: 'pnptv-bucket',
      ...credentials,
      checksums: 'when_required',
    });
    await plain.upload('a/two.ts', Buffer.from('abc'), 'video/mp2t');
    expect(s3.checksumOf('a/two.ts')).toBeNull();
    await plain.deleteMany(['a/one.ts', 'a/two.ts']);
    expect(s3.objects.size).toBe(0);
    bucket.close();
    plain.close();
  });

  it('fails a read whose bytes do not match the checksum the store recorded at upload', async () => {
    const bucket = client();
    await bucket.upload('live/s/0/a.ts', Buffer.from('the segment'), 'video/mp2t');
    expect((await bucket.get('live/s/0/a.ts'))?.body.toString()).toBe('the segment');
    s3.objects.set('live/s/0/a.ts', Buffer.from('the sugment'));
    const error = await failure(() => bucket.get('live/s/0/a.ts'));
    expect(error).toBeInstanceOf(MediaStorageError);
    expect(error).toMatchObject({ code: 'MEDIA_STORAGE_FAILED', status: 0 });
    bucket.close();
  });
});

describe('the fake S3 server as the SDK speaks to it', () => {
  const sent: Record<string, string>[] = [];
  let sdk: S3Client;
  beforeAll(() => {
    sdk = new S3Client({
      endpoint: s3.endpoint,
      region: credentials.region,
      credentials,
      forcePathStyle: true,
      maxAttempts: 1,
    });
    // Records the headers as sent, after the SDK's checksum and signing steps.
    sdk.middlewareStack.add(
      (next) => async (args) => {
        sent.push({ ...(args.request as { headers: Record<string, string> }).headers });
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
  });
  afterAll(() => sdk.destroy());

  it('takes a streamed body in aws-chunked encoding with its CRC32 in a trailer', async () => {
    const body = Readable.from([Buffer.from('chunk one, '), Buffer.from('chunk two')]);
    await sdk.send(
      new PutObjectCommand({ Bucket: 'pnptv-bucket', Key: 'a/streamed.ts', Body: body, ContentLength: 20 }),
    );
    expect(sent.at(-1)).toMatchObject({
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'content-encoding': 'aws-chunked',
      'x-amz-trailer': 'x-amz-checksum-crc32',
    });
    expect(s3.objects.get('a/streamed.ts')?.toString()).toBe('chunk one, chunk two');
  });

  it('refuses a body whose declared checksum does not match', async () => {
    const error = await failure(() =>
      sdk.send(
        new PutObjectCommand({
          Bucket: 'pnptv-bucket',
          Key: 'a/b.ts',
          Body: Buffer.from('x'),
          ChecksumCRC32: 'AAAAAA==',
        }),
      ),
    );
    expect(error).toMatchObject({ name: 'BadDigest' });
    expect(s3.objects.has('a/b.ts')).toBe(false);
  });
});
