/** Public surface of @pnptv/sdk: the REST client and webhook verification. */

export type { EventEnvelope, EventName } from '@pnptv/protocol';
export { EVENT_NAMES } from '@pnptv/protocol';
export { PnptvApiError, type PnptvErrorDetail } from './client/api-error.ts';
export { AppsClient } from './client/apps.client.ts';
export { EventsClient } from './client/events.client.ts';
export { KeysClient } from './client/keys.client.ts';
export { PnptvClient, type PnptvClientOptions } from './client/pnptv-client.ts';
export { ScopesClient } from './client/scopes.client.ts';
export { type CreateUserTokenInput, TokensClient } from './client/tokens.client.ts';
export type {
  ApiKey,
  ApiKeyScope,
  ApiKeyWithSecret,
  App,
  AppRole,
  AuditEntry,
  Delivery,
  DeliveryDetail,
  DeliveryStatus,
  EventType,
  ListOptions,
  Page,
  UserToken,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  WebhookEventFilter,
  WebhookSecret,
} from './client/types.ts';
export {
  type DeliveryListOptions,
  type WebhookEndpointInput,
  type WebhookEndpointUpdate,
  WebhooksClient,
} from './client/webhooks.client.ts';
export {
  type ChannelEventData,
  RealtimeClient,
  type RealtimeClientOptions,
  RealtimeError,
} from './realtime/realtime.client.ts';
export {
  signWebhook,
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookHeaders,
} from './webhooks/verify-webhook.ts';
export {
  WebhookVerificationError,
  type WebhookVerificationErrorCode,
} from './webhooks/webhook-verification.error.ts';
