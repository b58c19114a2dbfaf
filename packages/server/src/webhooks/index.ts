/** Outgoing webhooks: endpoints, signed deliveries with retries, and the event fan-out other capabilities call. */
export { DELIVER_JOB } from './webhooks.delivery.ts';
export { webhookErrors } from './webhooks.errors.ts';
export { webhookRoutes } from './webhooks.routes.ts';
export {
  type EmitOptions,
  type EmitResult,
  EVENTS_TOPIC,
  WebhookService,
  type WebhookServiceDeps,
} from './webhooks.service.ts';
export { generateSecret, sign, signatureHeaders } from './webhooks.signing.ts';
