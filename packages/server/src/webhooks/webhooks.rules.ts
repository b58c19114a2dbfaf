import { createHash } from 'node:crypto';
import { type EventEnvelope, type EventName, isEventName } from '@pnptv/protocol';

/** Most live (not deleted) endpoints one app may have. */
export const MAX_ENDPOINTS_PER_APP = 20;
/** An endpoint is switched off after this many deliveries in a row failed for good. */
export const DISABLE_AFTER_FAILED_DELIVERIES = 10;
/** Attempts per delivery before it is marked failed. */
export const DELIVERY_MAX_ATTEMPTS = 16;
/** Retry backoff: 5 s doubling, capped at 6 h (ms). */
export const DELIVERY_BACKOFF = { baseMs: 5_000, maxMs: 6 * 3_600_000 } as const;
/** Time allowed for one attempt, from connecting to the end of the response, ms. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** The subscription that matches every event. */
export const ALL_EVENTS = '*';

/** Result of checking the `events` list of an endpoint. */
export type EventsCheck = { ok: true; events: string[] } | { ok: false; message: string };

/** Checks a subscription list: non-empty, no duplicates, each a catalogue name, or exactly `['*']`. */
export function checkEvents(events: readonly string[]): EventsCheck {
  if (events.length === 0) return { ok: false, message: 'Subscribe to at least one event' };
  if (events.includes(ALL_EVENTS)) {
    return events.length === 1
      ? { ok: true, events: [ALL_EVENTS] }
      : { ok: false, message: '"*" must be the only entry' };
  }
  const unknown = events.filter((e) => !isEventName(e));
  if (unknown.length > 0)
    return { ok: false, message: `Unknown event names: ${unknown.slice(0, 5).join(', ')}` };
  if (new Set(events).size !== events.length) return { ok: false, message: 'Event names must not repeat' };
  return { ok: true, events: [...events] };
}

/** Whether an endpoint subscribed to `events` receives `type`. */
export function subscribes(events: readonly string[], type: string): boolean {
  return events.includes(ALL_EVENTS) || events.includes(type);
}

/** Whether an HTTP status counts as a successful delivery. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status <= 299;
}

/** Whether a failed attempt was the last one, so the delivery fails for good. */
export function isFinalAttempt(attempt: number, maxAttempts: number): boolean {
  return attempt >= maxAttempts;
}

/** Whether an endpoint with this many failed deliveries in a row must be switched off. */
export function shouldDisable(consecutiveFailures: number): boolean {
  return consecutiveFailures >= DISABLE_AFTER_FAILED_DELIVERIES;
}

/** The reason stored on an endpoint switched off after failed deliveries. */
export function autoDisableReason(failures: number): string {
  return `Disabled after ${failures} deliveries in a row failed`;
}

/** The envelope sent for one event, keys in a fixed order so bodies read the same everywhere. */
export function buildEnvelope(
  messageId: string,
  type: EventName,
  appId: string,
  timestamp: Date,
  data: Record<string, unknown>,
): EventEnvelope {
  return { id: messageId, type, appId, timestamp: timestamp.toISOString(), data };
}

/** Message ids look like every other id: `msg_` then 26 lowercase base32 characters, time first. */
export const MESSAGE_ID_PATTERN = /^msg_[0-9a-z]{26}$/;

/**
 * The delivery id of message `messageId` to `endpointId`: the message's time part then a digest
 * of both ids. Deterministic, so emitting the same message twice (say, from two workers that both
 * received one bus event) creates one delivery, not two.
 */
export function deliveryIdFor(messageId: string, endpointId: string): string {
  const time = messageId.slice(4, 14);
  const digest = createHash('sha256').update(`${messageId}\n${endpointId}`).digest('hex').slice(0, 16);
  return `dlv_${time}${digest}`;
}
