import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, invokeHandler } from './bus.envelope.ts';
import type { BusMeta } from './bus.port.ts';

const meta: BusMeta = { topic: 't', fromNode: 'n1' };

describe('bus envelope', () => {
  it('round-trips the node id and any JSON value', () => {
    for (const message of [null, 0, 'text', [1, 'two'], { nested: { list: [true, false] } }]) {
      expect(decodeEnvelope(encodeEnvelope('node-7', message))).toEqual({ n: 'node-7', m: message });
    }
  });

  it('uses the compact wire format { n, m }', () => {
    expect(JSON.parse(encodeEnvelope('node-7', { a: 1 }))).toEqual({ n: 'node-7', m: { a: 1 } });
  });

  it('refuses payloads that are not envelopes', () => {
    for (const payload of ['not json', '42', 'null', '{"m":1}', '{"n":5,"m":1}', '{"n":"x"}']) {
      expect(() => decodeEnvelope(payload), payload).toThrow();
    }
  });

  it('refuses messages JSON cannot carry', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeEnvelope('n', cyclic)).toThrow();
    expect(() => encodeEnvelope('n', 10n)).toThrow();
  });
});

describe('invokeHandler', () => {
  it('passes the message and meta to the handler', () => {
    const seen: unknown[] = [];
    invokeHandler(
      (message, m) => void seen.push(message, m),
      'hi',
      meta,
      () => {},
    );
    expect(seen).toEqual(['hi', meta]);
  });

  it('routes a synchronous throw to onError instead of throwing', () => {
    const errors: unknown[] = [];
    const boom = new Error('boom');
    expect(() =>
      invokeHandler(
        () => {
          throw boom;
        },
        'x',
        meta,
        (error, m) => errors.push(error, m),
      ),
    ).not.toThrow();
    expect(errors).toEqual([boom, meta]);
  });

  it('routes an asynchronous rejection to onError', async () => {
    const errors: unknown[] = [];
    const boom = new Error('later');
    invokeHandler(
      async () => Promise.reject(boom),
      'x',
      meta,
      (error) => errors.push(error),
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(errors).toEqual([boom]);
  });
});
