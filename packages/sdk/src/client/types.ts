import type { EventEnvelope, EventName } from '@pnptv/protocol';

/** Shapes of the JSON the PNPtv REST API returns under /api/v1. Times are ISO-8601 strings. */

/** One page of a cursor-paginated list; pass `nextCursor` back to get the next page (null: last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Paging options of every list call. */
export interface ListOptions {
  /** `nextCursor` of the previous page; omit for the first page. */
  cursor?: string;
  /** Items per page, 1–100; the server's default is 50. */
  limit?: number;
}

/** Role of a team member inside one app. */
export type AppRole = 'owner' | 'admin' | 'editor' | 'viewer';

/** A tenant app. */
export interface App {
  id: string;
  name: string;
  /** The owning user; null for an app no user owns (the instance's own site app). */
  ownerId: string | null;
  /** The caller's own team role; always null when the caller is an API key. */
  role: AppRole | null;
  createdAt: string;
}

/** One entry of an app's audit log. */
export interface AuditEntry {
  id: string;
  appId: string;
  /** The user or key that acted; null for the system. */
  actorId: string | null;
  /** What kind of actor it was, e.g. `user`, `api_key` or `system`. */
  actorType: string;
  /** What happened, e.g. `api_key.create` or `webhook_endpoint.update`. */
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** The caller's IP address, when the action came from a request. */
  ip: string | null;
  /** Action-specific facts; never secrets. */
  data: Record<string, unknown>;
  createdAt: string;
}

/** One API key scope of the server's closed list, as `client.scopes.list()` returns it. */
export interface ApiKeyScope {
  /** The scope name to pass to `keys.create`, e.g. `webhooks:write`. */
  name: string;
  description: string;
}

/** A server-to-server credential of an app. Its secret is only returned once, on create or rotate. */
export interface ApiKey {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** An API key together with its secret, as returned by create and rotate. */
export interface ApiKeyWithSecret {
  key: ApiKey;
  /** The only time the secret is shown: store it now. */
  secret: string;
}

/** What an endpoint subscribes to: event names, or `'*'` alone for every event. */
export type WebhookEventFilter = EventName | '*';

/** A URL that receives signed event deliveries. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  /** Event names the endpoint subscribes to, or `['*']` for all of them. */
  events: WebhookEventFilter[];
  /** False once the endpoint was switched off by hand or after repeated failed deliveries. */
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
}

/** A new endpoint and its signing secret (`whsec_…`), which is only returned on create. */
export interface WebhookEndpointWithSecret {
  endpoint: WebhookEndpoint;
  secret: string;
}

/** An endpoint's new signing secret (`whsec_…`), returned only by `webhooks.rotateSecret`. */
export interface WebhookSecret {
  secret: string;
}

/** State of one message to one endpoint, across its retries. */
export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One message sent (or being retried) to a webhook endpoint. */
export interface Delivery {
  id: string;
  endpointId: string;
  /** The `webhook-id` header value; the same on every retry and replay, so receivers can dedupe on it. */
  messageId: string;
  eventType: EventName;
  status: DeliveryStatus;
  /** Attempts made so far (at most 10). */
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  /** Earliest time of the next attempt; null once the delivery succeeded or failed for good. */
  nextAttemptAt: string | null;
  createdAt: string;
}

/** One delivery with the event envelope it sends (the JSON body of every attempt). */
export interface DeliveryDetail {
  delivery: Delivery;
  payload: EventEnvelope;
}

/** A user token minted for one of the app's users. */
export interface UserToken {
  /** JWT to hand to the user's client; send it as `Authorization: Bearer <token>`. */
  token: string;
  /** ISO-8601 expiry time. */
  expiresAt: string;
}

/** One entry of the event catalogue. */
export interface EventType {
  name: EventName;
  description: string;
}
