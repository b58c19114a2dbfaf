import { errorFromResponse, PnptvApiError } from './api-error.ts';

/** HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Query parameters; `undefined` values are left out. */
export type Query = Record<string, string | number | undefined>;

/** Options of one request. */
export interface RequestOptions {
  /** JSON body; omitted requests carry none (and no content-type). */
  body?: unknown;
  query?: Query;
  /**
   * Name of the one field a success body wraps its resource in (`app` for `{ app }`): the request
   * resolves with that field's value, and a body without it fails with `CLIENT_BAD_RESPONSE`.
   */
  unwrap?: string;
}

/** How the sub-clients reach the server: one JSON request at a time, errors as PnptvApiError. */
export interface Transport {
  /** Sends one request to `path` (below `/api/v1`); resolves with the parsed JSON body, or undefined when empty. */
  request<T>(method: HttpMethod, path: string, options?: RequestOptions): Promise<T>;
}

/** The query string of a list call: its cursor and page size, when given. */
export function pageQuery(options: { cursor?: string; limit?: number }): Query {
  return { cursor: options.cursor, limit: options.limit };
}

/** Settings of a FetchTransport, already defaulted. */
export interface FetchTransportSettings {
  baseUrl: string;
  authorization: string | undefined;
  fetch: typeof fetch;
  timeoutMs: number;
}

/**
 * Builds a path from a template, URL-encoding every substituted value as one path segment, so an
 * id can never reach another route. `.` and `..` are refused because URL parsers resolve them (even
 * percent-encoded) as relative segments.
 */
export function path(strings: TemplateStringsArray, ...segments: string[]): string {
  let out = strings[0] ?? '';
  segments.forEach((segment, i) => {
    if (typeof segment !== 'string' || segment === '' || segment === '.' || segment === '..') {
      throw new TypeError(`Invalid path segment: ${JSON.stringify(segment)}`);
    }
    out += encodeURIComponent(segment) + (strings[i + 1] ?? '');
  });
  return out;
}

/** Transport over `fetch`, with a per-request timeout and bearer authentication. */
export class FetchTransport implements Transport {
  private readonly prefix: string;

  constructor(private readonly settings: FetchTransportSettings) {
    this.prefix = `${settings.baseUrl.replace(/\/+$/, '')}/api/v1`;
  }

  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.settings.authorization) headers.authorization = this.settings.authorization;
    if (options.body !== undefined) headers['content-type'] = 'application/json';

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.settings.timeoutMs);
    try {
      let response: Response;
      let text: string;
      try {
        // The timeout covers the whole exchange, body included, so a server that stalls mid-body still fails.
        response = await this.settings.fetch(this.prefix + path + queryString(options.query), {
          method,
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: controller.signal,
        });
        text = await response.text();
      } catch (cause) {
        if (controller.signal.aborted) {
          throw new PnptvApiError(
            0,
            'CLIENT_TIMEOUT',
            `${method} ${path} got no answer within ${this.settings.timeoutMs} ms`,
            [],
            cause,
          );
        }
        const reason = cause instanceof Error ? cause.message : String(cause);
        throw new PnptvApiError(0, 'CLIENT_NETWORK_ERROR', `${method} ${path} failed: ${reason}`, [], cause);
      }
      if (!response.ok) throw errorFromResponse(response.status, response.statusText, text);
      const { unwrap } = options;
      if (text === '' && unwrap === undefined) return undefined as T;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (cause) {
        throw new PnptvApiError(
          response.status,
          'CLIENT_BAD_RESPONSE',
          `${method} ${path} did not return JSON`,
          [],
          cause,
        );
      }
      if (unwrap === undefined) return parsed as T;
      if (parsed === null || typeof parsed !== 'object' || !Object.hasOwn(parsed, unwrap)) {
        throw new PnptvApiError(
          response.status,
          'CLIENT_BAD_RESPONSE',
          `${method} ${path} returned no "${unwrap}" field`,
        );
      }
      return (parsed as Record<string, unknown>)[unwrap] as T;
    } finally {
      clearTimeout(timer);
    }
  }
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
