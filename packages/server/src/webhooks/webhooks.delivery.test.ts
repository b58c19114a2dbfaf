import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventName } from '@pnptv/protocol';
import { verifyWebhook } from '@pnptv/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestDatabaseFactory, testDatabases } from '../../test/databases.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';
import { newId } from '../platform/ids.ts';
import { JobWorker } from '../platform/jobs/index.ts';
import { capLogger } from '../platform/log.ts';
import { WebhookDeliverer } from './webhooks.delivery.ts';
import { DELIVERY_MAX_ATTEMPTS } from './webhooks.rules.ts';
import { EVENTS_TOPIC } from './webhooks.service.ts';
import { WebhookStore } from './webhooks.store.ts';

/** A request the local receiver got. */
interface Received {
  path: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A real HTTP receiver on 127.0.0.1 whose answers the test scripts per path (default 200). */
class Receiver {
  readonly received: Received[] = [];
  readonly scripts = new Map<string, (number | 'hang')[]>();
  private server!: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.received.push({ path, body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        const script = this.scripts.get(path);
        const answer = script && script.length > 1 ? script.shift()! : (script?.[0] ?? 200);
        if (answer === 'hang') return;
        res.writeHead(answer, { 'content-type': 'text/plain' }).end('thanks');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  to(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe.each(testDatabases().map((f) => [f.name, f] as [string, TestDatabaseFactory]))(
  'webhook delivery on %s',
  (_name, factory) => {
    let ctx: TestContext;
    let now = Date.parse('2026-02-01T10:00:00Z');
    const clock = { now: () => now };
    const receiver = new Receiver();
    const appId = 'app_deliverytest';
    const ownerEmail = 'owner-delivery@example.com';

    beforeAll(async () => {
      ctx = await createTestContext(factory, { clock });
      await receiver.start();
      const db = ctx.platform.db;
      const ownerId = newId('usr');
      await db
        .insertInto('users')
        .values({
          id: ownerId,
          app_id: 'app_site',
          email: ownerEmail,
          email_normalized: ownerEmail,
          display_name: 'Owner',
          created_at: new Date(now),
          updated_at: new Date(now),
        })
        .execute();
      await db.insertInto('apps').values({ id: appId, name: 'Delivery test', owner_id: ownerId }).execute();
      await db.insertInto('apps').values({ id: 'app_othertenant', name: 'Other' }).execute();
    });
    afterAll(async () => {
      await receiver.stop();
      await ctx.close();
    });
    beforeEach(async () => {
      // Each test starts from no live endpoints and no queued work, so deliveries never cross tests.
      await ctx.platform.db
        .updateTable('webhook_endpoints')
        .set({ deleted_at: new Date(now) })
        .where('deleted_at', 'is', null)
        .execute();
      await ctx.drainJobs();
      receiver.received.length = 0;
    });

    const webhooks = () => ctx.services.webhooks;
    const actor = { ...SYSTEM_ACTOR };

    async function endpoint(path: string, events: string[] = ['*'], app = appId) {
      return webhooks().endpoints.create(actor, app, { url: receiver.url(path), events });
    }

    async function emit(type: EventName, data: Record<string, unknown>, app = appId) {
      return ctx.platform.db.transaction().execute((tx) => webhooks().emit(tx, app, type, data));
    }

    function delivery(id: string) {
      return ctx.platform.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    }

    function endpointRow(id: string) {
      return ctx.platform.db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    }

    it('delivers a signed envelope to each subscribed endpoint of the app only', async () => {
      const live = await endpoint('/live', ['stream.live']);
      const chat = await endpoint('/chat', ['chat.message.new']);
      const other = await endpoint('/other-app', ['*'], 'app_othertenant');
      const emitted = await emit('stream.live', { streamId: 'str_1', title: 'Olá' });
      expect(emitted.deliveryIds).toHaveLength(1);
      const before =
        (await ctx.platform.metrics.webhookDeliveries.get()).values.find(
          (v) => v.labels.outcome === 'succeeded',
        )?.value ?? 0;

      await ctx.drainJobs();

      expect(receiver.to('/chat')).toHaveLength(0);
      expect(receiver.to('/other-app')).toHaveLength(0);
      const [request] = receiver.to('/live');
      expect(request).toBeDefined();
      expect(request!.headers['content-type']).toBe('application/json');
      expect(request!.headers['user-agent']).toBe('PNPtv-Webhooks/1');
      expect(request!.headers['webhook-id']).toBe(emitted.messageId);
      expect(request!.headers['webhook-timestamp']).toBe(String(Math.floor(now / 1000)));
      const event = await verifyWebhook(request!.body, request!.headers, live.secret, { now: clock.now });
      expect(event).toEqual({
        id: emitted.messageId,
        type: 'stream.live',
        appId,
        timestamp: new Date(now).toISOString(),
        data: { streamId: 'str_1', title: 'Olá' },
      });
      await expect(
        verifyWebhook(request!.body, request!.headers, chat.secret, { now: clock.now }),
      ).rejects.toThrow();

      const row = await delivery(emitted.deliveryIds[0]!);
      expect(row).toMatchObject({
        status: 'succeeded',
        attempts: 1,
        last_status_code: 200,
        last_error: null,
        next_attempt_at: null,
        endpoint_id: live.endpoint.id,
      });
      const after =
        (await ctx.platform.metrics.webhookDeliveries.get()).values.find(
          (v) => v.labels.outcome === 'succeeded',
        )?.value ?? 0;
      expect(after).toBe(before + 1);
      expect(other.endpoint.id).toBeTruthy();
    });

    it('retries a 500 after the backoff with the same message id and a fresh timestamp', async () => {
      const ep = await endpoint('/flaky');
      receiver.scripts.set('/flaky', [500, 200]);
      const { deliveryIds, messageId } = await emit('gift.sent', { amount: 5 });
      await ctx.drainJobs();

      let row = await delivery(deliveryIds[0]!);
      expect(row).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500 });
      expect(row.last_error).toMatch(/500/);
      expect(row.next_attempt_at?.getTime()).toBe(now + 5_000);

      await ctx.drainJobs();
      expect(receiver.to('/flaky')).toHaveLength(1);

      now += 7_000;
      await ctx.drainJobs();
      const attempts = receiver.to('/flaky');
      expect(attempts).toHaveLength(2);
      expect(attempts.map((a) => a.headers['webhook-id'])).toEqual([messageId, messageId]);
      expect(
        Number(attempts[1]!.headers['webhook-timestamp']) - Number(attempts[0]!.headers['webhook-timestamp']),
      ).toBe(7);
      expect(attempts[1]!.body).toBe(attempts[0]!.body);
      await verifyWebhook(attempts[1]!.body, attempts[1]!.headers, ep.secret, { now: clock.now });
      row = await delivery(deliveryIds[0]!);
      expect(row).toMatchObject({
        status: 'succeeded',
        attempts: 2,
        last_status_code: 200,
        last_error: null,
        next_attempt_at: null,
      });
    });

    it('records a timeout as a failed attempt to retry', async () => {
      const { platform } = ctx;
      const worker = new JobWorker({
        db: platform.db,
        store: platform.jobs,
        clock,
        log: capLogger(platform.log, 'jobs'),
        metrics: platform.metrics,
        bus: platform.bus,
        workerId: 'timeout-test',
        pollMs: 1000,
      });
      new WebhookDeliverer({
        platform,
        audit: ctx.services.audit,
        store: new WebhookStore(),
        http: platform.outbound.webhooks,
        timeoutMs: 300,
      }).register(worker);
      await endpoint('/slow');
      receiver.scripts.set('/slow', ['hang']);
      const { deliveryIds } = await emit('stream.offline', {});
      const started = Date.now();
      await worker.drain();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(receiver.to('/slow')).toHaveLength(1);
      const row = await delivery(deliveryIds[0]!);
      expect(row).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null });
      expect(row.last_error).toMatch(/OUTBOUND_TIMEOUT/);
      const job = await platform.db
        .selectFrom('jobs')
        .selectAll()
        .where('idempotency_key', '=', deliveryIds[0]!)
        .executeTakeFirstOrThrow();
      expect(job.status).toBe('queued');
      expect(job.run_at.getTime()).toBeGreaterThan(now);
      await platform.db.deleteFrom('jobs').where('id', '=', job.id).execute();
    });

    async function runUntilSettled(ids: string[]): Promise<void> {
      for (let round = 0; round <= DELIVERY_MAX_ATTEMPTS; round++) {
        await ctx.drainJobs();
        const pending = await ctx.platform.db
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('id', 'in', ids)
          .where('status', '=', 'pending')
          .execute();
        if (pending.length === 0) return;
        now += 7 * 3_600_000;
      }
      throw new Error('deliveries never settled');
    }

    it('fails a delivery after its last attempt and disables the endpoint after ten failed deliveries in a row', async () => {
      const ep = await endpoint('/down', ['viewer.joined']);
      receiver.scripts.set('/down', [503]);
      const first: string[] = [];
      for (let i = 0; i < 9; i++) first.push(...(await emit('viewer.joined', { i })).deliveryIds);
      await runUntilSettled(first);

      for (const id of first)
        expect(await delivery(id)).toMatchObject({
          status: 'failed',
          attempts: DELIVERY_MAX_ATTEMPTS,
          last_status_code: 503,
          next_attempt_at: null,
        });
      expect(receiver.to('/down')).toHaveLength(9 * DELIVERY_MAX_ATTEMPTS);
      expect(await endpointRow(ep.endpoint.id)).toMatchObject({ enabled: true, consecutive_failures: 9 });
      const jobs = await ctx.platform.db
        .selectFrom('jobs')
        .select('status')
        .where('idempotency_key', 'in', first)
        .execute();
      expect(jobs.every((j) => j.status === 'done')).toBe(true);

      const last = (await emit('viewer.joined', { i: 9 })).deliveryIds;
      await runUntilSettled(last);
      const row = await endpointRow(ep.endpoint.id);
      expect(row).toMatchObject({ enabled: false, consecutive_failures: 10 });
      expect(row.disabled_reason).toMatch(/10 deliveries/);

      const audit = await ctx.platform.db
        .selectFrom('audit_log')
        .selectAll()
        .where('target_id', '=', ep.endpoint.id)
        .where('action', '=', 'webhook_endpoint.disable')
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_type: 'system', actor_id: null, app_id: appId });
      await ctx.drainJobs();
      const mails = await ctx.platform.db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('to_address', '=', ownerEmail)
        .execute();
      expect(mails).toHaveLength(1);
      expect(mails[0]!.text_body).toContain(ep.endpoint.id);

      expect((await emit('viewer.joined', { i: 10 })).deliveryIds).toEqual([]);
    });

    it('resets the failure streak on a success', async () => {
      const ep = await endpoint('/recovering');
      await ctx.platform.db
        .updateTable('webhook_endpoints')
        .set({ consecutive_failures: 9 })
        .where('id', '=', ep.endpoint.id)
        .execute();
      await emit('user.created', { userId: 'usr_1' });
      await ctx.drainJobs();
      expect(await endpointRow(ep.endpoint.id)).toMatchObject({ enabled: true, consecutive_failures: 0 });
    });

    it('replays a delivery as a new delivery carrying the same message id and body', async () => {
      const ep = await endpoint('/replay');
      const { deliveryIds, messageId } = await emit('recording.ready', { assetId: 'ast_1' });
      await ctx.drainJobs();
      now += 60_000;
      const replayed = await webhooks().replay(actor, appId, ep.endpoint.id, deliveryIds[0]!);
      expect(replayed.id).not.toBe(deliveryIds[0]);
      expect(replayed).toMatchObject({
        messageId,
        status: 'pending',
        attempts: 0,
        eventType: 'recording.ready',
      });
      await ctx.drainJobs();
      const [original, again] = receiver.to('/replay');
      expect(again!.headers['webhook-id']).toBe(messageId);
      expect(again!.body).toBe(original!.body);
      expect(Number(again!.headers['webhook-timestamp'])).toBe(Math.floor(now / 1000));
      await verifyWebhook(again!.body, again!.headers, ep.secret, { now: clock.now });
      expect(await delivery(replayed.id)).toMatchObject({ status: 'succeeded', message_id: messageId });
    });

    it('stops pending deliveries when their endpoint is deleted or disabled', async () => {
      const gone = await endpoint('/gone');
      const off = await endpoint('/off');
      const { deliveryIds } = await emit('chat.message.deleted', { messageId: 'chm_1' });
      await webhooks().endpoints.delete(actor, appId, gone.endpoint.id);
      await webhooks().endpoints.update(actor, appId, off.endpoint.id, { enabled: false });
      await ctx.drainJobs();
      expect(receiver.to('/gone')).toHaveLength(0);
      expect(receiver.to('/off')).toHaveLength(0);
      const rows = await ctx.platform.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('id', 'in', deliveryIds)
        .execute();
      const byEndpoint = Object.fromEntries(rows.map((r) => [r.endpoint_id, r]));
      expect(byEndpoint[gone.endpoint.id]).toMatchObject({
        status: 'failed',
        attempts: 0,
        last_error: 'The endpoint was deleted',
      });
      expect(byEndpoint[off.endpoint.id]).toMatchObject({
        status: 'failed',
        attempts: 0,
        last_error: 'The endpoint is disabled',
      });
    });

    it('emits events handed over on the bus, once per message id', async () => {
      const ep = await endpoint('/bus', ['reaction.sent']);
      const id = newId('msg', now);
      const message = { id, type: 'reaction.sent', appId, data: { count: 3 } };
      await ctx.platform.bus.publish(EVENTS_TOPIC, message);
      await ctx.platform.bus.publish(EVENTS_TOPIC, message);
      await ctx.platform.bus.publish(EVENTS_TOPIC, { type: 'not.an.event', appId, data: {} });
      const deadline = Date.now() + 5_000;
      let rows: { id: string }[] = [];
      while (Date.now() < deadline) {
        rows = await ctx.platform.db
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('endpoint_id', '=', ep.endpoint.id)
          .execute();
        if (rows.length > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, 100));
      await ctx.drainJobs();
      const got = receiver.to('/bus');
      expect(got).toHaveLength(1);
      expect(got[0]!.headers['webhook-id']).toBe(id);
      expect(JSON.parse(got[0]!.body)).toMatchObject({ type: 'reaction.sent', data: { count: 3 } });
    });

    it('creates nothing when the caller’s transaction rolls back', async () => {
      await endpoint('/rollback');
      await ctx.platform.db
        .transaction()
        .execute(async (tx) => {
          await webhooks().emit(tx, appId, 'user.banned', { userId: 'usr_x' });
          throw new Error('abort');
        })
        .catch(() => {});
      await ctx.drainJobs();
      expect(receiver.to('/rollback')).toHaveLength(0);
    });
  },
);
