import { createHmac, randomBytes } from 'node:crypto';

/** Prefix of endpoint signing secrets, as in the Standard Webhooks specification. */
export const SECRET_PREFIX = 'whsec_';

/** Length of the random key behind a new secret, bytes (192 bits). */
const SECRET_BYTES = 24;

/** A new endpoint signing secret: `whsec_` + base64 of 24 random bytes. */
export function generateSecret(random: (size: number) => Uint8Array = randomBytes): string {
  return `${SECRET_PREFIX}${Buffer.from(random(SECRET_BYTES)).toString('base64')}`;
}

/** The HMAC key of a `whsec_<base64>` secret (a bare base64 secret is accepted too). */
export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new TypeError('The webhook secret has no key bytes');
  return key;
}

/**
 * The `webhook-signature` value for one attempt: `v1,` + base64 HMAC-SHA256 over
 * `${id}.${timestamp}.${body}`, keyed with the secret's decoded bytes.
 */
export function sign(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** The three Standard Webhooks headers of one attempt. */
export type SignatureHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/**
 * Headers for sending `body` as message `id` at `timestampSeconds` (unix seconds of this attempt;
 * the id stays the same across retries so receivers can deduplicate).
 */
export function signatureHeaders(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): SignatureHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': sign(secret, id, timestampSeconds, body),
  };
}
