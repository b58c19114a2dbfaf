/** Definition of one error: its HTTP status and the message users see. */
export interface ErrorSpec {
  status: number;
  message: string;
  /** Whether the error is worth an operator's attention when it happens (logged at error level). */
  reportable?: boolean;
}

/**
 * An error with a stable code from a capability's catalogue. Safe to show: its message
 * is written for users. Anything else thrown becomes a 500 with no details.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/**
 * An error that tells the client when to try again: answered with a `Retry-After` header and
 * `retryAfterS` in the body, both in whole seconds (at least 1).
 */
export class RetryAfterError extends AppError {
  readonly retryAfterS: number;
  constructor(base: AppError, retryAfterS: number) {
    super(base.code, base.status, base.message);
    this.retryAfterS = Math.max(1, Math.ceil(retryAfterS));
  }
}

/**
 * Declares a capability's error catalogue and returns a factory per code:
 * `const errors = defineErrors({ CHAT_TOO_LONG: { status: 400, message: 'Message is too long' } });
 *  throw errors.CHAT_TOO_LONG();`
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(
  specs: T,
): { [K in keyof T]: (message?: string) => AppError } & { readonly specs: T } {
  const out: Record<string, unknown> = { specs };
  for (const [code, spec] of Object.entries(specs)) {
    out[code] = (message?: string) => new AppError(code, spec.status, message ?? spec.message);
  }
  return out as { [K in keyof T]: (message?: string) => AppError } & { readonly specs: T };
}

/** Errors shared by every capability. */
export const commonErrors = defineErrors({
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid' },
  AUTH_REQUIRED: { status: 401, message: 'Sign in or send an API key or user token' },
  AUTH_INVALID_TOKEN: { status: 401, message: 'The credentials sent are not valid or have expired' },
  AUTH_FORBIDDEN: { status: 403, message: 'You are not allowed to do this' },
  AUTH_CSRF: { status: 403, message: 'Missing or wrong CSRF token' },
  AUTH_SCOPE_MISSING: { status: 403, message: 'The API key does not have the scope this needs' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send JSON with content-type application/json' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down' },
  CLIENT_CLOSED: { status: 499, message: 'Client closed the request' },
  INTERNAL: { status: 500, message: 'Internal Server Error', reportable: true },
  UNAVAILABLE: { status: 503, message: 'Service unavailable' },
});
