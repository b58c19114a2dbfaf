import type { AddressInfo } from 'node:net';
import { type ClientToServerEvents, REALTIME_PATH, type ServerToClientEvents } from '@pnptv/protocol';
import type { FastifyInstance } from 'fastify';
import { io as connect, type Socket } from 'socket.io-client';
import { rememberDatabase } from '../../test/factories.ts';
import { buildApp } from '../app.ts';
import { createAppDeps, createServices, type Services } from '../composition.ts';
import { loadConfig } from '../platform/config.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { createPlatform, type Platform } from '../platform/platform.ts';
import { attachRealtime } from './chat.attach.ts';
import type { RealtimeGateway } from './chat.gateway.ts';
import type { ChatLimits } from './chat.rules.ts';

/** One listening server node with the realtime role, on a database it does not own. */
export interface RealtimeNode {
  url: string;
  app: FastifyInstance;
  platform: Platform;
  services: Services;
  gateway: RealtimeGateway;
  close(): Promise<void>;
}

/**
 * Starts a node on `handle` (left open on close, so several nodes can share one database),
 * listening on 127.0.0.1 with an OS-chosen port; with `redis` its bus, rate limits and
 * Socket.IO adapter use REDIS_URL.
 */
export async function startRealtimeNode(
  handle: DatabaseHandle,
  options: {
    redis?: boolean;
    nodeId?: string;
    limits?: Partial<ChatLimits>;
    redisChannelPrefix?: string;
    memberGroups?: { groups: number; minMembers: number };
  } = {},
): Promise<RealtimeNode> {
  const env: Record<string, string> = { LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost:8080' };
  if (options.redis) {
    if (!process.env.REDIS_URL) throw new Error('REDIS_URL is not set');
    env.REDIS_URL = process.env.REDIS_URL;
  }
  const shared: DatabaseHandle = { ...handle, close: async () => {} };
  const platform = await createPlatform(loadConfig(env), { database: shared, nodeId: options.nodeId });
  const services = createServices(platform);
  const deps = createAppDeps(platform, services);
  const app = await buildApp(deps);
  rememberDatabase(app, platform.db);
  const gateway = await attachRealtime(app, {
    platform,
    chat: services.chat,
    authenticator: deps.authenticator,
    limits: options.limits,
    redisChannelPrefix: options.redisChannelPrefix,
    memberGroups: options.memberGroups,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    platform,
    services,
    gateway,
    close: async () => {
      services.community.stop();
      await app.close();
      await platform.close();
    },
  };
}

/** A typed realtime client. */
export type TestClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Connects to `url` with a session cookie or a user token; resolves once connected, rejects on refusal. */
export function connectClient(url: string, auth: { cookie?: string; token?: string }): Promise<TestClient> {
  const socket: TestClient = connect(url, {
    path: REALTIME_PATH,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: auth.token ? { token: auth.token } : {},
    extraHeaders: auth.cookie ? { cookie: auth.cookie } : {},
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Emits an event and resolves with its acknowledgement. */
export function request<T>(socket: TestClient, event: string, payload: unknown): Promise<T> {
  return (socket as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<T> } })
    .timeout(5_000)
    .emitWithAck(event, payload);
}

/** Collects every batched event of one client, with a way to wait for a matching one. */
export function collectEvents(socket: TestClient): {
  events: { channel: string; type: string; data: unknown }[];
  waitFor(
    match: (e: { channel: string; type: string; data: unknown }) => boolean,
    ms?: number,
  ): Promise<void>;
} {
  const events: { channel: string; type: string; data: unknown }[] = [];
  const waiters: { match: (e: (typeof events)[number]) => boolean; resolve: () => void }[] = [];
  socket.on('batch', (batch) => {
    for (const event of batch.events) {
      const entry = { channel: batch.channel, type: event.type, data: event.data };
      events.push(entry);
      for (const waiter of [...waiters]) if (waiter.match(entry)) waiter.resolve();
    }
  });
  return {
    events,
    waitFor(match, ms = 5_000) {
      if (events.some(match)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for a realtime event')), ms);
        waiters.push({
          match,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}
