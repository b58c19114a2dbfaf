import type { Actor, AuditStore } from '../audit/index.ts';
import { isOutboundError } from '../platform/http/outbound.errors.ts';
import type { OutboundTargetCheck } from '../platform/http/outbound.ts';
import { newId } from '../platform/ids.ts';
import type { Platform } from '../platform/platform.ts';
import { webhookErrors } from './webhooks.errors.ts';
import { checkEvents, MAX_ENDPOINTS_PER_APP } from './webhooks.rules.ts';
import { toEndpoint, type WebhookEndpointView } from './webhooks.schemas.ts';
import { generateSecret } from './webhooks.signing.ts';
import type { EndpointChanges, WebhookStore } from './webhooks.store.ts';
import { parseTargetUrl } from './webhooks.target.ts';

/** Input of a new endpoint. */
export interface NewEndpointInput {
  url: string;
  events: string[];
  description?: string;
}

/** Changes to an endpoint; omitted fields keep their value. */
export interface EndpointUpdateInput {
  url?: string;
  events?: string[];
  description?: string;
  enabled?: boolean;
}

/** Reason deliveries of a deleted endpoint are stopped with. */
const DELETED_REASON = 'The endpoint was deleted';

/** Use cases on an app's webhook endpoints. Every change is audited in its own transaction. */
export class EndpointManager {
  constructor(
    private readonly deps: {
      platform: Platform;
      audit: AuditStore;
      store: WebhookStore;
      http: OutboundTargetCheck;
    },
  ) {}

  /** The app's live endpoints, newest first. */
  async list(appId: string, query: { limit: number; cursor?: string }): Promise<WebhookEndpointView[]> {
    const rows = await this.deps.store.listEndpoints(this.deps.platform.db, appId, query.limit, query.cursor);
    return rows.map(toEndpoint);
  }

  async get(appId: string, id: string): Promise<WebhookEndpointView> {
    const row = await this.deps.store.findEndpoint(this.deps.platform.db, appId, id);
    if (!row) throw webhookErrors.WEBHOOKS_ENDPOINT_NOT_FOUND();
    return toEndpoint(row);
  }

  /** Registers an endpoint; the signing secret is returned this once. */
  async create(
    actor: Actor,
    appId: string,
    input: NewEndpointInput,
  ): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
    const events = validEvents(input.events);
    await this.checkTarget(input.url);
    const { platform, audit, store } = this.deps;
    const now = new Date(platform.clock.now());
    const secret = generateSecret();
    const row = await platform.db.transaction().execute(async (tx) => {
      await store.lockApp(tx, appId);
      if ((await store.countEndpoints(tx, appId)) >= MAX_ENDPOINTS_PER_APP)
        throw webhookErrors.WEBHOOKS_LIMIT();
      const created = await store.insertEndpoint(
        tx,
        {
          id: newId('whe', now.getTime()),
          appId,
          url: input.url,
          description: input.description ?? '',
          events,
          secret,
        },
        now,
      );
      await audit.record(
        tx,
        {
          appId,
          ...actor,
          action: 'webhook_endpoint.create',
          targetType: 'webhook_endpoint',
          targetId: created.id,
          data: { url: input.url, events },
        },
        now,
      );
      return created;
    });
    return { endpoint: toEndpoint(row), secret };
  }

  /** Changes url, events, description or enabled; enabling again clears the failure streak and reason. */
  async update(
    actor: Actor,
    appId: string,
    id: string,
    input: EndpointUpdateInput,
  ): Promise<WebhookEndpointView> {
    const changes: EndpointChanges = {};
    if (input.events !== undefined) changes.events = validEvents(input.events);
    if (input.url !== undefined) {
      await this.checkTarget(input.url);
      changes.url = input.url;
    }
    if (input.description !== undefined) changes.description = input.description;
    const { platform, audit, store } = this.deps;
    const now = new Date(platform.clock.now());
    const row = await platform.db.transaction().execute(async (tx) => {
      const current = await store.findEndpoint(tx, appId, id);
      if (!current) throw webhookErrors.WEBHOOKS_ENDPOINT_NOT_FOUND();
      if (input.enabled === true && !current.enabled) {
        Object.assign(changes, { enabled: true, disabled_reason: null, consecutive_failures: 0 });
      } else if (input.enabled === false && current.enabled) {
        Object.assign(changes, { enabled: false, disabled_reason: null });
      }
      const updated = await store.updateEndpoint(tx, appId, id, changes, now);
      if (!updated) throw webhookErrors.WEBHOOKS_ENDPOINT_NOT_FOUND();
      await audit.record(
        tx,
        {
          appId,
          ...actor,
          action: 'webhook_endpoint.update',
          targetType: 'webhook_endpoint',
          targetId: id,
          data: { changes: auditedChanges(changes) },
        },
        now,
      );
      return updated;
    });
    return toEndpoint(row);
  }

  /** Soft-deletes an endpoint and stops its pending deliveries. */
  async delete(actor: Actor, appId: string, id: string): Promise<void> {
    const { platform, audit, store } = this.deps;
    const now = new Date(platform.clock.now());
    await platform.db.transaction().execute(async (tx) => {
      if (!(await store.softDeleteEndpoint(tx, appId, id, now)))
        throw webhookErrors.WEBHOOKS_ENDPOINT_NOT_FOUND();
      const stopped = await store.abandonPendingOfEndpoint(tx, appId, id, DELETED_REASON);
      await audit.record(
        tx,
        {
          appId,
          ...actor,
          action: 'webhook_endpoint.delete',
          targetType: 'webhook_endpoint',
          targetId: id,
          data: { stoppedDeliveries: stopped },
        },
        now,
      );
    });
  }

  /** Replaces the signing secret at once; pending retries are signed with the new one. */
  async rotateSecret(actor: Actor, appId: string, id: string): Promise<string> {
    const { platform, audit, store } = this.deps;
    const now = new Date(platform.clock.now());
    const secret = generateSecret();
    await platform.db.transaction().execute(async (tx) => {
      if (!(await store.updateEndpoint(tx, appId, id, { secret }, now)))
        throw webhookErrors.WEBHOOKS_ENDPOINT_NOT_FOUND();
      await audit.record(
        tx,
        {
          appId,
          ...actor,
          action: 'webhook_endpoint.rotate_secret',
          targetType: 'webhook_endpoint',
          targetId: id,
        },
        now,
      );
    });
    return secret;
  }

  /**
   * Refuses URLs that are malformed or, unless private targets are allowed, resolve to an
   * address off limits. Delivery checks again at every connection, since DNS can change after this.
   */
  private async checkTarget(raw: string): Promise<void> {
    const parsed = parseTargetUrl(raw);
    if (!parsed.ok) throw webhookErrors.WEBHOOKS_URL_INVALID();
    try {
      await this.deps.http.checkTarget(parsed.url);
    } catch (error) {
      if (isOutboundError(error, 'OUTBOUND_TARGET_PRIVATE')) throw webhookErrors.WEBHOOKS_TARGET_FORBIDDEN();
      if (isOutboundError(error, 'OUTBOUND_TARGET_UNRESOLVED'))
        throw webhookErrors.WEBHOOKS_URL_INVALID(`The host ${parsed.url.hostname} does not resolve`);
      if (isOutboundError(error)) throw webhookErrors.WEBHOOKS_URL_INVALID();
      throw error;
    }
  }
}

function validEvents(events: string[]): string[] {
  const checked = checkEvents(events);
  if (!checked.ok) throw webhookErrors.WEBHOOKS_EVENTS_INVALID(checked.message);
  return checked.events;
}

/** What an update changed, for the audit log (the secret never goes there). */
function auditedChanges(changes: EndpointChanges): Record<string, unknown> {
  const { secret: _secret, ...rest } = changes;
  return rest;
}
