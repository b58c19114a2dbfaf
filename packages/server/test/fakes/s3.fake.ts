import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { etagOf, FakeMultipartUploads, type ObjectMeta } from './s3.fake-multipart.ts';
import {
  escapeXml,
  type FakeS3Credentials,
  readPayload,
  type S3Problem,
  verifySignature,
  xmlValues,
} from './s3.fake-wire.ts';

const XMLNS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const INTERNAL: S3Problem = {
  status: 500,
  code: 'InternalError',
  message: 'We encountered an internal error. Please try again.',
};

/**
 * A small S3-compatible server for tests: one path-style bucket in memory, speaking S3's REST
 * wire format as the AWS SDK and `@aws-sdk/lib-storage` use it: PutObject, GetObject (with
 * Range), HeadObject, DeleteObject, DeleteObjects, ListObjectsV2 (with continuation tokens) and
 * multipart uploads (CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
 * AbortMultipartUpload). Every request's AWS Signature V4 is verified against its own
 * credentials, computed from the request as received; aws-chunked bodies, `Content-MD5` and
 * `x-amz-checksum-*` values (headers or trailers) are checked. Errors are S3's XML errors.
 */
export class FakeS3Server {
  readonly objects = new Map<string, Buffer>();
  /** Requests by operation and status, e.g. `PutObject 200`, `GetObject 403`. */
  readonly log: string[] = [];
  /** When set, every PutObject, CreateMultipartUpload and UploadPart answers 500 InternalError (a failing object store). */
  failWrites = false;
  /** When set, every UploadPart answers 500 InternalError (a multipart upload failing halfway). */
  failParts = false;
  readonly #meta = new Map<string, ObjectMeta>();
  readonly #uploads = new FakeMultipartUploads();
  #server: Server | null = null;
  #port = 0;

  constructor(
    readonly options: FakeS3Credentials & {
      bucket: string;
      /** Keys per ListObjectsV2 page (S3's is 1000); small values exercise continuation. */
      pageSize?: number;
    },
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Multipart uploads created and neither completed nor aborted. */
  get pendingUploads(): number {
    return this.#uploads.size;
  }

  /** Content type an object was stored with. */
  contentTypeOf(key: string): string | undefined {
    return this.objects.has(key) ? this.#meta.get(key)?.contentType : undefined;
  }

  /** Checksum an object was stored with (`<algorithm>:<base64 value>`), or null when it came without one. */
  checksumOf(key: string): string | null | undefined {
    if (!this.objects.has(key)) return undefined;
    const checksum = this.#meta.get(key)?.checksum;
    return checksum ? `${checksum.algorithm}:${checksum.value}` : null;
  }

  /** Listens (on the same port as before when restarted). */
  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        this.#error(res, { status: 500, code: 'InternalError', message: String(error) });
      });
    });
    await new Promise<void>((resolve) => server.listen(this.#port, '127.0.0.1', resolve));
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening and drops open connections (the store is kept). */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #error(res: ServerResponse, p: S3Problem): void {
    if (res.headersSent) return void res.destroy();
    res.writeHead(p.status, { 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${p.code}</Code><Message>${escapeXml(p.message)}</Message></Error>`,
    );
  }

  #xml(res: ServerResponse, body: string, headers: Record<string, string> = {}): void {
    res.writeHead(200, { 'content-type': 'application/xml', ...headers });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>${body}`);
  }

  /** The S3 operation a request is, from its method, key and query. */
  #operation(method: string, key: string, q: URLSearchParams): string {
    if (key === '') {
      if (method === 'GET' && q.get('list-type') === '2') return 'ListObjectsV2';
      if (method === 'POST' && q.has('delete')) return 'DeleteObjects';
      return 'Unsupported';
    }
    if (method === 'POST')
      return q.has('uploads')
        ? 'CreateMultipartUpload'
        : q.has('uploadId')
          ? 'CompleteMultipartUpload'
          : 'Unsupported';
    if (method === 'PUT') return q.has('uploadId') ? 'UploadPart' : 'PutObject';
    if (method === 'DELETE') return q.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    if (method === 'GET') return 'GetObject';
    if (method === 'HEAD') return 'HeadObject';
    return 'Unsupported';
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://s3.local');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = rest.map(decodeURIComponent).join('/');
    const q = url.searchParams;
    const op = this.#operation(req.method ?? '', key, q);
    res.once('finish', () => this.log.push(`${op} ${res.statusCode}`));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const denied = verifySignature(req, raw, this.options);
    if (denied) return this.#error(res, denied);
    if (bucket !== this.options.bucket)
      return this.#error(res, {
        status: 404,
        code: 'NoSuchBucket',
        message: 'The specified bucket does not exist',
      });
    const payload = readPayload(req.headers, raw);
    if ('status' in payload) return this.#error(res, payload);
    const { body, checksums } = payload;
    if (this.failWrites && (op === 'PutObject' || op === 'UploadPart' || op === 'CreateMultipartUpload'))
      return this.#error(res, INTERNAL);
    switch (op) {
      case 'ListObjectsV2':
        return this.#list(q, res);
      case 'DeleteObjects':
        return this.#deleteMany(req, body, res);
      case 'GetObject':
      case 'HeadObject':
        return this.#get(req, key, res);
      case 'DeleteObject':
        this.objects.delete(key);
        return void res.writeHead(204).end();
      case 'PutObject': {
        const [algorithm, value] = Object.entries(checksums)[0] ?? [];
        const checksum = algorithm && value ? { algorithm, value } : null;
        const etag = etagOf(body);
        this.#store(key, body, { contentType: contentType(req), etag, checksum });
        const sum = checksum ? { [`x-amz-checksum-${checksum.algorithm}`]: checksum.value } : {};
        return void res.writeHead(200, { etag, ...sum }).end();
      }
      case 'CreateMultipartUpload': {
        const algorithm = String(req.headers['x-amz-checksum-algorithm'] ?? '').toLowerCase() || null;
        const uploadId = this.#uploads.create(key, contentType(req), algorithm);
        const ids = `<Bucket>${bucket}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId>`;
        const sum: Record<string, string> = algorithm
          ? { 'x-amz-checksum-algorithm': algorithm.toUpperCase(), 'x-amz-checksum-type': 'COMPOSITE' }
          : {};
        return this.#xml(
          res,
          `<InitiateMultipartUploadResult ${XMLNS}>${ids}</InitiateMultipartUploadResult>`,
          sum,
        );
      }
      case 'UploadPart': {
        if (this.failParts) return this.#error(res, INTERNAL);
        const partNumber = Number(q.get('partNumber'));
        const part = this.#uploads.uploadPart(q.get('uploadId') ?? '', key, partNumber, body, checksums);
        if ('status' in part) return this.#error(res, part);
        return void res.writeHead(200, { etag: part.etag, ...part.headers }).end();
      }
      case 'CompleteMultipartUpload': {
        const done = this.#uploads.complete(q.get('uploadId') ?? '', key, body.toString('utf8'));
        if ('status' in done) return this.#error(res, done);
        this.#store(key, done.body, done.meta);
        const { checksum, etag } = done.meta;
        const tag = checksum && `Checksum${checksum.algorithm.toUpperCase()}`;
        const where = `<Location>${this.endpoint}/${bucket}/${escapeXml(key)}</Location><Bucket>${bucket}</Bucket>`;
        const sum = checksum ? `<${tag}>${checksum.value}</${tag}>` : '';
        return this.#xml(
          res,
          `<CompleteMultipartUploadResult ${XMLNS}>${where}<Key>${escapeXml(key)}</Key><ETag>${escapeXml(etag)}</ETag>${sum}</CompleteMultipartUploadResult>`,
        );
      }
      case 'AbortMultipartUpload': {
        const missing = this.#uploads.abort(q.get('uploadId') ?? '', key);
        if (missing) return this.#error(res, missing);
        return void res.writeHead(204).end();
      }
      default:
        return this.#error(res, {
          status: 501,
          code: 'NotImplemented',
          message: `${op} is not supported here`,
        });
    }
  }

  #store(key: string, body: Buffer, meta: ObjectMeta): void {
    this.objects.set(key, body);
    this.#meta.set(key, meta);
  }

  #get(req: IncomingMessage, key: string, res: ServerResponse) {
    const object = this.objects.get(key);
    if (!object) {
      if (req.method === 'HEAD') return void res.writeHead(404).end();
      return this.#error(res, {
        status: 404,
        code: 'NoSuchKey',
        message: 'The specified key does not exist.',
      });
    }
    const meta = this.#meta.get(key) ?? {
      contentType: 'application/octet-stream',
      etag: etagOf(object),
      checksum: null,
    };
    const headers: Record<string, string | number> = {
      'content-type': meta.contentType,
      etag: meta.etag,
      'accept-ranges': 'bytes',
      'last-modified': new Date().toUTCString(),
    };
    const range = parseRange(req.headers.range, object.length);
    if (range === 'unsatisfiable')
      return this.#error(res, {
        status: 416,
        code: 'InvalidRange',
        message: 'The requested range is not satisfiable',
      });
    if (!range && meta.checksum && req.headers['x-amz-checksum-mode'] === 'ENABLED') {
      headers[`x-amz-checksum-${meta.checksum.algorithm}`] = meta.checksum.value;
      headers['x-amz-checksum-type'] = meta.checksum.value.includes('-') ? 'COMPOSITE' : 'FULL_OBJECT';
    }
    const [start, end] = range ?? [0, object.length - 1];
    if (range) headers['content-range'] = `bytes ${start}-${end}/${object.length}`;
    headers['content-length'] = end - start + 1;
    res.writeHead(range ? 206 : 200, headers);
    res.end(req.method === 'HEAD' ? undefined : object.subarray(start, end + 1));
  }

  #deleteMany(req: IncomingMessage, body: Buffer, res: ServerResponse) {
    const hasDigest =
      req.headers['content-md5'] !== undefined ||
      Object.keys(req.headers).some((h) => h.startsWith('x-amz-checksum-'));
    if (!hasDigest)
      return this.#error(res, {
        status: 400,
        code: 'InvalidRequest',
        message: 'Missing required header for this request: Content-MD5 OR x-amz-checksum-*',
      });
    const xml = body.toString('utf8');
    const keys = xmlValues(xml, 'Object').map((o) => xmlValues(o, 'Key')[0] ?? '');
    if (keys.length > 1000)
      return this.#error(res, { status: 400, code: 'MalformedXML', message: 'at most 1000 keys' });
    for (const key of keys) this.objects.delete(key);
    const quiet = xmlValues(xml, 'Quiet')[0] === 'true';
    const deleted = quiet ? '' : keys.map((k) => `<Deleted><Key>${escapeXml(k)}</Key></Deleted>`).join('');
    this.#xml(res, `<DeleteResult ${XMLNS}>${deleted}</DeleteResult>`);
  }

  #list(q: URLSearchParams, res: ServerResponse) {
    const prefix = q.get('prefix') ?? '';
    const after = q.get('continuation-token');
    const start = after ? Buffer.from(after, 'base64url').toString('utf8') : (q.get('start-after') ?? '');
    const pageSize = Math.min(Number(q.get('max-keys') ?? 1000), this.options.pageSize ?? 1000);
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix) && k > start).sort();
    const page = keys.slice(0, pageSize);
    const truncated = keys.length > page.length;
    const next = truncated ? Buffer.from(page.at(-1)!, 'utf8').toString('base64url') : null;
    this.#xml(
      res,
      [
        `<ListBucketResult ${XMLNS}>`,
        `<Name>${this.options.bucket}</Name><Prefix>${escapeXml(prefix)}</Prefix>`,
        `<KeyCount>${page.length}</KeyCount><MaxKeys>${pageSize}</MaxKeys><IsTruncated>${truncated}</IsTruncated>`,
        ...page.map(
          (k) =>
            `<Contents><Key>${escapeXml(k)}</Key><Size>${this.objects.get(k)!.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
        ),
        after ? `<ContinuationToken>${after}</ContinuationToken>` : '',
        next ? `<NextContinuationToken>${next}</NextContinuationToken>` : '',
        '</ListBucketResult>',
      ].join(''),
    );
  }
}

function contentType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? 'binary/octet-stream');
}

/** The inclusive span a `Range: bytes=…` header asks of `size` bytes; null without one (or one S3 ignores). */
function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    return suffix === 0 ? 'unsatisfiable' : [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start >= size || end < start ? 'unsatisfiable' : [start, end];
}
