import { createHash, createHmac } from 'node:crypto';

/** Credentials and scope of AWS Signature Version 4 for S3. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** One request to sign: method, URL, headers to sign (besides host) and the payload's SHA-256 hex. */
export interface SignableRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  payloadHash: string;
}

/** SHA-256 of `body` as lowercase hex. */
export function sha256Hex(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** RFC 3986 encoding as SigV4 wants it (unreserved characters only stay as they are). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** `YYYYMMDD'T'HHMMSS'Z'` of `date`. */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** The canonical query string: parameters sorted by encoded name, names and values encoded. */
function canonicalQuery(url: URL): string {
  return [...url.searchParams.entries()]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/**
 * The `Authorization` header value of an S3 request signed with AWS Signature Version 4
 * (service `s3`, no double encoding of the path). `headers` must hold `x-amz-date` and
 * `x-amz-content-sha256`; `host` is taken from the URL.
 */
export function signV4(request: SignableRequest, credentials: S3Credentials): string {
  const date = request.headers['x-amz-date'];
  if (!date) throw new RangeError('x-amz-date is required');
  const all: Record<string, string> = { host: request.url.host };
  for (const [name, value] of Object.entries(request.headers))
    all[name.toLowerCase()] = value.trim().replace(/\s+/g, ' ');
  const names = Object.keys(all).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method,
    request.url.pathname,
    canonicalQuery(request.url),
    names.map((n) => `${n}:${all[n]}\n`).join(''),
    signedHeaders,
    request.payloadHash,
  ].join('\n');
  const day = date.slice(0, 8);
  const scope = `${day}/${credentials.region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), credentials.region), 's3'),
    'aws4_request',
  );
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}
