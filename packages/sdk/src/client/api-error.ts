/** One field-level problem the server reported (for validation errors). */
export interface PnptvErrorDetail {
  /** Where the problem is: the request part, then the field, dot-separated, e.g. `body.name` or `query.limit`. */
  path: string;
  message: string;
}

/**
 * A failed API call.
 *
 * `status` is the HTTP status; it is 0 when no HTTP response arrived, with `code`
 * `CLIENT_TIMEOUT` (no answer within `timeoutMs`) or `CLIENT_NETWORK_ERROR` (connection failed).
 * `code` is the server's stable error code, or `HTTP_<status>` when the body carried none
 * (a proxy error page, say), or `CLIENT_BAD_RESPONSE` when a success response was not JSON or
 * lacked the field that wraps its resource (`app` of `{ app }`).
 */
export class PnptvApiError extends Error {
  /** HTTP status, or 0 when the request never got a response. */
  readonly status: number;
  /** Stable machine-readable code, e.g. `TENANTS_APP_NOT_FOUND` or `HTTP_502`. */
  readonly code: string;
  /** Field-level problems, when the server sent any. */
  readonly details: PnptvErrorDetail[];

  constructor(
    status: number,
    code: string,
    message: string,
    details: PnptvErrorDetail[] = [],
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'PnptvApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** The error for a non-2xx response, from its `{ code, message, details? }` body when it has one. */
export function errorFromResponse(status: number, statusText: string, text: string): PnptvApiError {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') {
      const { code, message, details } = parsed as Record<string, unknown>;
      if (typeof code === 'string' && typeof message === 'string') {
        return new PnptvApiError(status, code, message, Array.isArray(details) ? details : []);
      }
    }
  } catch {
    // Not JSON: fall through to the generic error below.
  }
  return new PnptvApiError(status, `HTTP_${status}`, statusText || `Request failed with status ${status}`);
}
