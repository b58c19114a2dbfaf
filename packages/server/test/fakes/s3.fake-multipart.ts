import { createHash, randomUUID } from 'node:crypto';
import { compositeChecksum, type S3Problem, xmlValues } from './s3.fake-wire.ts';

/** What the fake keeps of an object besides its bytes. */
export interface ObjectMeta {
  contentType: string;
  etag: string;
  /** Algorithm and value of the checksum S3 would return, e.g. `crc32` and a base64 value or `<value>-<parts>`. */
  checksum: { algorithm: string; value: string } | null;
}

/** One multipart upload in progress. */
interface PendingUpload {
  key: string;
  contentType: string;
  /** Checksum algorithm named at creation (lowercase); every part must then carry it. */
  algorithm: string | null;
  parts: Map<number, { body: Buffer; etag: string; checksum: string | null }>;
}

/** S3's smallest part but the last, bytes (5 MiB). */
const MIN_PART = 5 * 1024 * 1024;

/** The quoted MD5 ETag S3 gives a body. */
export function etagOf(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

const bad = (status: number, code: string, message: string): S3Problem => ({ status, code, message });
const noSuchUpload = bad(404, 'NoSuchUpload', 'The specified multipart upload does not exist.');

/**
 * Multipart uploads as S3 keeps them: created, given parts (each with its ETag and, when the
 * upload named an algorithm, its checksum), then completed from the client's part list (in
 * ascending order, ETags and checksums matching, every part but the last at least 5 MiB) or aborted.
 */
export class FakeMultipartUploads {
  readonly #uploads = new Map<string, PendingUpload>();

  /** Uploads created and neither completed nor aborted. */
  get size(): number {
    return this.#uploads.size;
  }

  /** Starts an upload; returns its id. */
  create(key: string, contentType: string, algorithm: string | null): string {
    const uploadId = randomUUID();
    this.#uploads.set(uploadId, { key, contentType, algorithm, parts: new Map() });
    return uploadId;
  }

  #find(uploadId: string, key: string): PendingUpload | null {
    const upload = this.#uploads.get(uploadId);
    return upload?.key === key ? upload : null;
  }

  /** Stores one part; returns its ETag and the checksum header to answer with. */
  uploadPart(
    uploadId: string,
    key: string,
    partNumber: number,
    body: Buffer,
    checksums: Record<string, string>,
  ): { etag: string; headers: Record<string, string> } | S3Problem {
    const upload = this.#find(uploadId, key);
    if (!upload) return noSuchUpload;
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000)
      return bad(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000');
    const checksum = upload.algorithm ? (checksums[upload.algorithm] ?? null) : null;
    if (upload.algorithm && !checksum)
      return bad(
        400,
        'InvalidRequest',
        `Checksum Type mismatch, expected checksum Type: ${upload.algorithm}`,
      );
    const etag = etagOf(body);
    upload.parts.set(partNumber, { body, etag, checksum });
    return { etag, headers: checksum ? { [`x-amz-checksum-${upload.algorithm}`]: checksum } : {} };
  }

  /** Assembles the object from the CompleteMultipartUpload body's part list and ends the upload. */
  complete(uploadId: string, key: string, xml: string): { body: Buffer; meta: ObjectMeta } | S3Problem {
    const upload = this.#find(uploadId, key);
    if (!upload) return noSuchUpload;
    const tag = upload.algorithm ? `Checksum${upload.algorithm.toUpperCase()}` : '';
    const listed = xmlValues(xml, 'Part').map((part) => ({
      number: Number(xmlValues(part, 'PartNumber')[0]),
      etag: xmlValues(part, 'ETag')[0] ?? '',
      checksum: tag ? (xmlValues(part, tag)[0] ?? null) : null,
    }));
    if (listed.length === 0) return bad(400, 'MalformedXML', 'The XML you provided was not well-formed');
    for (const [i, part] of listed.entries()) {
      if (i > 0 && part.number <= listed[i - 1]!.number)
        return bad(400, 'InvalidPartOrder', 'The list of parts was not in ascending order.');
      const stored = upload.parts.get(part.number);
      if (!stored || stored.etag !== part.etag || stored.checksum !== part.checksum)
        return bad(400, 'InvalidPart', 'One or more of the specified parts could not be found.');
      if (i < listed.length - 1 && stored.body.length < MIN_PART)
        return bad(
          400,
          'EntityTooSmall',
          'Your proposed upload is smaller than the minimum allowed object size.',
        );
    }
    const parts = listed.map((part) => upload.parts.get(part.number)!);
    const digests = Buffer.concat(parts.map((p) => Buffer.from(p.etag.slice(1, -1), 'hex')));
    const etag = `"${createHash('md5').update(digests).digest('hex')}-${parts.length}"`;
    const checksum = upload.algorithm
      ? {
          algorithm: upload.algorithm,
          value: compositeChecksum(
            upload.algorithm,
            parts.map((p) => p.checksum!),
          ),
        }
      : null;
    this.#uploads.delete(uploadId);
    return {
      body: Buffer.concat(parts.map((p) => p.body)),
      meta: { contentType: upload.contentType, etag, checksum },
    };
  }

  /** Drops an upload and its parts. */
  abort(uploadId: string, key: string): S3Problem | null {
    if (!this.#find(uploadId, key)) return noSuchUpload;
    this.#uploads.delete(uploadId);
    return null;
  }
}
