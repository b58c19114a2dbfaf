import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { crc32 } from 'node:zlib';

/** An S3 error answer: HTTP status, S3's error code and message. */
export interface S3Problem {
  status: number;
  code: string;
  message: string;
}

/** Keys a fake bucket signs with, and the region it is in. */
export interface FakeS3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** Payload hash a client sends when the body is not signed. */
const UNSIGNED = 'UNSIGNED-PAYLOAD';
/** Payload hash of an aws-chunked body whose chunks are not signed, with checksums in trailers. */
const STREAMING_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

const problem = (status: number, code: string, message: string): S3Problem => ({ status, code, message });

function sha256(data: string | Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/** RFC 3986 encoding as SigV4 wants it. */
function enc(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Checksum algorithms this fake computes, by the suffix of their `x-amz-checksum-*` header. */
const CHECKSUMS: Record<string, (body: Buffer) => Buffer> = {
  crc32: (body) => {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(crc32(body));
    return out;
  },
  sha1: (body) => createHash('sha1').update(body).digest(),
  sha256,
};

/** The base64 checksum of `body` with `algorithm` (`crc32`, `sha1`, `sha256`), as S3 sends it. */
export function checksumOf(algorithm: string, body: Buffer): string {
  const fn = CHECKSUMS[algorithm.toLowerCase()];
  if (!fn) throw new RangeError(`unsupported checksum ${algorithm}`);
  return fn(body).toString('base64');
}

/** S3's composite checksum of a multipart object: the checksum of the parts' raw checksums, then `-<parts>`. */
export function compositeChecksum(algorithm: string, partChecksums: string[]): string {
  const raw = Buffer.concat(partChecksums.map((c) => Buffer.from(c, 'base64')));
  return `${checksumOf(algorithm, raw)}-${partChecksums.length}`;
}

/**
 * Checks the request's SigV4 `Authorization` header as S3 does, computing the signature from
 * the request as received. The payload hash must be the body's SHA-256, `UNSIGNED-PAYLOAD`, or
 * `STREAMING-UNSIGNED-PAYLOAD-TRAILER` for an aws-chunked body; signed chunks are not supported.
 */
export function verifySignature(
  req: IncomingMessage,
  raw: Buffer,
  creds: FakeS3Credentials,
): S3Problem | null {
  const auth = req.headers.authorization ?? '';
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!match) return problem(403, 'AccessDenied', 'missing or malformed Authorization header');
  const [, accessKeyId, day, region, signedHeaders, signature] = match as unknown as string[];
  if (accessKeyId !== creds.accessKeyId)
    return problem(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist');
  if (region !== creds.region) return problem(400, 'AuthorizationHeaderMalformed', 'wrong region');
  const date = String(req.headers['x-amz-date'] ?? '');
  const names = signedHeaders!.split(';');
  if (!date.startsWith(day!) || !names.includes('host') || !names.includes('x-amz-date'))
    return problem(403, 'AccessDenied', 'host and x-amz-date must be signed');
  const at = Date.parse(
    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
  );
  if (!Number.isFinite(at) || Math.abs(Date.now() - at) > 15 * 60_000)
    return problem(403, 'RequestTimeTooSkewed', 'request time too skewed');
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
  if (payloadHash.startsWith('STREAMING-') && payloadHash !== STREAMING_TRAILER)
    return problem(501, 'NotImplemented', `${payloadHash} is not supported by this server`);
  if (
    payloadHash !== UNSIGNED &&
    payloadHash !== STREAMING_TRAILER &&
    payloadHash !== sha256(raw).toString('hex')
  )
    return problem(400, 'XAmzContentSHA256Mismatch', 'payload hash does not match');
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const canonicalQuery = (q < 0 ? '' : url.slice(q + 1))
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const [k = '', v = ''] = pair.split('=');
      return [enc(decodeURIComponent(k.replace(/\+/g, ' '))), enc(decodeURIComponent(v.replace(/\+/g, ' ')))];
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
  const canonical = [
    req.method,
    q < 0 ? url : url.slice(0, q),
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const toSign = [
    'AWS4-HMAC-SHA256',
    date,
    `${day}/${region}/s3/aws4_request`,
    sha256(canonical).toString('hex'),
  ];
  let key: Buffer = createHmac('sha256', `AWS4${creds.secretAccessKey}`).update(day!).digest();
  for (const part of [region!, 's3', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  const expected = createHmac('sha256', key).update(toSign.join('\n')).digest();
  const given = Buffer.from(signature!, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return problem(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );
  return null;
}

/** Decodes an aws-chunked body (`<hex size>\r\n<bytes>\r\n` … `0\r\n`, then trailer lines and a blank line). */
function decodeAwsChunked(raw: Buffer): { body: Buffer; trailers: Record<string, string> } | null {
  const chunks: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    if (eol < 0) return null;
    const size = Number.parseInt(raw.subarray(at, eol).toString('latin1').split(';')[0]!, 16);
    if (!Number.isSafeInteger(size) || size < 0) return null;
    at = eol + 2;
    if (size === 0) break;
    if (raw.subarray(at + size, at + size + 2).toString('latin1') !== '\r\n') return null;
    chunks.push(raw.subarray(at, at + size));
    at += size + 2;
  }
  const trailers: Record<string, string> = {};
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    if (eol < 0) return null;
    const line = raw.subarray(at, eol).toString('latin1');
    at = eol + 2;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon < 0) return null;
    trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return at === raw.length ? { body: Buffer.concat(chunks), trailers } : null;
}

/**
 * The request's payload and the checksums it declared (headers and trailers), each verified
 * as S3 does: an aws-chunked body is decoded and must match `x-amz-decoded-content-length`,
 * a `Content-MD5` or `x-amz-checksum-<algorithm>` value must match the payload, and an algorithm
 * named by `x-amz-sdk-checksum-algorithm` must come with its checksum.
 */
export function readPayload(
  headers: IncomingHttpHeaders,
  raw: Buffer,
): { body: Buffer; checksums: Record<string, string> } | S3Problem {
  let body = raw;
  const declared: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (
      name.startsWith('x-amz-checksum-') &&
      name !== 'x-amz-checksum-mode' &&
      name !== 'x-amz-checksum-algorithm'
    )
      declared[name.slice('x-amz-checksum-'.length)] = String(value);
  if (headers['x-amz-content-sha256'] === STREAMING_TRAILER) {
    if (!String(headers['content-encoding'] ?? '').includes('aws-chunked'))
      return problem(400, 'InvalidRequest', 'a streaming payload needs Content-Encoding: aws-chunked');
    const decoded = decodeAwsChunked(raw);
    if (!decoded) return problem(400, 'IncompleteBody', 'The aws-chunked body is malformed');
    if (String(decoded.body.length) !== headers['x-amz-decoded-content-length'])
      return problem(400, 'IncompleteBody', 'x-amz-decoded-content-length does not match the body');
    const announced = String(headers['x-amz-trailer'] ?? '').toLowerCase();
    for (const [name, value] of Object.entries(decoded.trailers)) {
      if (name !== announced) return problem(400, 'InvalidRequest', `trailer ${name} was not announced`);
      if (name.startsWith('x-amz-checksum-')) declared[name.slice('x-amz-checksum-'.length)] = value;
    }
    if (announced && !(announced in decoded.trailers))
      return problem(400, 'InvalidRequest', `announced trailer ${announced} is missing`);
    body = decoded.body;
  }
  const md5 = headers['content-md5'];
  if (md5 !== undefined && md5 !== createHash('md5').update(body).digest('base64'))
    return problem(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
  for (const [algorithm, value] of Object.entries(declared)) {
    if (!CHECKSUMS[algorithm])
      return problem(501, 'NotImplemented', `${algorithm} checksums are not supported here`);
    if (checksumOf(algorithm, body) !== value)
      return problem(
        400,
        'BadDigest',
        `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
      );
  }
  const sdkAlgorithm = String(headers['x-amz-sdk-checksum-algorithm'] ?? '').toLowerCase();
  if (sdkAlgorithm && !(sdkAlgorithm in declared))
    return problem(
      400,
      'InvalidRequest',
      `x-amz-sdk-checksum-algorithm ${sdkAlgorithm} came without its checksum`,
    );
  return { body, checksums: declared };
}

/** `value` with XML's special characters escaped. */
export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The text of every `<tag>` element in `xml`, unescaped (the simple request bodies of S3 need no more). */
export function xmlValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) =>
    m[1]!
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&'),
  );
}
