import { Type } from 'typebox';
import { IsoDate, iso, NullableIsoDate, PageQuery } from '../platform/http/schemas.ts';
import type { DeliverySummary, EndpointRow } from './webhooks.store.ts';
import { MAX_URL_LENGTH } from './webhooks.target.ts';

/** Longest endpoint description, characters. */
export const MAX_DESCRIPTION_LENGTH = 200;

const EventNameOrAll = Type.String({ minLength: 1, maxLength: 64 });
const Events = Type.Array(EventNameOrAll, { maxItems: 64 });
const Url = Type.String({ minLength: 1, maxLength: MAX_URL_LENGTH });
const Description = Type.String({ maxLength: MAX_DESCRIPTION_LENGTH });

/** A webhook endpoint as the API shows it (never with its secret). */
export const WebhookEndpoint = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: Type.String(),
  events: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  disabledReason: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoDate,
});

/** One message to one endpoint, across its retries. */
export const WebhookDelivery = Type.Object({
  id: Type.String(),
  endpointId: Type.String(),
  messageId: Type.String(),
  eventType: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  lastAttemptAt: NullableIsoDate,
  /** Earliest time of the next attempt; null once the delivery is finished. */
  nextAttemptAt: NullableIsoDate,
  createdAt: IsoDate,
});

/** Body of POST /apps/:appId/webhooks. */
export const CreateEndpointBody = Type.Object(
  { url: Url, events: Events, description: Type.Optional(Description) },
  { additionalProperties: false },
);

/** Body of PATCH /apps/:appId/webhooks/:id; omitted fields keep their value. */
export const UpdateEndpointBody = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    description: Type.Optional(Description),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** Query of the deliveries list. */
export const DeliveriesQuery = Type.Object(
  {
    ...PageQuery.properties,
    status: Type.Optional(
      Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
    ),
  },
  { additionalProperties: false },
);

/** The API shape of an endpoint row. */
export function toEndpoint(row: EndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events as unknown as string[],
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at.toISOString(),
  };
}

/** The API shape of a delivery row. */
export function toDelivery(row: DeliverySummary) {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    messageId: row.message_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    lastAttemptAt: iso(row.last_attempt_at),
    nextAttemptAt: iso(row.next_attempt_at),
    createdAt: row.created_at.toISOString(),
  };
}

/** An endpoint as the API returns it. */
export type WebhookEndpointView = ReturnType<typeof toEndpoint>;
/** A delivery as the API returns it. */
export type WebhookDeliveryView = ReturnType<typeof toDelivery>;
