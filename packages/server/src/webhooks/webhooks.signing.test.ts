import { verifyWebhook } from '@pnptv/sdk';
import { describe, expect, it } from 'vitest';
import { generateSecret, secretKey, sign, signatureHeaders } from './webhooks.signing.ts';

/** The test vector published with the Standard Webhooks specification. */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('webhook signing', () => {
  it('produces the Standard Webhooks reference signature', () => {
    expect(sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });

  it('puts the message id, the timestamp in seconds and the signature in the three headers', () => {
    expect(signatureHeaders(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toEqual({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': VECTOR.signature,
    });
  });

  it('changes the signature when any signed part changes', () => {
    const base = sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body);
    expect(sign(VECTOR.secret, 'msg_other', VECTOR.timestamp, VECTOR.body)).not.toBe(base);
    expect(sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp + 1, VECTOR.body)).not.toBe(base);
    expect(sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, '{"test": 2432232315}')).not.toBe(base);
    expect(sign(generateSecret(), VECTOR.id, VECTOR.timestamp, VECTOR.body)).not.toBe(base);
  });

  it('makes secrets of whsec_ and 24 random bytes in base64, different every time', () => {
    const a = generateSecret();
    const b = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(secretKey(a)).toHaveLength(24);
    expect(a).not.toBe(b);
    expect(generateSecret((n) => new Uint8Array(n).fill(0xff))).toBe(
      `whsec_${Buffer.alloc(24, 0xff).toString('base64')}`,
    );
  });

  it('signs with the decoded key bytes, so a bare base64 secret signs the same', () => {
    const bare = VECTOR.secret.slice('whsec_'.length);
    expect(sign(bare, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });

  it('is accepted by the SDK verifier, which returns the envelope', async () => {
    const secret = generateSecret();
    const body = JSON.stringify({
      id: 'msg_1',
      type: 'stream.live',
      appId: 'app_x',
      timestamp: '2026-01-01T00:00:00.000Z',
      data: { á: 'ñ' },
    });
    const now = Date.parse('2026-01-01T00:00:05Z');
    const headers = signatureHeaders(secret, 'msg_1', Math.floor(now / 1000), body);
    const event = await verifyWebhook(body, headers, secret, { now: () => now });
    expect(event).toEqual(JSON.parse(body));
    await expect(verifyWebhook(body, headers, generateSecret(), { now: () => now })).rejects.toThrow();
  });
});
