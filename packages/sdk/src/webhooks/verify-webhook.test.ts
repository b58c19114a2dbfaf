import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from './verify-webhook.ts';
import { WebhookVerificationError, type WebhookVerificationErrorCode } from './webhook-verification.error.ts';

// Published Standard Webhooks test vector.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const atVector = { now: () => VECTOR.timestamp * 1000 };

/** Signature computed with node:crypto, independently of the code under test. */
function referenceSignature(
  id: string,
  timestamp: number,
  body: string | Uint8Array,
  secret: string,
): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

function vectorHeaders(signature = VECTOR.signature): Record<string, string> {
  return {
    'webhook-id': VECTOR.id,
    'webhook-timestamp': String(VECTOR.timestamp),
    'webhook-signature': signature,
  };
}

async function rejection(promise: Promise<unknown>): Promise<WebhookVerificationErrorCode> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return (error as WebhookVerificationError).code;
}

function envelope(): string {
  return JSON.stringify({
    id: `msg_${randomBytes(8).toString('hex')}`,
    type: 'stream.live',
    appId: 'app_1',
    timestamp: new Date().toISOString(),
    data: { streamId: 'str_1', title: 'Café ☕' },
  });
}

describe('verifyWebhook', () => {
  it('accepts the published Standard Webhooks test vector and returns the parsed body', async () => {
    const result = await verifyWebhook(VECTOR.payload, vectorHeaders(), VECTOR.secret, atVector);
    expect(result).toEqual(JSON.parse(VECTOR.payload));
  });

  it('accepts a secret given as bare base64 without the whsec_ prefix', async () => {
    const bare = VECTOR.secret.slice('whsec_'.length);
    await expect(verifyWebhook(VECTOR.payload, vectorHeaders(), bare, atVector)).resolves.toBeTruthy();
  });

  it('rejects a body changed after signing', async () => {
    const tampered = VECTOR.payload.replace('2432232314', '2432232315');
    expect(await rejection(verifyWebhook(tampered, vectorHeaders(), VECTOR.secret, atVector))).toBe(
      'WEBHOOK_BAD_SIGNATURE',
    );
  });

  it('rejects a message signed with another secret', async () => {
    const other = `whsec_${randomBytes(24).toString('base64')}`;
    expect(await rejection(verifyWebhook(VECTOR.payload, vectorHeaders(), other, atVector))).toBe(
      'WEBHOOK_BAD_SIGNATURE',
    );
  });

  it('rejects a message whose id was changed, since the id is part of the signed content', async () => {
    const headers = { ...vectorHeaders(), 'webhook-id': 'msg_other' };
    expect(await rejection(verifyWebhook(VECTOR.payload, headers, VECTOR.secret, atVector))).toBe(
      'WEBHOOK_BAD_SIGNATURE',
    );
  });

  it('passes when any one of several space-separated signatures matches', async () => {
    const wrong = `v1,${randomBytes(32).toString('base64')}`;
    const header = `v1a,${randomBytes(64).toString('base64')} ${wrong} v1,not-base64! ${VECTOR.signature}`;
    await expect(
      verifyWebhook(VECTOR.payload, vectorHeaders(header), VECTOR.secret, atVector),
    ).resolves.toEqual(JSON.parse(VECTOR.payload));
  });

  it('ignores a matching signature that is labelled with another version', async () => {
    const header = VECTOR.signature.replace(/^v1,/, 'v2,');
    expect(
      await rejection(verifyWebhook(VECTOR.payload, vectorHeaders(header), VECTOR.secret, atVector)),
    ).toBe('WEBHOOK_BAD_SIGNATURE');
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
    'rejects a request without %s',
    async (name) => {
      const headers: Record<string, string> = vectorHeaders();
      delete headers[name];
      expect(await rejection(verifyWebhook(VECTOR.payload, headers, VECTOR.secret, atVector))).toBe(
        'WEBHOOK_MISSING_HEADERS',
      );
      headers[name] = '';
      expect(await rejection(verifyWebhook(VECTOR.payload, headers, VECTOR.secret, atVector))).toBe(
        'WEBHOOK_MISSING_HEADERS',
      );
    },
  );

  it.each(['yesterday', '1614265330.5', '-1614265330', '0x5'])('rejects the timestamp %s', async (value) => {
    const headers = { ...vectorHeaders(), 'webhook-timestamp': value };
    expect(await rejection(verifyWebhook(VECTOR.payload, headers, VECTOR.secret, atVector))).toBe(
      'WEBHOOK_BAD_TIMESTAMP',
    );
  });

  it('rejects a stale timestamp and accepts one exactly at the tolerance', async () => {
    const tolerance = 300;
    const stale = { now: () => (VECTOR.timestamp + tolerance + 1) * 1000 };
    const edge = { now: () => (VECTOR.timestamp + tolerance) * 1000 + 999 };
    expect(await rejection(verifyWebhook(VECTOR.payload, vectorHeaders(), VECTOR.secret, stale))).toBe(
      'WEBHOOK_TIMESTAMP_OUT_OF_RANGE',
    );
    await expect(verifyWebhook(VECTOR.payload, vectorHeaders(), VECTOR.secret, edge)).resolves.toBeTruthy();
  });

  it('rejects a timestamp too far in the future', async () => {
    const early = { now: () => (VECTOR.timestamp - 301) * 1000 };
    expect(await rejection(verifyWebhook(VECTOR.payload, vectorHeaders(), VECTOR.secret, early))).toBe(
      'WEBHOOK_TIMESTAMP_OUT_OF_RANGE',
    );
  });

  it('rejects the test vector against the real clock with the default tolerance', async () => {
    expect(await rejection(verifyWebhook(VECTOR.payload, vectorHeaders(), VECTOR.secret))).toBe(
      'WEBHOOK_TIMESTAMP_OUT_OF_RANGE',
    );
  });

  it('honours a custom tolerance', async () => {
    const later = { now: () => (VECTOR.timestamp + 3600) * 1000 };
    await expect(
      verifyWebhook(VECTOR.payload, vectorHeaders(), VECTOR.secret, { ...later, toleranceSeconds: 3600 }),
    ).resolves.toBeTruthy();
    expect(
      await rejection(
        verifyWebhook(VECTOR.payload, vectorHeaders(), VECTOR.secret, { ...later, toleranceSeconds: 3599 }),
      ),
    ).toBe('WEBHOOK_TIMESTAMP_OUT_OF_RANGE');
  });

  it('rejects a correctly signed body that is not JSON, or not a JSON object', async () => {
    for (const body of ['not json at all', '[1,2,3]', 'null']) {
      const headers = vectorHeaders(referenceSignature(VECTOR.id, VECTOR.timestamp, body, VECTOR.secret));
      expect(await rejection(verifyWebhook(body, headers, VECTOR.secret, atVector))).toBe(
        'WEBHOOK_BAD_PAYLOAD',
      );
    }
  });

  it('reads Node IncomingHttpHeaders-style records with mixed-case names and array values', async () => {
    const body = envelope();
    const now = Math.floor(Date.now() / 1000);
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const id = JSON.parse(body).id as string;
    const headers: Record<string, string | string[] | undefined> = {
      host: 'example.com',
      'Webhook-Id': [id],
      'WEBHOOK-TIMESTAMP': String(now),
      'webhook-signature': [
        `v1,${randomBytes(32).toString('base64')}`,
        referenceSignature(id, now, body, secret),
      ],
      'x-unused': undefined,
    };
    const result = await verifyWebhook(body, headers, secret);
    expect(result).toEqual(JSON.parse(body));
  });

  it('reads a Fetch Headers object, including repeated signature headers merged by the runtime', async () => {
    const body = envelope();
    const now = Math.floor(Date.now() / 1000);
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const headers = new Headers({ 'Webhook-Id': 'msg_1', 'Webhook-Timestamp': String(now) });
    headers.append('Webhook-Signature', `v1,${randomBytes(32).toString('base64')}`);
    headers.append('Webhook-Signature', referenceSignature('msg_1', now, body, secret));
    await expect(verifyWebhook(body, headers, secret)).resolves.toEqual(JSON.parse(body));
  });

  it('verifies a Uint8Array body byte for byte, including non-ASCII text', async () => {
    const text = envelope();
    const bytes = new TextEncoder().encode(text);
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const now = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'msg_bytes',
      'webhook-timestamp': String(now),
      'webhook-signature': referenceSignature('msg_bytes', now, bytes, secret),
    };
    await expect(verifyWebhook(bytes, headers, secret)).resolves.toEqual(JSON.parse(text));
    await expect(verifyWebhook(Buffer.from(bytes), headers, secret)).resolves.toEqual(JSON.parse(text));
    const tampered = bytes.slice();
    const flipAt = tampered.length - 2;
    tampered[flipAt] = tampered[flipAt]! ^ 1;
    expect(await rejection(verifyWebhook(tampered, headers, secret))).toBe('WEBHOOK_BAD_SIGNATURE');
  });

  it('refuses an already-parsed body with a clear message instead of a signature failure', async () => {
    const parsed = JSON.parse(VECTOR.payload) as unknown as string;
    await expect(verifyWebhook(parsed, vectorHeaders(), VECTOR.secret, atVector)).rejects.toThrow(
      /raw request body/,
    );
  });

  it('refuses a secret that is not base64', async () => {
    await expect(verifyWebhook(VECTOR.payload, vectorHeaders(), 'whsec_***', atVector)).rejects.toThrow(
      TypeError,
    );
  });
});

describe('signWebhook', () => {
  it('reproduces the published test vector signature', async () => {
    expect(await signWebhook(VECTOR.id, VECTOR.timestamp, VECTOR.payload, VECTOR.secret)).toBe(
      VECTOR.signature,
    );
  });

  it('agrees with an independent HMAC-SHA256 for random keys and bodies', async () => {
    for (let i = 0; i < 20; i++) {
      const secret = `whsec_${randomBytes(1 + i * 3).toString('base64')}`;
      const body = randomBytes(i * 50);
      const timestamp = 1_700_000_000 + i;
      expect(await signWebhook(`msg_${i}`, timestamp, body, secret)).toBe(
        referenceSignature(`msg_${i}`, timestamp, body, secret),
      );
    }
  });

  it('produces signatures that verifyWebhook accepts', async () => {
    const body = envelope();
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const now = Math.floor(Date.now() / 1000);
    const signature = await signWebhook('msg_round', now, body, secret);
    const headers = {
      'webhook-id': 'msg_round',
      'webhook-timestamp': String(now),
      'webhook-signature': signature,
    };
    await expect(verifyWebhook(body, headers, secret)).resolves.toEqual(JSON.parse(body));
  });

  it('refuses a timestamp that is not whole seconds', async () => {
    await expect(signWebhook('msg_1', 1.5, '{}', VECTOR.secret)).rejects.toThrow(TypeError);
    await expect(signWebhook('msg_1', Date.now() * 1e6, '{}', VECTOR.secret)).rejects.toThrow(TypeError);
  });
});
