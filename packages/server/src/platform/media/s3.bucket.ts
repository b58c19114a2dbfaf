import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  type ByteRange,
  isValidRange,
  MediaStorageError,
  type MediaStorageErrorCode,
  type ObjectInfo,
  type ObjectStream,
} from './storage.port.ts';

/** Where an S3-compatible bucket is and the keys to sign for it with (path-style addressing). */
export interface S3BucketOptions {
  /** Service origin, e.g. `https://s3.eu-central-1.amazonaws.com` or `http://127.0.0.1:9000`. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Longest a connection or a request's socket may stay idle, ms; default 15,000. */
  requestTimeoutMs?: number;
  /** Size of each part of a multipart upload, bytes; default (and S3's minimum) 5 MiB. */
  partSizeBytes?: number;
  /**
   * `when_supported` (default): every upload carries a CRC32 checksum (in a header, or in an
   * aws-chunked trailer for streamed bodies) and reads check the one the store returns;
   * `when_required`: only where S3 requires one, for stores that refuse those headers.
   */
  checksums?: 'when_supported' | 'when_required';
}

/** S3's smallest part but the last of a multipart upload, bytes (5 MiB). */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;
/** Keys per DeleteObjects request, S3's maximum. */
const DELETE_BATCH = 1000;
/** Parts of one multipart upload in flight at once. */
const UPLOAD_CONCURRENCY = 4;

/** Socket errors that mean the store could not be reached or dropped the connection. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

/** Whether an SDK error says the object is not there (not a missing bucket, which is a fault). */
function isMissingObject(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.$metadata?.httpStatusCode === 404 && (e.name === 'NoSuchKey' || e.name === 'NotFound');
}

/** Translates an SDK error into the port's errors: a RangeError for an unsatisfiable range, else a MediaStorageError. */
export function toStorageError(error: unknown, what: string): Error {
  if (error instanceof RangeError || error instanceof MediaStorageError) return error;
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode ?? 0;
  const provider = (e.name && e.name !== 'Error' ? e.name : e.code) ?? 'Unknown';
  if (status === 416 || provider === 'InvalidRange') return new RangeError(`${what}: range not satisfiable`);
  let code: MediaStorageErrorCode = 'MEDIA_STORAGE_FAILED';
  if (status === 401 || status === 403) code = 'MEDIA_STORAGE_DENIED';
  else if (status === 429 || status >= 500 || provider === 'TimeoutError' || NETWORK_CODES.has(provider))
    code = 'MEDIA_STORAGE_UNAVAILABLE';
  return new MediaStorageError(code, status, provider, what, { cause: error });
}

/** `bytes=<start>-[<end>]`, the Range header of `range`. */
function rangeHeader(range: ByteRange): string {
  return `bytes=${range.start}-${range.end ?? ''}`;
}

/** Size of the whole object from a `Content-Range: bytes a-b/size` answer. */
function sizeOf(contentRange: string | undefined, contentLength: number): number {
  const total = /\/(\d+)$/.exec(contentRange ?? '')?.[1];
  return total === undefined ? contentLength : Number(total);
}

/**
 * One S3 bucket through the AWS SDK: objects read whole or by range, uploaded (in parts
 * through `@aws-sdk/lib-storage` once larger than a part), listed and deleted, with the SDK's
 * errors translated into the media storage port's. Checksums follow `checksums`, set here
 * rather than left to the SDK's `AWS_*` environment, so the boot configuration alone decides.
 */
export class S3BucketClient {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #partSize: number;

  constructor(options: S3BucketOptions) {
    this.#bucket = options.bucket;
    this.#partSize = Math.max(options.partSizeBytes ?? S3_MIN_PART_BYTES, S3_MIN_PART_BYTES);
    const checksums = options.checksums === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';
    this.#client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      // Explicit keys, so the SDK never falls back to the machine's AWS profile or environment.
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      forcePathStyle: true,
      requestChecksumCalculation: checksums,
      responseChecksumValidation: checksums,
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 5_000, socketTimeout: options.requestTimeoutMs ?? 15_000 },
    });
  }

  /** Size and content type of `key`, or null when there is no such object (HeadObject). */
  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const out = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }));
      return { size: out.ContentLength ?? 0, contentType: out.ContentType ?? 'application/octet-stream' };
    } catch (error) {
      if (isMissingObject(error)) return null;
      throw toStorageError(error, `HEAD ${key}`);
    }
  }

  /** The object at `key` (or `range` of it) as a stream, or null when there is none (GetObject). */
  async read(key: string, range?: ByteRange): Promise<ObjectStream | null> {
    if (range && !isValidRange(range)) throw new RangeError(`invalid range for ${key}`);
    try {
      const out = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: key, Range: range && rangeHeader(range) }),
      );
      const length = out.ContentLength ?? 0;
      const size = sizeOf(out.ContentRange, length);
      const start = range?.start ?? 0;
      return {
        body: out.Body as Readable,
        length,
        size,
        contentType: out.ContentType ?? 'application/octet-stream',
        start,
        end: start + length - 1,
      };
    } catch (error) {
      if (isMissingObject(error)) return null;
      throw toStorageError(error, `GET ${key}`);
    }
  }

  /** The whole object at `key`, or null when there is none. */
  async get(key: string): Promise<{ body: Buffer; info: ObjectInfo } | null> {
    const stream = await this.read(key);
    if (!stream) return null;
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of stream.body) chunks.push(chunk as Buffer);
    } catch (error) {
      throw toStorageError(error, `GET ${key}`);
    }
    const body = Buffer.concat(chunks);
    return { body, info: { size: body.length, contentType: stream.contentType } };
  }

  /**
   * Stores `body` at `key`: one PutObject when it fits in a part, else a multipart upload
   * (CreateMultipartUpload, UploadPart per part, CompleteMultipartUpload; aborted on failure).
   */
  async upload(key: string, body: Buffer | Readable, contentType: string, length?: number): Promise<void> {
    const upload = new Upload({
      client: this.#client,
      params: { Bucket: this.#bucket, Key: key, Body: body, ContentType: contentType, ContentLength: length },
      partSize: this.#partSize,
      queueSize: UPLOAD_CONCURRENCY,
    });
    try {
      await upload.done();
    } catch (error) {
      throw toStorageError(error, `PUT ${key}`);
    }
  }

  /** Deletes `key`; a missing object is not an error (DeleteObject). */
  async delete(key: string): Promise<void> {
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
    } catch (error) {
      if (!isMissingObject(error)) throw toStorageError(error, `DELETE ${key}`);
    }
  }

  /** Deletes `keys`, up to 1,000 per DeleteObjects request; any key the store could not delete fails the call. */
  async deleteMany(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      let failed: { Code?: string; Key?: string } | undefined;
      try {
        const out = await this.#client.send(
          new DeleteObjectsCommand({
            Bucket: this.#bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        failed = out.Errors?.[0];
      } catch (error) {
        throw toStorageError(error, `DELETE ${batch.length} objects`);
      }
      if (failed)
        throw new MediaStorageError(
          failed.Code === 'AccessDenied' ? 'MEDIA_STORAGE_DENIED' : 'MEDIA_STORAGE_FAILED',
          200,
          failed.Code ?? 'Unknown',
          `DELETE ${failed.Key}`,
        );
    }
  }

  /** Every key starting with `prefix`, sorted, through as many ListObjectsV2 pages as it takes. */
  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    try {
      for await (const page of paginateListObjectsV2(
        { client: this.#client },
        { Bucket: this.#bucket, Prefix: prefix },
      ))
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    } catch (error) {
      throw toStorageError(error, `LIST ${prefix}`);
    }
    return keys.sort();
  }

  /** Closes the client's connections. */
  close(): void {
    this.#client.destroy();
  }
}
