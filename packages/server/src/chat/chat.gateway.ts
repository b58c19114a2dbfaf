import { type Server as HttpServer, type IncomingMessage, ServerResponse } from 'node:http';
import {
  type Ack,
  type ChannelBatch,
  type ChannelEvent,
  CLIENT_EVENT_SCHEMAS,
  type ClientEventName,
  type ClientToServerEvents,
  REALTIME_PATH,
  type ServerToClientEvents,
} from '@pnptv/protocol';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { Compile } from 'typebox/compile';
import { type BusEvent, EVENTS_TOPIC } from '../platform/bus/events.ts';
import { AppError } from '../platform/errors.ts';
import { type Authenticator, SESSION_COOKIE } from '../platform/http/auth.ts';
import { capLogger } from '../platform/log.ts';
import type { Platform } from '../platform/platform.ts';
import { chatActorOf } from './chat.actor.ts';
import { chatErrors } from './chat.errors.ts';
import {
  ChannelBatcher,
  DEFAULT_SEND_QUEUE,
  forwardBusEvent,
  groupOf,
  isEphemeral,
  type MemberGroup,
  type SendQueueLimits,
  slowConsumerAction,
} from './chat.fanout.ts';
import { canWriteFrame, type EngineConnection, eventFrame, queuedBytes } from './chat.frames.ts';
import {
  type GatewaySocket,
  type HandlerDeps,
  handleEvent,
  roomOf,
  type SocketData,
  userRoomOf,
} from './chat.handlers.ts';
import type { Enforcement } from './chat.moderation.ts';
import { type PresenceMessage, PresenceRegistry } from './chat.presence.ts';
import { type ChatLimits, DEFAULT_CHAT_LIMITS, LiveReactionTally } from './chat.rules.ts';
import type { ChatService } from './chat.service.ts';

type AnyAck = (res: Ack<Record<string, unknown>>) => void;

/** What the gateway is built from. */
export interface RealtimeGatewayDeps {
  platform: Pick<Platform, 'config' | 'clock' | 'log' | 'rateLimiter' | 'bus' | 'metrics'>;
  chat: ChatService;
  authenticator: Authenticator;
  limits?: Partial<ChatLimits>;
  sendQueue?: SendQueueLimits;
  /** Fan-out tick, ms. */
  tickMs?: number;
  /** Channels with at least `minMembers` members on a node are written in `groups` staggered groups. */
  memberGroups?: { groups: number; minMembers: number };
  /** Prefix of the adapter's Redis channels; nodes with the same prefix form one cluster. */
  redisChannelPrefix?: string;
}

/** Local room of the clients too slow for ephemeral events. */
const LAGGING_ROOM = '#lagging';
/** Hard cap of one incoming websocket frame, bytes; events are also checked against ChatLimits.maxPayloadBytes. */
const MAX_FRAME_BYTES = 64 * 1024;
/** Events waiting per channel per tick before the oldest ephemeral ones are dropped. */
const MAX_EVENTS_PER_BATCH = 500;
/**
 * Slots per tick: by default a channel with at least 500 members on this node is written in
 * ten groups, one per slot, so no write holds the event loop for long.
 */
const MEMBER_GROUPS = { groups: 10, minMembers: 500 };
/** How often send queues are checked, in ticks. */
const QUEUE_CHECK_TICKS = 4;

/** Events waiting to go to the other nodes; beyond this, ephemeral ones are not forwarded. */
const MAX_FORWARD_QUEUE = 5_000;
/**
 * Longest wait before a node's own events go to the other nodes, ms. Much shorter than the
 * tick: a message for members on another node then waits for that node's tick only, not for
 * this one's as well; at any message rate a node sends at most 1000 / FORWARD_MS messages a second.
 */
const FORWARD_MS = 10;
/** Server-side event carrying one node's recent channel events to the others. */
const FORWARD_EVENT = 'pnptv:events';

/** One channel event on its way to the other nodes: the batch key, target room and channel. */
interface ForwardedEvent {
  key: string;
  room: string;
  channel: string;
  event: ChannelEvent;
}

/** Events the nodes of a cluster send each other through the adapter. */
interface ServerSideEvents {
  [FORWARD_EVENT]: (events: ForwardedEvent[]) => void;
}

/** What gateways tell each other on their bus topic: presence, and bans to apply to local connections. */
type GatewayMessage =
  | PresenceMessage
  | { kind: 'kick'; appId: string; channel: string; userId: string; appWide: boolean };

/** Socket.IO's packet type of an event (socket.io-parser's PacketType.EVENT). */
const EVENT_PACKET = 2;

/** The Engine.IO connection under a socket, as the frame writer reads it. */
function engineConnection(socket: GatewaySocket): EngineConnection {
  return socket.conn as unknown as EngineConnection;
}

/** The channel part of a room key (`<appId>|<channel>`). */
function channelOfRoom(room: string): string {
  return room.slice(room.indexOf('|') + 1);
}

const validators = Object.fromEntries(
  Object.entries(CLIENT_EVENT_SCHEMAS).map(([name, schema]) => [name, Compile(schema)]),
) as unknown as Record<ClientEventName, { Check(value: unknown): boolean }>;

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/** Where `rememberUpgradeResponse` keeps the response stand-in on the request. */
const UPGRADE_RESPONSE = Symbol('upgradeResponse');

type UpgradeRequest = IncomingMessage & { [UPGRADE_RESPONSE]?: ServerResponse };

/**
 * Engine.IO hands its middlewares a stand-in response for each websocket upgrade, and that
 * stand-in holds the request for as long as the connection lives (a close listener on the
 * socket keeps it). Noting it here lets `releaseUpgradeRequest` cut that link once connected.
 */
function rememberUpgradeResponse(
  req: IncomingMessage,
  res: ServerResponse,
  next: (err?: Error) => void,
): void {
  (req as UpgradeRequest)[UPGRADE_RESPONSE] = res;
  next();
}

/** Lets go of a connected socket's upgrade request: nothing reads it after authentication. */
function releaseUpgradeRequest(socket: GatewaySocket): void {
  const conn = socket.conn as unknown as { request: UpgradeRequest | null };
  const response = conn.request?.[UPGRADE_RESPONSE];
  if (response && !(response instanceof ServerResponse)) (response as unknown as { req: unknown }).req = null;
  conn.request = null;
  Object.assign(socket.handshake, { headers: {}, query: {}, auth: {}, url: '' });
}

/**
 * The realtime gateway: Socket.IO (websocket transport, path /realtime) on the HTTP server,
 * authenticated in the handshake, with schema-checked events, per-user and per-IP rate limits,
 * per-tick batched fan-out and a bounded send queue per client. With REDIS_URL the sharded
 * Redis adapter carries each tick's events to the other nodes, which batch them with their
 * own, so a member gets one frame per channel per tick however many nodes there are; bans,
 * kicks and room changes also go through the adapter.
 */
export class RealtimeGateway {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;
  readonly #log: Logger;
  readonly #limits: ChatLimits;
  readonly #sendQueue: SendQueueLimits;
  /** Batches for this node's clients: one frame per channel per tick, whichever node an event came from. */
  readonly #batcher: ChannelBatcher;
  /** Events that arose on this node and wait (at most FORWARD_MS) to go to the other nodes. */
  #outbox: ForwardedEvent[] = [];
  #forwardTimer: NodeJS.Timeout | null = null;
  #clustered = false;
  readonly #presence: PresenceRegistry;
  readonly #reactions = new LiveReactionTally();
  readonly #typers = new Map<string, { channel: string; users: Map<string, string> }>();
  readonly #topic: string;
  readonly #handlerDeps: HandlerDeps;
  #queueTimer: NodeJS.Timeout | null = null;
  #unsubscribe: () => void;
  #unsubscribeEnforce: () => void;
  #busUnsubscribe: (() => Promise<void>)[] = [];
  #redis: { quit(): Promise<unknown> }[] = [];

  private constructor(private readonly deps: RealtimeGatewayDeps) {
    // 'chat' is not one of the shared log categories yet; the child carries the same field.
    this.#log = capLogger(deps.platform.log, 'chat');
    this.#limits = { ...DEFAULT_CHAT_LIMITS, ...deps.limits };
    this.#sendQueue = deps.sendQueue ?? DEFAULT_SEND_QUEUE;
    this.io = new Server({
      path: REALTIME_PATH,
      transports: ['websocket'],
      serveClient: false,
      maxHttpBufferSize: MAX_FRAME_BYTES,
      // Text frames only: no per-message deflate, whose per-socket zlib state costs memory at scale.
      perMessageDeflate: false,
    });
    const tickMs = deps.tickMs ?? 100;
    this.#batcher = new ChannelBatcher({
      tickMs,
      maxEvents: MAX_EVENTS_PER_BATCH,
      groups: (deps.memberGroups ?? MEMBER_GROUPS).groups,
      groupMinMembers: (deps.memberGroups ?? MEMBER_GROUPS).minMembers,
      members: (room) => this.io.of('/').adapter.rooms.get(room)?.size ?? 0,
      flush: (room, batch, ephemeralOnly, group) => this.#writeBatch(room, batch, ephemeralOnly, group),
      // Other nodes get what is still waiting before the local sockets are written, which
      // takes tens of milliseconds with thousands of members; their flush then overlaps ours.
      beforeFlush: () => {
        this.#drainTallies();
        this.#flushPresence();
        this.#forward();
      },
    });
    this.#presence = new PresenceRegistry(deps.platform.bus.nodeId);
    this.#topic = `realtime:${deps.redisChannelPrefix ?? 'pnptv:rt'}`;
    this.#handlerDeps = {
      chat: deps.chat,
      limits: this.#limits,
      rateLimiter: deps.platform.rateLimiter,
      presence: this.#presence,
      now: () => deps.platform.clock.now(),
      liveReact: (appId, channel, emoji) => this.#reactions.add(roomOf(appId, channel), channel, emoji),
      typing: (appId, channel, user) => {
        const key = roomOf(appId, channel);
        let entry = this.#typers.get(key);
        if (!entry) {
          entry = { channel, users: new Map() };
          this.#typers.set(key, entry);
        }
        entry.users.set(user.id, user.name);
      },
    };
    this.#unsubscribe = deps.chat.onEvent((appId, channel, event, onlyUserId) => {
      if (onlyUserId) {
        const room = userRoomOf(appId, onlyUserId);
        this.#addOwn(`${room}|${channel}`, channel, event, room);
      } else this.#addOwn(roomOf(appId, channel), channel, event);
    });
    this.io.on(FORWARD_EVENT, (events) => this.#receiveForwarded(events));
    this.#unsubscribeEnforce = deps.chat.onEnforce((action) => this.#enforce(action));
    this.io.use((socket, next) => {
      this.#authenticate(socket as GatewaySocket).then(
        () => next(),
        (error: unknown) => {
          const err = error instanceof AppError ? error : chatErrors.CHAT_AUTH_REQUIRED();
          next(Object.assign(new Error(err.message), { data: { code: err.code } }));
        },
      );
    });
    this.io.on('connection', (socket) => this.#onConnection(socket));
    this.#batcher.start();
    this.#queueTimer = setInterval(() => this.#checkQueues(), tickMs * QUEUE_CHECK_TICKS);
  }

  /** Builds the gateway; with REDIS_URL it first connects the sharded adapter's two Redis clients. */
  static async create(deps: RealtimeGatewayDeps): Promise<RealtimeGateway> {
    const gateway = new RealtimeGateway(deps);
    const url = deps.platform.config.redisUrl;
    if (url) {
      // Loaded only when clustering: a single node does not carry the two Redis client libraries.
      const [{ createClient }, { createShardedAdapter }] = await Promise.all([
        import('redis'),
        import('@socket.io/redis-adapter'),
      ]);
      const pub = createClient({ url });
      const sub = pub.duplicate();
      const log = gateway.#log;
      pub.on('error', (err: Error) => log.warn({ err: err.message }, 'realtime redis error'));
      sub.on('error', (err: Error) => log.warn({ err: err.message }, 'realtime redis error'));
      await Promise.all([pub.connect(), sub.connect()]);
      gateway.#redis = [pub, sub];
      gateway.#clustered = true;
      gateway.io.adapter(
        createShardedAdapter(pub, sub, { channelPrefix: deps.redisChannelPrefix ?? 'pnptv:rt' }),
      );
    }
    await gateway.#subscribeBus();
    return gateway;
  }

  async #subscribeBus(): Promise<void> {
    const { bus } = this.deps.platform;
    this.#busUnsubscribe.push(
      await bus.subscribe(EVENTS_TOPIC, (message) => this.#onBusEvent(message)),
      await bus.subscribe(this.#topic, (message, meta) =>
        this.#onGatewayMessage(message as GatewayMessage, meta.fromNode),
      ),
    );
    await bus.publish(this.#topic, { kind: 'sync' } satisfies GatewayMessage);
  }

  /** Forwards catalogue events (gifts, tips, viewer counts) to the local clients of their channel. */
  #onBusEvent(message: unknown): void {
    const event = message as Partial<BusEvent> | null;
    if (!event || typeof event.appId !== 'string' || typeof event.type !== 'string') return;
    if (!event.data || typeof event.data !== 'object') return;
    const forward = forwardBusEvent({ type: event.type, data: event.data });
    if (forward) this.#batcher.add(roomOf(event.appId, forward.channel), forward.channel, forward.event);
  }

  /** Queues an event that arose on this node: for its clients at the tick, for the other nodes' within FORWARD_MS. */
  #addOwn(key: string, channel: string, event: ChannelEvent, room: string = key): void {
    this.#batcher.add(key, channel, event, room);
    if (!this.#clustered) return;
    if (this.#outbox.length >= MAX_FORWARD_QUEUE && isEphemeral(event)) return;
    this.#outbox.push({ key, room, channel, event });
    this.#forwardTimer ??= setTimeout(() => this.#forward(), FORWARD_MS);
  }

  /** Sends this node's waiting events to the other nodes in one adapter message. */
  #forward(): void {
    if (this.#forwardTimer) clearTimeout(this.#forwardTimer);
    this.#forwardTimer = null;
    if (this.#outbox.length === 0) return;
    const events = this.#outbox;
    this.#outbox = [];
    this.io.serverSideEmit(FORWARD_EVENT, events);
  }

  /** Another node's events of one tick join this node's next batches. */
  #receiveForwarded(events: unknown): void {
    if (!Array.isArray(events)) return;
    for (const item of events as Partial<ForwardedEvent>[]) {
      if (!item || typeof item.key !== 'string' || typeof item.room !== 'string') continue;
      if (typeof item.channel !== 'string' || !item.event || typeof item.event.type !== 'string') continue;
      this.#batcher.add(item.key, item.channel, item.event, item.room);
    }
  }

  #onGatewayMessage(message: GatewayMessage, fromNode: string): void {
    if (!message || typeof message !== 'object') return;
    if (message.kind === 'kick') {
      if (fromNode !== this.deps.platform.bus.nodeId) this.#applyKick(message);
      return;
    }
    const answer = this.#presence.receive(fromNode, message);
    if (answer) this.#publish(answer);
  }

  #publish(message: GatewayMessage): void {
    this.deps.platform.bus.publish(this.#topic, message).catch((err: unknown) => {
      this.#log.warn({ err }, 'realtime bus publish failed');
    });
  }

  /** Live reactions and typing of the last tick become one event per channel. */
  #drainTallies(): void {
    for (const [key, { channel, counts }] of this.#reactions.drain())
      this.#addOwn(key, channel, { type: 'reaction.sent', data: { channel, counts } });
    if (this.#typers.size === 0) return;
    for (const [key, { channel, users }] of this.#typers) {
      const list = [...users].map(([id, name]) => ({ id, name }));
      this.#addOwn(key, channel, { type: 'typing', data: { channel, users: list } });
    }
    this.#typers.clear();
  }

  /** Publishes this node's presence changes and tells local clients the diffs. */
  #flushPresence(): void {
    const outgoing = this.#presence.takeOutgoing();
    if (outgoing) this.#publish(outgoing);
    for (const diff of this.#presence.takeDiffs()) {
      const channel = channelOfRoom(diff.key);
      this.#batcher.add(diff.key, channel, {
        type: 'presence',
        data: { channel, joined: diff.joined, left: diff.left, counts: diff.counts },
      });
    }
  }

  /**
   * Writes one batch to this node's members of `room`, or of one of its member groups. The
   * frame is built once and written straight to each member's TCP socket: Socket.IO's broadcast
   * would cost several objects, callbacks and events per member. A member whose connection holds
   * packets back gets the batch through Socket.IO instead, behind them.
   */
  #writeBatch(room: string, batch: ChannelBatch, ephemeralOnly: boolean, group?: MemberGroup): void {
    const nsp = this.io.of('/');
    const members = nsp.adapter.rooms.get(room);
    if (!members || members.size === 0) return;
    const frame = eventFrame(
      this.io.encoder.encode({ type: EVENT_PACKET, nsp: '/', data: ['batch', batch] }),
    );
    const behind: string[] = [];
    for (const id of members) {
      if (group && groupOf(id, group.of) !== group.index) continue;
      const socket = nsp.sockets.get(id) as GatewaySocket | undefined;
      if (!socket || (ephemeralOnly && socket.rooms.has(LAGGING_ROOM))) continue;
      const { wire } = socket.data;
      if (frame && canWriteFrame(engineConnection(socket), wire)) wire.write(frame);
      else behind.push(id);
    }
    if (behind.length > 0) this.io.local.to(behind).emit('batch', batch);
  }

  /** Removes a banned user's local connections from the channel's presence. */
  #applyKick(action: { appId: string; channel: string; userId: string; appWide: boolean }): void {
    const nsp = this.io.of('/');
    const ids = nsp.adapter.rooms.get(userRoomOf(action.appId, action.userId));
    const room = roomOf(action.appId, action.channel);
    for (const id of ids ?? []) {
      const socket = nsp.sockets.get(id) as GatewaySocket | undefined;
      if (!socket || action.appWide) continue;
      if (socket.data.channels.delete(action.channel)) this.#presence.disconnect(room, action.userId);
    }
    if (!action.appWide && !this.#presence.isPresent(room, action.userId))
      this.deps.chat.presenceLeft(action.appId, action.channel, action.userId);
  }

  /** Serves the gateway on `server` (the Fastify HTTP server) at /realtime. */
  attach(server: HttpServer): void {
    this.io.attach(server);
    this.io.engine.use(rememberUpgradeResponse);
  }

  /** Sends what is pending, disconnects every client and releases the adapter. */
  async close(): Promise<void> {
    this.#unsubscribe();
    this.#unsubscribeEnforce();
    await this.deps.platform.bus
      .publish(this.#topic, { kind: 'drop' } satisfies GatewayMessage)
      .catch(() => {});
    for (const unsubscribe of this.#busUnsubscribe) await unsubscribe().catch(() => {});
    this.#busUnsubscribe = [];
    this.#batcher.stop();
    if (this.#queueTimer) clearInterval(this.#queueTimer);
    this.#queueTimer = null;
    await this.io.close();
    for (const client of this.#redis) await client.quit().catch(() => {});
    this.#redis = [];
  }

  async #authenticate(socket: GatewaySocket): Promise<void> {
    const { authenticator } = this.deps;
    const token: unknown = socket.handshake.auth?.token;
    let principal = null;
    if (typeof token === 'string' && token.length > 0 && token.length <= 4096) {
      principal = await authenticator.bearer(token);
      if (principal?.kind !== 'userToken') throw chatErrors.CHAT_AUTH_REQUIRED();
    } else {
      const cookie = cookieValue(socket.handshake.headers.cookie, SESSION_COOKIE);
      if (cookie) principal = await authenticator.session(cookie);
    }
    if (!principal) throw chatErrors.CHAT_AUTH_REQUIRED();
    socket.data = {
      actor: chatActorOf(principal),
      ip: socket.handshake.address,
      channels: new Map(),
      typing: new Map(),
      window: { start: 0, count: 0 },
      wire: (socket.conn.request as IncomingMessage | null)?.socket ?? null,
    };
  }

  #onConnection(socket: GatewaySocket): void {
    const { actor } = socket.data;
    // The upgrade request, its headers and the token cost a few kilobytes per connection.
    releaseUpgradeRequest(socket);
    void socket.join(userRoomOf(actor.appId, actor.userId));
    const sockets = this.deps.platform.metrics.realtimeSockets;
    sockets.inc();
    socket.on('disconnecting', () => {
      sockets.dec();
      for (const channel of socket.data.channels.keys()) {
        const room = roomOf(actor.appId, channel);
        this.#presence.disconnect(room, actor.userId);
        if (!this.#presence.isPresent(room, actor.userId))
          this.deps.chat.presenceLeft(actor.appId, channel, actor.userId);
      }
      socket.data.channels.clear();
    });
    socket.onAny((event: unknown, ...args: unknown[]) => {
      const last = args[args.length - 1];
      const ack = typeof last === 'function' ? (last as AnyAck) : undefined;
      void this.#dispatch(socket, String(event), args[0], ack, ack ? args.length - 1 : args.length);
    });
  }

  async #dispatch(
    socket: GatewaySocket,
    event: string,
    payload: unknown,
    ack: AnyAck | undefined,
    argCount: number,
  ): Promise<void> {
    try {
      if (!this.#withinEventRate(socket)) throw chatErrors.CHAT_RATE_LIMITED();
      if (!Object.hasOwn(validators, event)) throw chatErrors.CHAT_UNKNOWN_EVENT();
      if (argCount !== 1) throw chatErrors.CHAT_INVALID_PAYLOAD();
      if (JSON.stringify(payload ?? null).length > this.#limits.maxPayloadBytes)
        throw chatErrors.CHAT_PAYLOAD_TOO_LARGE();
      const name = event as ClientEventName;
      if (!validators[name].Check(payload)) throw chatErrors.CHAT_INVALID_PAYLOAD();
      const result = await handleEvent(this.#handlerDeps, socket, name, payload as { channel: string });
      ack?.({ ok: true, ...result });
    } catch (error) {
      const err = error instanceof AppError ? error : chatErrors.CHAT_INTERNAL();
      if (!(error instanceof AppError)) this.#log.error({ err: error, event }, 'realtime event failed');
      const body = { code: err.code, message: err.message, event: event.slice(0, 64) };
      if (ack) ack({ ok: false, error: body });
      else socket.emit('error', body);
    }
  }

  #withinEventRate(socket: GatewaySocket): boolean {
    const now = this.deps.platform.clock.now();
    const window = socket.data.window;
    const rule = this.#limits.eventsPerSocket;
    if (now - window.start >= rule.windowMs) {
      window.start = now;
      window.count = 0;
    }
    return ++window.count <= rule.limit;
  }

  /** Cuts a banned user's connections (app-wide) or removes them from the channel, on every node. */
  #enforce(action: Enforcement): void {
    this.#applyKick(action);
    const { appId, channel, userId, appWide } = action;
    this.#publish({ kind: 'kick', appId, channel, userId, appWide });
    const users = this.io.in(userRoomOf(action.appId, action.userId));
    this.io
      .to(userRoomOf(action.appId, action.userId))
      .emit('kicked', { channel: action.appWide ? '*' : action.channel, code: 'CHAT_BANNED' });
    if (action.appWide) users.disconnectSockets(true);
    else users.socketsLeave(roomOf(action.appId, action.channel));
  }

  /** Applies the slow-consumer policy to this node's clients. */
  #checkQueues(): void {
    for (const socket of this.io.of('/').sockets.values()) {
      const queued = queuedBytes(engineConnection(socket), socket.data.wire);
      const action = slowConsumerAction(queued, this.#sendQueue);
      if (action === 'disconnect') {
        this.#log.info({ queued, userId: socket.data.actor?.userId }, 'disconnecting slow consumer');
        socket.disconnect(true);
      } else if (action === 'lagging') void socket.join(LAGGING_ROOM);
      else if (socket.rooms.has(LAGGING_ROOM)) void socket.leave(LAGGING_ROOM);
    }
  }
}
