import { defineErrors } from '../platform/errors.ts';

/** Errors of the webhooks capability. */
export const webhookErrors = defineErrors({
  WEBHOOKS_URL_INVALID: {
    status: 400,
    message: 'The endpoint URL must be an http(s) URL of at most 2048 characters without credentials',
  },
  WEBHOOKS_TARGET_FORBIDDEN: {
    status: 400,
    message: 'The endpoint URL points to a private, loopback or reserved address',
  },
  WEBHOOKS_EVENTS_INVALID: { status: 400, message: 'The events list is not valid' },
  WEBHOOKS_LIMIT: { status: 409, message: 'This app already has the most webhook endpoints allowed (20)' },
  WEBHOOKS_ENDPOINT_NOT_FOUND: { status: 404, message: 'No such webhook endpoint' },
  WEBHOOKS_DELIVERY_NOT_FOUND: { status: 404, message: 'No such delivery' },
  WEBHOOKS_ENDPOINT_DISABLED: { status: 409, message: 'The endpoint is disabled; enable it first' },
});
