import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import type { HostResolver } from '../platform/http/outbound.ts';
import { systemResolver } from '../platform/http/outbound.undici.ts';
import { createApp } from '../tenants/tenants.fixtures.ts';
import { expectRefused, startReceiver } from './webhooks.fixtures.ts';

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'webhook targets when private addresses are not allowed, on %s',
  (_name, factory) => {
    let ctx: TestContext;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let owner: TestSession;
    let appId: string;
    // rebind.example.test answers a public address once (the check at registration), then loopback.
    let rebindAnswers = 0;
    const resolve: HostResolver = async (host) => {
      if (host !== 'rebind.example.test') return systemResolver(host);
      rebindAnswers++;
      return [{ address: rebindAnswers === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
    };

    beforeAll(async () => {
      ctx = await createTestContext(factory, {
        env: { WEBHOOKS_ALLOW_PRIVATE: 'false' },
        outboundResolve: resolve,
      });
      receiver = await startReceiver();
      owner = await signUp(ctx.app);
      appId = (await createApp(ctx.app, owner, 'Strict')).id;
    });
    afterAll(async () => {
      receiver?.server.closeAllConnections();
      await new Promise((resolve) => receiver?.server.close(resolve));
      await ctx?.close();
    });

    it('refuses loopback, private, link-local, CGNAT and mapped targets on create and update', async () => {
      const url = `/api/v1/apps/${appId}/webhooks`;
      const forbidden = [
        receiver.url('/hook'),
        'http://localhost/hook',
        'http://10.1.2.3/hook',
        'http://172.20.0.1/hook',
        'http://192.168.0.10/hook',
        'http://169.254.169.254/latest/meta-data/',
        'http://100.64.0.1/',
        'http://0.0.0.0/',
        'http://[::1]/',
        'http://[fd00::1]/',
        'http://[fe80::1]/',
        'http://[::ffff:127.0.0.1]/',
        'http://2130706433/',
        'http://224.0.0.1/',
        'http://192.0.2.1/hook',
        'http://198.51.100.7/hook',
        'http://203.0.113.7/hook',
        'http://[2001:db8::1]/hook',
        'http://[64:ff9b::7f00:1]/hook',
        'http://[2002:c0a8:101::1]/hook',
      ];
      for (const target of forbidden) {
        await expectRefused(
          ctx.platform.db,
          () =>
            ctx.app.inject({
              method: 'POST',
              url,
              headers: authHeaders(owner),
              payload: { url: target, events: ['*'] },
            }),
          400,
          'WEBHOOKS_TARGET_FORBIDDEN',
        );
      }
      const created = await ctx.app.inject({
        method: 'POST',
        url,
        headers: authHeaders(owner),
        payload: { url: 'https://93.184.216.34/hook', events: ['*'] },
      });
      expect(created.statusCode).toBe(201);
      const id = (created.json() as { endpoint: { id: string } }).endpoint.id;
      await expectRefused(
        ctx.platform.db,
        () =>
          ctx.app.inject({
            method: 'PATCH',
            url: `${url}/${id}`,
            headers: authHeaders(owner),
            payload: { url: 'http://192.168.1.1/' },
          }),
        400,
        'WEBHOOKS_TARGET_FORBIDDEN',
      );
    });

    it('checks the target again at delivery time and sends nothing to a private address', async () => {
      // As if the endpoint's host had been re-pointed at a private address after it was checked.
      const id = 'whe_0000000000rebindtarget0000';
      await ctx.platform.db
        .insertInto('webhook_endpoints')
        .values({
          id,
          app_id: appId,
          url: receiver.url('/rebound'),
          events: JSON.stringify(['*']),
          secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
          created_at: new Date(),
          updated_at: new Date(),
        })
        .execute();
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/apps/${appId}/webhooks/${id}/test`,
        headers: authHeaders(owner),
      });
      expect(res.statusCode).toBe(202);
      const deliveryId = (res.json() as { delivery: { id: string } }).delivery.id;
      await ctx.drainJobs();
      expect(receiver.got).toHaveLength(0);
      const row = await ctx.platform.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('id', '=', deliveryId)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null });
      expect(row.last_error).toMatch(/OUTBOUND_TARGET_PRIVATE/);
    });

    it('accepts a host that resolves to a public address, and refuses it at delivery once it resolves to loopback', async () => {
      const port = new URL(receiver.url('/')).port;
      const created = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/apps/${appId}/webhooks`,
        headers: authHeaders(owner),
        payload: { url: `http://rebind.example.test:${port}/rebound`, events: ['*'] },
      });
      expect(created.statusCode).toBe(201);
      const id = (created.json() as { endpoint: { id: string } }).endpoint.id;
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/apps/${appId}/webhooks/${id}/test`,
        headers: authHeaders(owner),
      });
      expect(res.statusCode).toBe(202);
      const deliveryId = (res.json() as { delivery: { id: string } }).delivery.id;
      await ctx.drainJobs();
      expect(rebindAnswers).toBe(2);
      expect(receiver.got).toHaveLength(0);
      const row = await ctx.platform.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('id', '=', deliveryId)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null });
      expect(row.last_error).toMatch(/OUTBOUND_TARGET_PRIVATE/);
    });
  },
);
