import { AppsClient } from './apps.client.ts';
import { EventsClient } from './events.client.ts';
import { FetchTransport, type Transport } from './http.ts';
import { KeysClient } from './keys.client.ts';
import { ScopesClient } from './scopes.client.ts';
import { TokensClient } from './tokens.client.ts';
import { WebhooksClient } from './webhooks.client.ts';

/** Options of a PnptvClient. Give at most one credential: `apiKey` or `token`. */
export interface PnptvClientOptions {
  /** Origin of the PNPtv server, e.g. `https://live.example.com` (a path prefix is kept; `/api/v1` is appended). */
  baseUrl: string;
  /** Server-to-server API key secret, sent as `Authorization: Bearer <apiKey>`. Keep it on your backend. */
  apiKey?: string;
  /** A user token (JWT, see `client.tokens.create`), sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Fetch implementation to use. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Milliseconds one request (response body included) may take before it fails with `CLIENT_TIMEOUT`. Default 10 000. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Typed client of the PNPtv REST API. Every method rejects with a `PnptvApiError` on failure.
 * A response that wraps one resource (`{ app }`, `{ endpoint }`, `{ delivery }`) resolves with
 * that resource; lists (`{ items, nextCursor }`) and responses carrying a secret, a token or an
 * envelope next to the resource resolve as the server sent them.
 *
 * @example
 * const pnptv = new PnptvClient({ baseUrl: 'https://live.example.com', apiKey: process.env.PNPTV_API_KEY });
 * const { endpoint, secret } = await pnptv.webhooks.create('app_123', {
 *   url: 'https://example.com/pnptv-webhook',
 *   events: ['stream.live', 'stream.offline'],
 * });
 */
export class PnptvClient {
  /** Apps the caller can see. */
  readonly apps: AppsClient;
  /** An app's API keys. */
  readonly keys: KeysClient;
  /** An app's webhook endpoints and deliveries. */
  readonly webhooks: WebhooksClient;
  /** User tokens minted for an app's users. */
  readonly tokens: TokensClient;
  /** The event catalogue. */
  readonly events: EventsClient;
  /** The API key scope catalogue. */
  readonly scopes: ScopesClient;

  constructor(options: PnptvClientOptions) {
    if (!options.baseUrl) throw new TypeError('PnptvClient needs a baseUrl');
    if (options.apiKey && options.token) {
      throw new TypeError('PnptvClient takes either apiKey or token, not both');
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(timeoutMs > 0)) throw new TypeError('timeoutMs must be a positive number of milliseconds');
    const credential = options.apiKey || options.token;
    const fetchImpl = options.fetch ?? globalThis.fetch;
    const http: Transport = new FetchTransport({
      baseUrl: options.baseUrl,
      authorization: credential ? `Bearer ${credential}` : undefined,
      // Called unbound: browsers throw "Illegal invocation" when fetch runs with another `this`.
      fetch: (input, init) => fetchImpl(input, init),
      timeoutMs,
    });
    this.apps = new AppsClient(http);
    this.keys = new KeysClient(http);
    this.webhooks = new WebhooksClient(http);
    this.tokens = new TokensClient(http);
    this.events = new EventsClient(http);
    this.scopes = new ScopesClient(http);
  }
}
