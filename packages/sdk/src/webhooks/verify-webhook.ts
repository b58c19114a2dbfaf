import type { EventEnvelope } from '@pnptv/protocol';
import { base64ToBytes, bytesToBase64 } from './base64.ts';
import { WebhookVerificationError } from './webhook-verification.error.ts';

/**
 * Request headers as any runtime hands them over: a Fetch `Headers` object (browsers, Deno, Bun,
 * Hono, Next.js) or a plain record such as Node's `IncomingHttpHeaders` (Express, Fastify).
 */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/** Options of `verifyWebhook`. */
export interface VerifyWebhookOptions {
  /**
   * How far, in seconds, `webhook-timestamp` may be from the current time, in either direction,
   * before the request is rejected as a replay. Default 300 (5 minutes).
   */
  toleranceSeconds?: number;
  /** Current time in milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

const DEFAULT_TOLERANCE_SECONDS = 300;
const SECRET_PREFIX = 'whsec_';
const SIGNATURE_VERSION = 'v1';

/**
 * Checks that a webhook request really comes from PNPtv and is recent, following the Standard
 * Webhooks specification, then returns its event envelope.
 *
 * Pass the body exactly as received (raw string or bytes): re-serialising parsed JSON changes the
 * bytes and breaks the signature.
 *
 * @param body Raw request body.
 * @param headers Request headers; names are matched case-insensitively.
 * @param secret The endpoint's signing secret (`whsec_…`, or the bare base64 key).
 * @throws WebhookVerificationError when the request must be rejected.
 * @example
 * const event = await verifyWebhook(rawBody, request.headers, process.env.PNPTV_WEBHOOK_SECRET!);
 * if (event.type === 'stream.live') notifyFollowers(event.data);
 */
export async function verifyWebhook(
  body: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyWebhookOptions = {},
): Promise<EventEnvelope> {
  assertRawBody(body);
  const id = readHeader(headers, 'webhook-id', ', ');
  const timestampText = readHeader(headers, 'webhook-timestamp', ', ');
  const signatureHeader = readHeader(headers, 'webhook-signature', ' ');
  if (!id || !timestampText || !signatureHeader) {
    throw new WebhookVerificationError(
      'WEBHOOK_MISSING_HEADERS',
      'The webhook-id, webhook-timestamp and webhook-signature headers are required',
    );
  }

  if (!/^\d{1,15}$/.test(timestampText)) {
    throw new WebhookVerificationError('WEBHOOK_BAD_TIMESTAMP', 'webhook-timestamp is not unix seconds');
  }
  const timestamp = Number(timestampText);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  if (nowSeconds - timestamp > tolerance) {
    throw new WebhookVerificationError('WEBHOOK_TIMESTAMP_OUT_OF_RANGE', 'The webhook timestamp is too old');
  }
  if (timestamp - nowSeconds > tolerance) {
    throw new WebhookVerificationError(
      'WEBHOOK_TIMESTAMP_OUT_OF_RANGE',
      'The webhook timestamp is too far in the future',
    );
  }

  const expected = await hmac(secret, signedContent(id, timestampText, body));
  if (!parseSignatures(signatureHeader).some((candidate) => timingSafeEqual(candidate, expected))) {
    throw new WebhookVerificationError('WEBHOOK_BAD_SIGNATURE', 'No webhook signature matches');
  }

  return parseEnvelope(body);
}

/**
 * The `webhook-signature` value (`v1,<base64 HMAC-SHA256>`) PNPtv would send for this message.
 * Useful for fixtures and tests of a receiver.
 *
 * @param id Message id, the `webhook-id` header.
 * @param timestampSeconds Unix time in whole seconds, the `webhook-timestamp` header.
 * @param body Raw body, exactly as it will be sent.
 * @param secret Signing secret (`whsec_…`, or the bare base64 key).
 * @example
 * const signature = await signWebhook('msg_1', Math.floor(Date.now() / 1000), body, secret);
 */
export async function signWebhook(
  id: string,
  timestampSeconds: number,
  body: string | Uint8Array,
  secret: string,
): Promise<string> {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new TypeError('timestampSeconds must be a non-negative whole number of seconds');
  }
  assertRawBody(body);
  const mac = await hmac(secret, signedContent(id, String(timestampSeconds), body));
  return `${SIGNATURE_VERSION},${bytesToBase64(mac)}`;
}

/** `${id}.${timestamp}.${body}` as bytes; a byte body is appended untouched so no re-encoding can alter it. */
function signedContent(id: string, timestamp: string, body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const payload = typeof body === 'string' ? encoder.encode(body) : body;
  const content = new Uint8Array(prefix.length + payload.length);
  content.set(prefix, 0);
  content.set(payload, prefix.length);
  return content;
}

async function hmac(secret: string, content: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const key = await globalThis.crypto.subtle.importKey(
    'raw',
    secretKeyBytes(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, content));
}

/** Key bytes of a `whsec_<base64>` secret; a bare base64 secret is accepted too. */
function secretKeyBytes(secret: string): Uint8Array<ArrayBuffer> {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = base64ToBytes(encoded);
  } catch {
    throw new TypeError('The webhook secret must be "whsec_" followed by base64');
  }
  if (bytes.length === 0) throw new TypeError('The webhook secret is empty');
  return bytes;
}

/**
 * Decoded `v1` signatures of a space-separated `webhook-signature` list. Other versions are
 * ignored, as the specification asks, and so are entries that are not base64. A trailing comma is
 * dropped because runtimes merge repeated headers with ", ".
 */
function parseSignatures(header: string): Uint8Array[] {
  const signatures: Uint8Array[] = [];
  for (const entry of header.split(/\s+/)) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== SIGNATURE_VERSION) continue;
    try {
      signatures.push(base64ToBytes(entry.slice(comma + 1).replace(/,+$/, '')));
    } catch {
      // Not base64: cannot match, keep looking at the other entries.
    }
  }
  return signatures;
}

/** Compares every byte whatever the content, so timing reveals nothing about the expected MAC. */
function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

/** Header value by case-insensitive name; repeated values are joined with `separator`. */
function readHeader(headers: WebhookHeaders, name: string, separator: string): string {
  if (typeof (headers as Headers).get === 'function') {
    return ((headers as Headers).get(name) ?? '').trim();
  }
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    values.push(...(Array.isArray(value) ? value : [value]));
  }
  return values.join(separator).trim();
}

function parseEnvelope(body: string | Uint8Array): EventEnvelope {
  let parsed: unknown;
  try {
    const text = typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: true }).decode(body);
    parsed = JSON.parse(text);
  } catch {
    throw new WebhookVerificationError('WEBHOOK_BAD_PAYLOAD', 'The webhook body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WebhookVerificationError('WEBHOOK_BAD_PAYLOAD', 'The webhook body is not a JSON object');
  }
  return parsed as EventEnvelope;
}

/** Catches the classic mistake of passing a body a JSON middleware already parsed. */
function assertRawBody(body: unknown): asserts body is string | Uint8Array {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new TypeError(
      'Pass the raw request body (string or Uint8Array/Buffer), not parsed JSON: the signature covers the exact bytes',
    );
  }
}
