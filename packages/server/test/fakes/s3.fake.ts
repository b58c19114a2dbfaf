import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small S3-compatible server for tests: one path-style bucket in memory, GET/PUT/DELETE of
 * objects and ListObjectsV2 (XML, with continuation tokens), and every request's AWS Signature
 * V4 `Authorization` header verified against its own credentials (computed here from the
 * request as received, independently of the client's signer). Errors are S3's XML errors.
 */
export class FakeS3Server {
  readonly objects = new Map<string, Buffer>();
  /** Requests by method and outcome, e.g. `PUT 200`, `GET 403`. */
  readonly log: string[] = [];
  /** When set, every PUT answers 500 InternalError (a failing object store). */
  failWrites = false;
  #server: Server | null = null;
  #port = 0;

  constructor(
    readonly options: {
      bucket: string;
      accessKeyId: string;
      secretAccessKey: string;
      region: string;
      /** Keys per ListObjectsV2 page (S3's is 1000); small values exercise continuation. */
      pageSize?: number;
    },
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Listens (on the same port as before when restarted). */
  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        this.#error(res, 500, 'InternalError', String(error));
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

  #error(res: ServerResponse, status: number, code: string, message: string): void {
    if (res.headersSent) return void res.destroy();
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`,
    );
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const problem = this.#verify(req, body);
    if (problem) {
      this.log.push(`${req.method} 403`);
      return this.#error(res, 403, problem.code, problem.message);
    }
    const url = new URL(req.url ?? '/', 'http://s3.local');
    const [, bucket, ...rest] = url.pathname.split('/');
    if (bucket !== this.options.bucket) {
      this.log.push(`${req.method} 404`);
      return this.#error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    }
    const key = rest.map(decodeURIComponent).join('/');
    if (req.method === 'GET' && key === '' && url.searchParams.get('list-type') === '2')
      return this.#list(url, res);
    if (key === '') return this.#error(res, 400, 'InvalidRequest', 'unsupported bucket operation');
    if (req.method === 'PUT') {
      if (this.failWrites) {
        this.log.push('PUT 500');
        return this.#error(res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
      }
      this.objects.set(key, body);
      this.log.push('PUT 200');
      res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
      return void res.end();
    }
    if (req.method === 'GET') {
      const object = this.objects.get(key);
      this.log.push(`GET ${object ? 200 : 404}`);
      if (!object) return this.#error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      res.writeHead(200, { 'content-length': object.length, 'content-type': 'application/octet-stream' });
      return void res.end(object);
    }
    if (req.method === 'DELETE') {
      this.objects.delete(key);
      this.log.push('DELETE 204');
      res.writeHead(204);
      return void res.end();
    }
    this.#error(res, 405, 'MethodNotAllowed', 'The specified method is not allowed');
  }

  #list(url: URL, res: ServerResponse): void {
    const prefix = url.searchParams.get('prefix') ?? '';
    const after = url.searchParams.get('continuation-token');
    const start = after ? Buffer.from(after, 'base64url').toString('utf8') : '';
    const pageSize = Math.min(
      Number(url.searchParams.get('max-keys') ?? 1000),
      this.options.pageSize ?? 1000,
    );
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix) && k > start).sort();
    const page = keys.slice(0, pageSize);
    const truncated = keys.length > page.length;
    const next = truncated ? Buffer.from(page.at(-1)!, 'utf8').toString('base64url') : null;
    this.log.push('LIST 200');
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
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

  /** Checks the request's SigV4 header as S3 does; returns the error to answer with, or null. */
  #verify(req: IncomingMessage, body: Buffer): { code: string; message: string } | null {
    const auth = req.headers.authorization ?? '';
    const match =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
        auth,
      );
    if (!match) return { code: 'AccessDenied', message: 'missing or malformed Authorization header' };
    const [, accessKeyId, day, region, signedHeaders, signature] = match as unknown as string[];
    if (accessKeyId !== this.options.accessKeyId)
      return { code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist' };
    if (region !== this.options.region)
      return { code: 'AuthorizationHeaderMalformed', message: 'wrong region' };
    const date = String(req.headers['x-amz-date'] ?? '');
    const names = signedHeaders!.split(';');
    if (!date.startsWith(day!) || !names.includes('host') || !names.includes('x-amz-date'))
      return { code: 'AccessDenied', message: 'host and x-amz-date must be signed' };
    const at = Date.parse(
      `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
    );
    if (!Number.isFinite(at) || Math.abs(Date.now() - at) > 15 * 60_000)
      return { code: 'RequestTimeTooSkewed', message: 'request time too skewed' };
    const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
    if (payloadHash !== createHash('sha256').update(body).digest('hex'))
      return { code: 'XAmzContentSHA256Mismatch', message: 'payload hash does not match' };
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const query = q < 0 ? '' : raw.slice(q + 1);
    const canonicalQuery = query
      .split('&')
      .filter(Boolean)
      .map((pair) => {
        const [k = '', v = ''] = pair.split('=');
        return [
          enc(decodeURIComponent(k.replace(/\+/g, ' '))),
          enc(decodeURIComponent(v.replace(/\+/g, ' '))),
        ];
      })
      .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : a[1]! < b[1]! ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const canonicalHeaders = names
      .map(
        (n) =>
          `${n}:${String(req.headers[n] ?? '')
            .trim()
            .replace(/\s+/g, ' ')}\n`,
      )
      .join('');
    const canonical = [req.method, path, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join(
      '\n',
    );
    const scope = `${day}/${region}/s3/aws4_request`;
    const toSign = [
      'AWS4-HMAC-SHA256',
      date,
      scope,
      createHash('sha256').update(canonical).digest('hex'),
    ].join('\n');
    let key: Buffer = createHmac('sha256', `AWS4${this.options.secretAccessKey}`).update(day!).digest();
    for (const part of [region!, 's3', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    const expected = createHmac('sha256', key).update(toSign).digest();
    const given = Buffer.from(signature!, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return {
        code: 'SignatureDoesNotMatch',
        message: 'The request signature we calculated does not match the signature you provided.',
      };
    return null;
  }
}

function enc(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
