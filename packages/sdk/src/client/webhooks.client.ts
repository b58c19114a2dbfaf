import { pageQuery, path, type Transport } from './http.ts';
import type {
  Delivery,
  DeliveryDetail,
  DeliveryStatus,
  ListOptions,
  Page,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  WebhookEventFilter,
  WebhookSecret,
} from './types.ts';

/** Input of `client.webhooks.create`. */
export interface WebhookEndpointInput {
  /** An http(s) URL of at most 2048 characters, without credentials. */
  url: string;
  /** Event names to receive, each once, or `['*']` for every event. */
  events: WebhookEventFilter[];
  /** Free text for your team, at most 200 characters. */
  description?: string;
}

/** Fields of an endpoint that can be changed; omitted fields keep their value. */
export interface WebhookEndpointUpdate {
  url?: string;
  events?: WebhookEventFilter[];
  description?: string;
  /** Set true to re-enable an endpoint that was disabled (this also resets its failure count). */
  enabled?: boolean;
}

/** Options of `client.webhooks.deliveries`. */
export interface DeliveryListOptions extends ListOptions {
  /** Only deliveries in this state. */
  status?: DeliveryStatus;
}

/**
 * An app's webhook endpoints and their deliveries: `client.webhooks`. Reads need the
 * `webhooks:read` scope, changes `webhooks:write`. A response that wraps one resource
 * (`{ endpoint }`, `{ delivery }`) resolves with that resource; one that carries a secret or an
 * envelope next to it resolves as the server sent it.
 */
export class WebhooksClient {
  constructor(private readonly http: Transport) {}

  /** The app's endpoints, newest first; pass `cursor` from the previous page to continue. */
  async list(appId: string, options: ListOptions = {}): Promise<Page<WebhookEndpoint>> {
    return this.http.request('GET', path`/apps/${appId}/webhooks`, { query: pageQuery(options) });
  }

  /**
   * Registers an endpoint; resolves with the server's `{ endpoint, secret }` as sent, and the
   * signing secret (`whsec_…`) is shown this once.
   */
  async create(appId: string, input: WebhookEndpointInput): Promise<WebhookEndpointWithSecret> {
    return this.http.request('POST', path`/apps/${appId}/webhooks`, { body: input });
  }

  /** One endpoint; unwraps the server's `{ endpoint }` response. */
  async get(appId: string, endpointId: string): Promise<WebhookEndpoint> {
    return this.http.request('GET', path`/apps/${appId}/webhooks/${endpointId}`, { unwrap: 'endpoint' });
  }

  /** Changes an endpoint's url, events, description or enabled flag; unwraps the server's `{ endpoint }` response. */
  async update(appId: string, endpointId: string, input: WebhookEndpointUpdate): Promise<WebhookEndpoint> {
    return this.http.request('PATCH', path`/apps/${appId}/webhooks/${endpointId}`, {
      body: input,
      unwrap: 'endpoint',
    });
  }

  /** Removes an endpoint; its pending deliveries stop. */
  async delete(appId: string, endpointId: string): Promise<void> {
    return this.http.request('DELETE', path`/apps/${appId}/webhooks/${endpointId}`);
  }

  /**
   * Replaces the endpoint's signing secret; resolves with the server's `{ secret }` as sent, shown
   * this once. Every attempt from then on, retries of older deliveries included, is signed with the
   * new secret only.
   */
  async rotateSecret(appId: string, endpointId: string): Promise<WebhookSecret> {
    return this.http.request('POST', path`/apps/${appId}/webhooks/${endpointId}/rotate-secret`);
  }

  /**
   * Queues a `webhook.test` delivery to this endpoint only and returns it, still `pending`;
   * unwraps the server's `{ delivery }` response. Refused with `WEBHOOKS_ENDPOINT_DISABLED` (409)
   * while the endpoint is disabled.
   */
  async test(appId: string, endpointId: string): Promise<Delivery> {
    return this.http.request('POST', path`/apps/${appId}/webhooks/${endpointId}/test`, {
      unwrap: 'delivery',
    });
  }

  /** The endpoint's deliveries, newest first, optionally of one `status`; pass `cursor` to continue. */
  async deliveries(
    appId: string,
    endpointId: string,
    options: DeliveryListOptions = {},
  ): Promise<Page<Delivery>> {
    return this.http.request('GET', path`/apps/${appId}/webhooks/${endpointId}/deliveries`, {
      query: { ...pageQuery(options), status: options.status },
    });
  }

  /**
   * One delivery and the event envelope its attempts send (the request body, before signing);
   * resolves with the server's `{ delivery, payload }` as sent.
   */
  async delivery(appId: string, endpointId: string, deliveryId: string): Promise<DeliveryDetail> {
    return this.http.request('GET', path`/apps/${appId}/webhooks/${endpointId}/deliveries/${deliveryId}`);
  }

  /**
   * Sends a delivery again as a new, `pending` delivery with the same message id (so receivers that
   * dedupe on `webhook-id` see a repeat); unwraps the server's `{ delivery }` response. Refused with
   * `WEBHOOKS_ENDPOINT_DISABLED` (409) while the endpoint is disabled.
   */
  async replay(appId: string, endpointId: string, deliveryId: string): Promise<Delivery> {
    return this.http.request(
      'POST',
      path`/apps/${appId}/webhooks/${endpointId}/deliveries/${deliveryId}/replay`,
      { unwrap: 'delivery' },
    );
  }
}
