/**
 * Why a webhook was rejected:
 * - `WEBHOOK_MISSING_HEADERS`: `webhook-id`, `webhook-timestamp` or `webhook-signature` is absent or empty.
 * - `WEBHOOK_BAD_TIMESTAMP`: `webhook-timestamp` is not a whole number of unix seconds.
 * - `WEBHOOK_TIMESTAMP_OUT_OF_RANGE`: the timestamp is older, or further in the future, than the tolerance.
 * - `WEBHOOK_BAD_SIGNATURE`: no `v1` signature in the header matches the body and secret.
 * - `WEBHOOK_BAD_PAYLOAD`: the signature is valid but the body is not a JSON object.
 */
export type WebhookVerificationErrorCode =
  | 'WEBHOOK_MISSING_HEADERS'
  | 'WEBHOOK_BAD_TIMESTAMP'
  | 'WEBHOOK_TIMESTAMP_OUT_OF_RANGE'
  | 'WEBHOOK_BAD_SIGNATURE'
  | 'WEBHOOK_BAD_PAYLOAD';

/** Thrown by `verifyWebhook` when a request must not be trusted; answer it with a 4xx. */
export class WebhookVerificationError extends Error {
  /** Stable machine-readable reason. */
  readonly code: WebhookVerificationErrorCode;

  constructor(code: WebhookVerificationErrorCode, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.code = code;
  }
}
