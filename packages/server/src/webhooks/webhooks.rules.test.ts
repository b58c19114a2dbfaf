import { EVENT_NAMES } from '@pnptv/protocol';
import { describe, expect, it } from 'vitest';
import {
  buildEnvelope,
  checkEvents,
  deliveryIdFor,
  isFinalAttempt,
  isSuccessStatus,
  MESSAGE_ID_PATTERN,
  shouldDisable,
  subscribes,
} from './webhooks.rules.ts';

describe('event subscriptions', () => {
  it('accepts catalogue names and the lone wildcard', () => {
    expect(checkEvents(['stream.live', 'chat.message.new'])).toEqual({
      ok: true,
      events: ['stream.live', 'chat.message.new'],
    });
    expect(checkEvents(['*'])).toEqual({ ok: true, events: ['*'] });
    expect(checkEvents(EVENT_NAMES).ok).toBe(true);
  });

  it('refuses empty lists, unknown names, repeats and a wildcard mixed with names', () => {
    expect(checkEvents([])).toMatchObject({ ok: false });
    expect(checkEvents(['stream.live', 'stream.exploded'])).toMatchObject({
      ok: false,
      message: expect.stringContaining('stream.exploded'),
    });
    expect(checkEvents(['stream.live', 'stream.live'])).toMatchObject({ ok: false });
    expect(checkEvents(['*', 'stream.live'])).toMatchObject({ ok: false });
    expect(checkEvents(['*', '*'])).toMatchObject({ ok: false });
  });

  it('matches a type by name or by wildcard', () => {
    expect(subscribes(['stream.live'], 'stream.live')).toBe(true);
    expect(subscribes(['stream.live'], 'stream.offline')).toBe(false);
    expect(subscribes(['*'], 'gift.sent')).toBe(true);
  });
});

describe('delivery outcomes', () => {
  it('counts only 2xx as success', () => {
    expect([199, 200, 204, 299, 300, 301, 404, 500].map(isSuccessStatus)).toEqual([
      false,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it('fails a delivery for good on its last attempt', () => {
    expect(isFinalAttempt(9, 10)).toBe(false);
    expect(isFinalAttempt(10, 10)).toBe(true);
  });

  it('disables an endpoint at ten failed deliveries in a row', () => {
    expect(shouldDisable(9)).toBe(false);
    expect(shouldDisable(10)).toBe(true);
  });
});

describe('envelopes and ids', () => {
  it('builds the envelope with the message id and an ISO timestamp', () => {
    const at = new Date('2026-03-01T12:00:00Z');
    expect(JSON.stringify(buildEnvelope('msg_1', 'stream.live', 'app_1', at, { streamId: 's' }))).toBe(
      '{"id":"msg_1","type":"stream.live","appId":"app_1","timestamp":"2026-03-01T12:00:00.000Z","data":{"streamId":"s"}}',
    );
  });

  it('derives one delivery id per message and endpoint, sortable by the message time', () => {
    const msg = 'msg_01jabcdefghjkmnpqrstvwxyz0';
    expect(msg).toMatch(MESSAGE_ID_PATTERN);
    const a = deliveryIdFor(msg, 'whe_1');
    expect(a).toBe(deliveryIdFor(msg, 'whe_1'));
    expect(a).not.toBe(deliveryIdFor(msg, 'whe_2'));
    expect(a).toMatch(/^dlv_01jabcdefg[0-9a-f]{16}$/);
  });
});
