import type { Session } from './types.ts';

/** HTTP methods the client sends; all but GET change state and therefore carry the CSRF token. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Value accepted in a query string; `undefined`, `null` and '' are left out. */
export type QueryValue = string | number | boolean | null | undefined;

/** Error code the client uses when the server could not be reached at all. */
export const NETWORK_ERROR = 'NETWORK_ERROR';

/** A failed API call: the server's stable `code` and human `message`, plus the HTTP status (0 = no response). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; message: string }[] = [],
    /** When throttled: seconds to wait before trying again. */
    readonly retryAfterS: number | null = null,
  ) {
    super(message);
  }
}

/** Whether requests with `method` change server state (and so need the CSRF header). */
export function isMutating(method: HttpMethod): boolean {
  return method !== 'GET';
}

/** Appends `params` to `path` as a query string, skipping empty values. */
export function withQuery(path: string, params: Record<string, QueryValue> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const query = search.toString();
  if (!query) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

/**
 * The fetch options for one call: cookies on same origin, JSON content type only when there is a body,
 * and the CSRF token on every mutating request once a session exists.
 */
export function buildRequest(method: HttpMethod, body: unknown, csrfToken: string | null): RequestInit {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (isMutating(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  return init;
}

/** Turns a non-2xx status and its raw body into an ApiError, tolerating bodies that are not `{ code, message }`. */
export function errorFromBody(status: number, statusText: string, rawBody: string): ApiError {
  try {
    const parsed: unknown = JSON.parse(rawBody);
    if (parsed && typeof parsed === 'object') {
      const { code, message, details, retryAfterS } = parsed as Record<string, unknown>;
      if (typeof code === 'string' && typeof message === 'string') {
        const retry = typeof retryAfterS === 'number' ? retryAfterS : null;
        return new ApiError(status, code, message, Array.isArray(details) ? details : [], retry);
      }
    }
  } catch {
    // Not JSON (a proxy error page, say): fall through to a generic error.
  }
  return new ApiError(status, `HTTP_${status}`, statusText || `Request failed with status ${status}`);
}

/** Options of an ApiClient; `baseUrl` is the server origin ('' = same origin as the page). */
export interface ApiClientOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
}

/**
 * JSON client for /api/v1 that remembers the session's CSRF token. A mutating request never leaves before
 * the session was checked once, so an action fired right after page load (an auto-submitted e-mail
 * verification, say) still carries the token of an existing cookie session.
 */
export class ApiClient {
  /** Sent as `x-csrf-token` on mutating requests; set from the session, cleared on logout. */
  csrfToken: string | null = null;
  private readonly prefix: string;
  private readonly fetchImpl: typeof fetch;
  /** Settles once the latest session check has; null until the first one started. */
  private sessionChecked: Promise<void> | null = null;

  constructor(options: ApiClientOptions = {}) {
    this.prefix = `${options.baseUrl ?? ''}/api/v1`;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** Asks GET /auth/session who is logged in, keeping its CSRF token; resolves null when logged out. */
  fetchSession(): Promise<Session | null> {
    const pending = this.request<Session | { user: null; csrfToken: null }>('GET', '/auth/session').then(
      (session) => {
        this.csrfToken = session.csrfToken;
        return session.user ? session : null;
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) {
          this.csrfToken = null;
          return null;
        }
        throw error;
      },
    );
    this.sessionChecked = pending.then(
      () => undefined,
      () => undefined,
    );
    return pending;
  }

  /** Records a session the server just handed out (login, sign-up) or its end (null). */
  setSession(session: Session | null): void {
    this.csrfToken = session?.csrfToken ?? null;
    this.sessionChecked = Promise.resolve();
  }

  /** GET `path` (relative to /api/v1) with optional query parameters. */
  get<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
    return this.request<T>('GET', withQuery(path, query));
  }

  /** POST `body` (omit it for an empty request). */
  post<T = void>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /** PATCH `body`. */
  patch<T = void>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  /** DELETE the resource at `path`. */
  delete<T = void>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** Sends one request; resolves with the parsed JSON body (undefined when empty) or rejects with ApiError. */
  async request<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
    if (isMutating(method)) {
      this.sessionChecked ??= this.fetchSession().then(
        () => undefined,
        () => undefined,
      );
      await this.sessionChecked;
    }
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.prefix}${path}`, buildRequest(method, body, this.csrfToken));
    } catch (cause) {
      throw new ApiError(0, NETWORK_ERROR, cause instanceof Error ? cause.message : 'Network error');
    }
    const text = await response.text();
    if (!response.ok) throw errorFromBody(response.status, response.statusText, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
