import type { FastifyInstance } from 'fastify';
import { RealtimeGateway, type RealtimeGatewayDeps } from './chat.gateway.ts';

/**
 * Serves the realtime gateway on the Fastify app's HTTP server and ties its life to the app:
 * `app.close()` disconnects every client and closes the adapter before the server stops.
 */
export async function attachRealtime(
  app: FastifyInstance,
  deps: RealtimeGatewayDeps,
): Promise<RealtimeGateway> {
  const gateway = await RealtimeGateway.create(deps);
  gateway.attach(app.server);
  app.addHook('preClose', async () => {
    await gateway.close();
  });
  return gateway;
}
