import { type ChatHistoryPage, REALTIME_PATH } from '@pnptv/protocol';
import { io, type Socket } from 'socket.io-client';

/** State of the tab's realtime connection. */
export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected' | 'refused';

/** A request the server refused (or that timed out), with the server's stable code. */
export class ChatRequestError extends Error {
  override readonly name = 'ChatRequestError';

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One event inside a channel batch; `type` may be any event the server adds later. */
export interface WireEvent {
  type: string;
  data: unknown;
}

/** A member of a channel's presence list, as the server sends it. */
export interface WirePresenceMember {
  id: string;
  name: string;
  role: 'owner' | 'moderator' | 'member' | 'guest';
}

/** Presence counts of a channel. */
export interface PresenceCountsWire {
  total: number;
  owners?: number;
  moderators: number;
  members: number;
  guests: number;
}

/** What joining a channel answers: its latest messages, the caller's role and who is there. */
export interface JoinResult {
  history: ChatHistoryPage;
  role?: 'owner' | 'moderator' | 'member' | 'guest';
  presence?: { members: WirePresenceMember[]; counts: PresenceCountsWire };
}

/** What a subscriber of a channel is told. */
export interface ChannelSubscriber {
  /** The events of one batch, in order. */
  onEvents?: (events: WireEvent[]) => void;
  /** The channel was (re)joined; `result` is the server's answer when this join fetched it. */
  onJoined?: (result: JoinResult | null) => void;
  /** Joining failed, or the server removed this user from the channel (ban). */
  onRefused?: (error: ChatRequestError) => void;
}

interface ChannelState {
  subscribers: Set<ChannelSubscriber>;
  joined: boolean;
  error: ChatRequestError | null;
}

/** Milliseconds one request may wait for its acknowledgement. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The tab's one Socket.IO connection to the realtime gateway (session cookie auth). Channels
 * are joined once however many components use them, and re-joined after a reconnect; batches
 * are unpacked and handed to each channel's subscribers.
 */
export class RealtimeConnection {
  readonly #socket: Socket;
  #status: ConnectionStatus = 'connecting';
  #refusal: string | null = null;
  readonly #statusListeners = new Set<() => void>();
  readonly #channels = new Map<string, ChannelState>();

  /** Called when no channel is used any more (the tab left every chat). */
  onIdle: (() => void) | null = null;
  /** Called when a channel is used again. */
  onBusy: (() => void) | null = null;

  constructor(readonly userId: string) {
    this.#socket = io({
      path: REALTIME_PATH,
      transports: ['websocket'],
      withCredentials: true,
    });
    this.#socket.on('connect', () => {
      this.#setStatus('connected', null);
      for (const name of this.#channels.keys()) void this.#join(name);
    });
    this.#socket.on('disconnect', () => {
      for (const state of this.#channels.values()) state.joined = false;
      this.#setStatus('disconnected', null);
    });
    this.#socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      const code = error.data?.code ?? null;
      this.#setStatus(code ? 'refused' : 'disconnected', code);
    });
    this.#socket.on('batch', (batch: { channel: string; events: WireEvent[] }) => {
      const state = this.#channels.get(batch.channel);
      if (!state) return;
      for (const subscriber of state.subscribers) subscriber.onEvents?.(batch.events);
    });
    this.#socket.on('kicked', (info: { channel: string; code: string }) => {
      const error = new ChatRequestError(info.code, info.code);
      for (const [name, state] of this.#channels) {
        if (info.channel !== '*' && info.channel !== name) continue;
        state.joined = false;
        state.error = error;
        for (const subscriber of state.subscribers) subscriber.onRefused?.(error);
      }
    });
  }

  /** Current connection state; `refusal` is the server's code when it refused the handshake. */
  get status(): { status: ConnectionStatus; refusal: string | null } {
    return { status: this.#status, refusal: this.#refusal };
  }

  /** Calls `listener` whenever the status changes. */
  onStatus(listener: () => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /** Listens to a socket event outside channel batches (e.g. `gift`, `viewers`). */
  onSocketEvent(name: string, handler: (payload: unknown) => void): () => void {
    this.#socket.on(name, handler);
    return () => this.#socket.off(name, handler);
  }

  /** Uses `channel` (joining it when first used); returns a function that stops using it. */
  subscribe(channel: string, subscriber: ChannelSubscriber): () => void {
    if (this.#channels.size === 0) this.onBusy?.();
    let state = this.#channels.get(channel);
    if (!state) {
      state = { subscribers: new Set(), joined: false, error: null };
      this.#channels.set(channel, state);
      state.subscribers.add(subscriber);
      if (this.#socket.connected) void this.#join(channel);
    } else {
      state.subscribers.add(subscriber);
      if (state.joined) subscriber.onJoined?.(null);
      else if (state.error) subscriber.onRefused?.(state.error);
    }
    return () => {
      const current = this.#channels.get(channel);
      if (!current) return;
      current.subscribers.delete(subscriber);
      if (current.subscribers.size > 0) return;
      this.#channels.delete(channel);
      if (this.#socket.connected && current.joined) this.#socket.emit('leave', { channel });
      if (this.#channels.size === 0) this.onIdle?.();
    };
  }

  /** Joins `channel` again after a refusal (a ban that ended, say). */
  retry(channel: string): void {
    const state = this.#channels.get(channel);
    if (state && !state.joined && this.#socket.connected) void this.#join(channel);
  }

  /** Sends one client event and resolves with its acknowledgement, or rejects with ChatRequestError. */
  async request<T = Record<string, unknown>>(event: string, payload: object): Promise<T> {
    let res: { ok: boolean; error?: { code: string; message: string } } & Record<string, unknown>;
    try {
      res = await this.#socket.timeout(REQUEST_TIMEOUT_MS).emitWithAck(event, payload);
    } catch {
      throw new ChatRequestError('CLIENT_TIMEOUT', 'No answer from the server');
    }
    if (!res.ok) throw new ChatRequestError(res.error?.code ?? 'CHAT_INTERNAL', res.error?.message ?? '');
    return res as T;
  }

  /** Sends an event that needs no answer (typing, floating reactions). */
  emit(event: string, payload: object): void {
    if (this.#socket.connected) this.#socket.emit(event, payload);
  }

  /** Closes the connection for good. */
  close(): void {
    this.#socket.removeAllListeners();
    this.#socket.disconnect();
    this.#channels.clear();
    this.#statusListeners.clear();
  }

  async #join(channel: string): Promise<void> {
    try {
      const res = await this.request<JoinResult>('join', { channel });
      const state = this.#channels.get(channel);
      if (!state) return;
      state.joined = true;
      state.error = null;
      for (const subscriber of state.subscribers) subscriber.onJoined?.(res);
    } catch (error) {
      const state = this.#channels.get(channel);
      if (!state) return;
      state.error =
        error instanceof ChatRequestError ? error : new ChatRequestError('CHAT_INTERNAL', String(error));
      for (const subscriber of state.subscribers) subscriber.onRefused?.(state.error);
    }
  }

  #setStatus(status: ConnectionStatus, refusal: string | null): void {
    this.#status = status;
    this.#refusal = refusal;
    for (const listener of this.#statusListeners) listener();
  }
}

/** How long an unused connection stays open, so moving between chat pages keeps it, ms. */
const IDLE_CLOSE_MS = 15_000;

let shared: RealtimeConnection | null = null;
let idleTimer: ReturnType<typeof setTimeout> | null = null;

function closeShared(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  shared?.close();
  shared = null;
}

/**
 * The tab's connection for `userId`, replacing the previous user's one (null closes it). A
 * connection no chat has used for a while is closed, so a tab that left chat (or logged out
 * on a page without chat) does not stay connected.
 */
export function sharedConnection(userId: string | null): RealtimeConnection | null {
  if (shared && shared.userId !== userId) closeShared();
  if (userId && !shared) {
    const connection = new RealtimeConnection(userId);
    connection.onIdle = () => {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        if (shared === connection) closeShared();
      }, IDLE_CLOSE_MS);
    };
    connection.onBusy = () => {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = null;
    };
    shared = connection;
  }
  return shared;
}
