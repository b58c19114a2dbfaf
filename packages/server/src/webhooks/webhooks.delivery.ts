import type { EventEnvelope } from '@pnptv/protocol';
import { type AuditStore, SYSTEM_ACTOR } from '../audit/index.ts';
import type { Executor } from '../platform/db/schema.ts';
import type { OutboundHttp } from '../platform/http/outbound.ts';
import { backoffMs, type JobContext, type JobWorker, wakeWorkers } from '../platform/jobs/index.ts';
import { capLogger } from '../platform/log.ts';
import type { Platform } from '../platform/platform.ts';
import {
  autoDisableReason,
  DELIVERY_BACKOFF,
  DELIVERY_TIMEOUT_MS,
  isFinalAttempt,
  isSuccessStatus,
  shouldDisable,
} from './webhooks.rules.ts';
import { sendWebhook } from './webhooks.sender.ts';
import { signatureHeaders } from './webhooks.signing.ts';
import type { DeliveryRow, EndpointRow, WebhookStore } from './webhooks.store.ts';
import { parseTargetUrl } from './webhooks.target.ts';

/** Job kind that sends one delivery. */
export const DELIVER_JOB = 'webhook.deliver';

/** Payload of a `webhook.deliver` job. */
export interface DeliverJobPayload {
  deliveryId: string;
}

/** What the deliverer needs. */
export interface WebhookDelivererDeps {
  platform: Platform;
  audit: AuditStore;
  store: WebhookStore;
  /** The outbound client for webhook targets: it refuses private addresses at connect. */
  http: OutboundHttp;
  /** Per-attempt time limit, ms; default 10 s. */
  timeoutMs?: number;
}

interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/**
 * Runs `webhook.deliver` jobs: signs and POSTs one delivery, records the attempt, lets the job
 * queue retry failures with backoff, and switches an endpoint off after too many deliveries in a
 * row failed for good.
 */
export class WebhookDeliverer {
  constructor(private readonly deps: WebhookDelivererDeps) {}

  /** Registers the handler on `worker`. */
  register(worker: JobWorker): void {
    worker.register<DeliverJobPayload>(DELIVER_JOB, (job) => this.handle(job), { backoff: DELIVERY_BACKOFF });
  }

  /** Handles one job; throws to have it retried. */
  async handle(job: JobContext<DeliverJobPayload>): Promise<void> {
    const { platform, store } = this.deps;
    const db = platform.db;
    const delivery = await store.findDelivery(db, job.appId, job.payload.deliveryId);
    if (delivery?.status !== 'pending') return;
    const endpoint = await store.findEndpoint(db, job.appId, delivery.endpoint_id, { includeDeleted: true });
    if (!endpoint || endpoint.deleted_at) {
      await store.abandonDelivery(db, job.appId, delivery.id, 'The endpoint was deleted');
      return;
    }
    if (!endpoint.enabled) {
      await store.abandonDelivery(db, job.appId, delivery.id, 'The endpoint is disabled');
      return;
    }

    const started = performance.now();
    const outcome = await this.attempt(endpoint, delivery);
    platform.metrics.webhookDeliveryDuration.observe((performance.now() - started) / 1000);
    platform.metrics.webhookDeliveries.inc({ outcome: outcome.ok ? 'succeeded' : 'failed' });
    const now = new Date(platform.clock.now());
    if (outcome.ok) {
      await db.transaction().execute(async (tx) => {
        const recorded = await store.recordAttempt(
          tx,
          job.appId,
          delivery.id,
          { status: 'succeeded', statusCode: outcome.statusCode, error: null, nextAttemptAt: null },
          now,
        );
        if (recorded) await store.resetFailures(tx, job.appId, endpoint.id);
      });
      return;
    }

    const final = isFinalAttempt(job.attempt, job.maxAttempts);
    // The queue adds up to 20 % jitter to this delay, so this is the earliest time of the retry.
    const nextAttemptAt = final
      ? null
      : new Date(now.getTime() + backoffMs(job.attempt, { ...DELIVERY_BACKOFF, random: () => 0 }));
    const mailed = await db.transaction().execute(async (tx) => {
      const recorded = await store.recordAttempt(
        tx,
        job.appId,
        delivery.id,
        {
          status: final ? 'failed' : 'pending',
          statusCode: outcome.statusCode,
          error: outcome.error,
          nextAttemptAt,
        },
        now,
      );
      if (!recorded || !final) return false;
      return this.countFailedDelivery(tx, endpoint, now);
    });
    if (mailed) wakeWorkers(platform.bus);
    // A last failed attempt is finished business: the delivery row records it, so the job ends quietly.
    if (!final) throw new Error(outcome.error ?? 'Delivery failed');
  }

  /** One signed POST; never throws, every problem becomes a failed outcome. */
  private async attempt(endpoint: EndpointRow, delivery: DeliveryRow): Promise<AttemptOutcome> {
    const { platform } = this.deps;
    const parsed = parseTargetUrl(endpoint.url);
    if (!parsed.ok) return { ok: false, statusCode: null, error: 'The endpoint URL is not valid' };
    const payload = delivery.payload as unknown as EventEnvelope;
    const body = JSON.stringify({
      id: delivery.message_id,
      type: delivery.event_type,
      appId: delivery.app_id,
      timestamp: payload.timestamp,
      data: payload.data,
    });
    const timestamp = Math.floor(platform.clock.now() / 1000);
    try {
      const result = await sendWebhook(this.deps.http, {
        url: parsed.url,
        body,
        headers: {
          ...signatureHeaders(endpoint.secret, delivery.message_id, timestamp, body),
          'content-type': 'application/json',
          'user-agent': 'PNPtv-Webhooks/1',
        },
        timeoutMs: this.deps.timeoutMs ?? DELIVERY_TIMEOUT_MS,
      });
      if (isSuccessStatus(result.status)) return { ok: true, statusCode: result.status, error: null };
      return { ok: false, statusCode: result.status, error: `The endpoint answered HTTP ${result.status}` };
    } catch (error) {
      return { ok: false, statusCode: null, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * Adds a failed delivery to the endpoint's streak; at the limit, switches the endpoint off,
   * audits it as the system and mails the app owner. True when a mail was queued.
   */
  private async countFailedDelivery(tx: Executor, endpoint: EndpointRow, now: Date): Promise<boolean> {
    const { store, platform, audit } = this.deps;
    const streak = await store.addFailure(tx, endpoint.app_id, endpoint.id, now);
    if (!streak?.enabled || !shouldDisable(streak.failures)) return false;
    const reason = autoDisableReason(streak.failures);
    if (!(await store.disableEndpoint(tx, endpoint.app_id, endpoint.id, reason, now))) return false;
    await audit.record(
      tx,
      {
        appId: endpoint.app_id,
        ...SYSTEM_ACTOR,
        action: 'webhook_endpoint.disable',
        targetType: 'webhook_endpoint',
        targetId: endpoint.id,
        data: { reason, consecutiveFailures: streak.failures },
      },
      now,
    );
    capLogger(platform.log, 'webhooks').warn(
      { appId: endpoint.app_id, endpoint: endpoint.id },
      'webhook endpoint disabled after failed deliveries',
    );
    const to = await store.ownerEmail(tx, endpoint.app_id);
    if (!to) return false;
    await platform.mail.send(tx, {
      appId: endpoint.app_id,
      to,
      subject: 'A webhook endpoint was disabled',
      text: [
        `PNPtv stopped sending webhooks to ${endpoint.url} (endpoint ${endpoint.id}).`,
        `${reason}.`,
        '',
        'Fix the endpoint, then enable it again in the developer console or with',
        `PATCH /api/v1/apps/${endpoint.app_id}/webhooks/${endpoint.id} {"enabled": true}.`,
        '',
        platform.config.publicUrl,
      ].join('\n'),
    });
    return true;
  }
}
