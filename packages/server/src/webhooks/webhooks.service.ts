import { type EventName, isEventName } from '@pnptv/protocol';
import type { Actor, AuditStore } from '../audit/index.ts';
import { EVENTS_TOPIC } from '../platform/bus/index.ts';
import type { Executor } from '../platform/db/schema.ts';
import type { GuardedOutboundHttp } from '../platform/http/outbound.ts';
import { newId } from '../platform/ids.ts';
import { type JobWorker, wakeWorkers } from '../platform/jobs/index.ts';
import { capLogger } from '../platform/log.ts';
import type { Platform } from '../platform/platform.ts';
import type { TenantService } from '../tenants/index.ts';
import { DELIVER_JOB, WebhookDeliverer } from './webhooks.delivery.ts';
import { EndpointManager } from './webhooks.endpoints.ts';
import { webhookErrors } from './webhooks.errors.ts';
import { buildEnvelope, DELIVERY_MAX_ATTEMPTS, deliveryIdFor, MESSAGE_ID_PATTERN } from './webhooks.rules.ts';
import { toDelivery, type WebhookDeliveryView } from './webhooks.schemas.ts';
import { type DeliveryStatus, WebhookStore } from './webhooks.store.ts';

export { EVENTS_TOPIC };

/** Options of `emit`. */
export interface EmitOptions {
  /**
   * The message id (`msg_…`) to use instead of a new one. Emitting the same message id twice
   * creates no second delivery to an endpoint, so a retried or duplicated emit is harmless.
   */
  messageId?: string;
}

/** What `emit` created. */
export interface EmitResult {
  messageId: string;
  /** Deliveries created by this call, one per subscribed endpoint (none if the message was emitted before). */
  deliveryIds: string[];
}

/** What the webhooks capability is built from. */
export interface WebhookServiceDeps {
  platform: Platform;
  audit: AuditStore;
  tenants: TenantService;
  /** Checks targets at registration and sends deliveries (private targets refused unless WEBHOOKS_ALLOW_PRIVATE). */
  http: GuardedOutboundHttp;
}

/**
 * Outgoing webhooks: endpoint management, event fan-out into deliveries (in the caller's
 * transaction), and signed delivery with retries through the job queue.
 */
export class WebhookService {
  readonly endpoints: EndpointManager;
  private readonly store = new WebhookStore();
  private readonly deliverer: WebhookDeliverer;
  private unsubscribe: (() => Promise<void>) | null = null;

  constructor(readonly deps: WebhookServiceDeps) {
    this.endpoints = new EndpointManager({ ...deps, store: this.store });
    this.deliverer = new WebhookDeliverer({
      platform: deps.platform,
      audit: deps.audit,
      store: this.store,
      http: deps.http,
    });
  }

  /**
   * Registers the delivery handler on `worker`; on a node running the worker role, also starts
   * listening for events on the bus.
   */
  registerWorker(worker: JobWorker): void {
    this.deliverer.register(worker);
    if (!this.deps.platform.config.roles.includes('worker')) return;
    this.start().catch((error: unknown) =>
      capLogger(this.deps.platform.log, 'webhooks').error({ err: error }, 'subscribing to events failed'),
    );
  }

  /** Subscribes to the `events` bus topic and emits every catalogue event published there. Idempotent. */
  async start(): Promise<void> {
    if (this.unsubscribe) return;
    // Claimed before the await so that two concurrent calls subscribe once.
    this.unsubscribe = () => Promise.resolve();
    try {
      this.unsubscribe = await this.deps.platform.bus.subscribe(EVENTS_TOPIC, (message) =>
        this.onBusEvent(message),
      );
    } catch (error) {
      this.unsubscribe = null;
      throw error;
    }
  }

  /** Stops listening to the bus. */
  async stop(): Promise<void> {
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = null;
    await unsubscribe?.();
  }

  /**
   * Fans event `type` of `appId` out to every enabled endpoint subscribed to it (or to `*`):
   * one delivery row and one `webhook.deliver` job each, inside `tx`, so nothing is sent
   * unless the caller's change commits. Call `wakeWorkers(platform.bus)` after committing.
   */
  async emit(
    tx: Executor,
    appId: string,
    type: EventName,
    data: Record<string, unknown>,
    options: EmitOptions = {},
  ): Promise<EmitResult> {
    const now = new Date(this.deps.platform.clock.now());
    const messageId = options.messageId ?? newId('msg', now.getTime());
    if (!MESSAGE_ID_PATTERN.test(messageId)) throw new TypeError(`Invalid webhook message id: ${messageId}`);
    const endpoints = await this.store.subscribedEndpoints(tx, appId, type);
    const deliveryIds: string[] = [];
    if (endpoints.length === 0) return { messageId, deliveryIds };
    const payload = buildEnvelope(messageId, type, appId, now, data) as unknown as Record<string, unknown>;
    for (const endpoint of endpoints) {
      const id = deliveryIdFor(messageId, endpoint.id);
      if (
        await this.createDelivery(
          tx,
          { id, appId, endpointId: endpoint.id, messageId, eventType: type, payload },
          now,
        )
      ) {
        deliveryIds.push(id);
      }
    }
    return { messageId, deliveryIds };
  }

  /** Queues a `webhook.test` event to one endpoint only. */
  async sendTest(actor: Actor, appId: string, endpointId: string): Promise<WebhookDeliveryView> {
    const { platform, audit } = this.deps;
    const now = new Date(platform.clock.now());
    const delivery = await platform.db.transaction().execute(async (tx) => {
      const endpoint = await this.store.findEndpoint(tx, appId, endpointId);
      if (!endpoint) throw webhookErrors.WEBHOOKS_ENDPOINT_NOT_FOUND();
      if (!endpoint.enabled) throw webhookErrors.WEBHOOKS_ENDPOINT_DISABLED();
      const messageId = newId('msg', now.getTime());
      const id = deliveryIdFor(messageId, endpoint.id);
      const data = { endpointId: endpoint.id, message: 'This is a test event sent from PNPtv.' };
      const payload = buildEnvelope(messageId, 'webhook.test', appId, now, data) as unknown as Record<
        string,
        unknown
      >;
      await this.createDelivery(
        tx,
        { id, appId, endpointId, messageId, eventType: 'webhook.test', payload },
        now,
      );
      await audit.record(
        tx,
        {
          appId,
          ...actor,
          action: 'webhook_endpoint.test',
          targetType: 'webhook_endpoint',
          targetId: endpointId,
          data: { deliveryId: id },
        },
        now,
      );
      return (await this.store.findDelivery(tx, appId, id))!;
    });
    wakeWorkers(platform.bus);
    return toDelivery(delivery);
  }

  /** Sends a delivery again as a new delivery with the same message id (receivers dedupe on it). */
  async replay(
    actor: Actor,
    appId: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<WebhookDeliveryView> {
    const { platform, audit } = this.deps;
    const now = new Date(platform.clock.now());
    const delivery = await platform.db.transaction().execute(async (tx) => {
      const endpoint = await this.store.findEndpoint(tx, appId, endpointId);
      if (!endpoint) throw webhookErrors.WEBHOOKS_ENDPOINT_NOT_FOUND();
      const original = await this.store.findDelivery(tx, appId, deliveryId, endpointId);
      if (!original) throw webhookErrors.WEBHOOKS_DELIVERY_NOT_FOUND();
      if (!endpoint.enabled) throw webhookErrors.WEBHOOKS_ENDPOINT_DISABLED();
      const id = newId('dlv', now.getTime());
      await this.createDelivery(
        tx,
        {
          id,
          appId,
          endpointId,
          messageId: original.message_id,
          eventType: original.event_type,
          payload: original.payload as unknown as Record<string, unknown>,
        },
        now,
      );
      await audit.record(
        tx,
        {
          appId,
          ...actor,
          action: 'webhook_delivery.replay',
          targetType: 'webhook_delivery',
          targetId: original.id,
          data: { deliveryId: id, endpointId },
        },
        now,
      );
      return (await this.store.findDelivery(tx, appId, id))!;
    });
    wakeWorkers(platform.bus);
    return toDelivery(delivery);
  }

  /** An endpoint's deliveries, newest first. */
  async listDeliveries(
    appId: string,
    endpointId: string,
    query: { status?: DeliveryStatus; limit: number; cursor?: string },
  ): Promise<WebhookDeliveryView[]> {
    const db = this.deps.platform.db;
    if (!(await this.store.findEndpoint(db, appId, endpointId)))
      throw webhookErrors.WEBHOOKS_ENDPOINT_NOT_FOUND();
    const rows = await this.store.listDeliveries(db, { appId, endpointId, ...query });
    return rows.map(toDelivery);
  }

  /** One delivery and the envelope it sends. */
  async getDelivery(
    appId: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<{ delivery: WebhookDeliveryView; payload: Record<string, unknown> }> {
    const db = this.deps.platform.db;
    if (!(await this.store.findEndpoint(db, appId, endpointId)))
      throw webhookErrors.WEBHOOKS_ENDPOINT_NOT_FOUND();
    const row = await this.store.findDelivery(db, appId, deliveryId, endpointId);
    if (!row) throw webhookErrors.WEBHOOKS_DELIVERY_NOT_FOUND();
    return { delivery: toDelivery(row), payload: row.payload as unknown as Record<string, unknown> };
  }

  private async createDelivery(
    tx: Executor,
    row: {
      id: string;
      appId: string;
      endpointId: string;
      messageId: string;
      eventType: string;
      payload: Record<string, unknown>;
    },
    now: Date,
  ): Promise<boolean> {
    if (!(await this.store.insertDelivery(tx, row, now))) return false;
    await this.deps.platform.jobs.enqueue(
      tx,
      {
        appId: row.appId,
        kind: DELIVER_JOB,
        payload: { deliveryId: row.id },
        maxAttempts: DELIVERY_MAX_ATTEMPTS,
        idempotencyKey: row.id,
      },
      now,
    );
    return true;
  }

  /** Emits an event handed over on the bus, in its own transaction; malformed messages are ignored. */
  private async onBusEvent(message: unknown): Promise<void> {
    if (typeof message !== 'object' || message === null) return;
    const { type, appId, data, id } = message as Record<string, unknown>;
    if (typeof type !== 'string' || !isEventName(type) || type === 'webhook.test') return;
    if (typeof appId !== 'string' || typeof data !== 'object' || data === null || Array.isArray(data)) return;
    const messageId = typeof id === 'string' && MESSAGE_ID_PATTERN.test(id) ? id : undefined;
    const { platform } = this.deps;
    const result = await platform.db
      .transaction()
      .execute((tx) => this.emit(tx, appId, type, data as Record<string, unknown>, { messageId }));
    if (result.deliveryIds.length > 0) wakeWorkers(platform.bus);
  }
}
