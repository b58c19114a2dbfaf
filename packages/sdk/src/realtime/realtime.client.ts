import {
  type Ack,
  type ChannelEvent,
  type ChannelRole,
  type ChatHistoryPage,
  type ChatMessage,
  type ClientToServerEvents,
  type PresenceSnapshot,
  REALTIME_PATH,
  type ServerToClientEvents,
} from '@pnptv/protocol';
import { io, type Socket } from 'socket.io-client';

/** Options of a RealtimeClient. */
export interface RealtimeClientOptions {
  /** Origin of the PNPtv server, e.g. `https://live.example.com`. */
  baseUrl: string;
  /** A user token with `chat:read` (and `chat:write` to post). Without it, browsers send the session cookie. */
  token?: string;
  /** Extra headers for the websocket handshake (Node only, e.g. a `cookie`). */
  headers?: Record<string, string>;
  /** Milliseconds a request (join, send, …) may wait for its answer. Default 10 000. */
  timeoutMs?: number;
}

/** A refused realtime request or connection, with the server's stable code (CHAT_…). */
export class RealtimeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RealtimeError';
  }
}

/** Data of each channel event type. */
export type ChannelEventData<T extends ChannelEvent['type']> = Extract<ChannelEvent, { type: T }>['data'];

type Handler = (data: never, channel: string) => void;

/**
 * Typed client of the PNPtv realtime gateway (Socket.IO over websocket). The server sends
 * events in per-channel batches; this client unpacks them and calls the handlers per event.
 *
 * @example
 * const rt = new RealtimeClient({ baseUrl: 'https://live.example.com', token });
 * await rt.connect();
 * const history = await rt.join('community');
 * rt.on('chat.message.new', (message) => render(message.text)); // as text, never as HTML
 * await rt.send('community', 'hello');
 */
export class RealtimeClient {
  readonly #socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly #timeoutMs: number;
  readonly #handlers = new Map<string, Set<Handler>>();

  constructor(options: RealtimeClientOptions) {
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#socket = io(options.baseUrl, {
      path: REALTIME_PATH,
      transports: ['websocket'],
      autoConnect: false,
      withCredentials: true,
      auth: options.token ? { token: options.token } : {},
      extraHeaders: options.headers,
    });
    this.#socket.on('batch', (batch) => {
      for (const event of batch.events)
        for (const handler of this.#handlers.get(event.type) ?? [])
          handler(event.data as never, batch.channel);
    });
  }

  /** Opens the connection; rejects with a RealtimeError when the server refuses the credentials. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error & { data?: { code?: string } }) => {
        this.#socket.off('connect', onConnect);
        this.#socket.disconnect();
        reject(new RealtimeError(error.data?.code ?? 'CLIENT_CONNECT_FAILED', error.message));
      };
      const onConnect = () => {
        this.#socket.off('connect_error', onError);
        resolve();
      };
      this.#socket.once('connect', onConnect);
      this.#socket.once('connect_error', onError);
      this.#socket.connect();
    });
  }

  /** Calls `handler` for every event of `type` in any joined channel; returns a function that stops it. */
  on<T extends ChannelEvent['type']>(
    type: T,
    handler: (data: ChannelEventData<T>, channel: string) => void,
  ): () => void {
    let set = this.#handlers.get(type);
    if (!set) {
      set = new Set();
      this.#handlers.set(type, set);
    }
    set.add(handler as Handler);
    return () => set.delete(handler as Handler);
  }

  /** Calls `handler` with errors the server reports outside a request (unknown events, floods). */
  onError(handler: (error: RealtimeError) => void): () => void {
    const listener = (e: { code: string; message: string }) => handler(new RealtimeError(e.code, e.message));
    this.#socket.on('error', listener);
    return () => this.#socket.off('error', listener);
  }

  /** Joins a channel and returns its latest messages, newest first. */
  async join(channel: string): Promise<ChatHistoryPage> {
    return (await this.#request<{ history: ChatHistoryPage }>('join', { channel })).history;
  }

  /** Joins a channel and returns its latest messages, your role there and who is present. */
  async enter(
    channel: string,
  ): Promise<{ history: ChatHistoryPage; role: ChannelRole; presence: PresenceSnapshot }> {
    return this.#request('join', { channel });
  }

  /** Leaves a channel. */
  async leave(channel: string): Promise<void> {
    await this.#request('leave', { channel });
  }

  /** Posts a plain-text message to a joined channel, optionally as a reply to another message. */
  async send(channel: string, text: string, replyTo?: string): Promise<ChatMessage> {
    const payload = replyTo ? { channel, text, replyTo } : { channel, text };
    return (await this.#request<{ message: ChatMessage }>('message.send', payload)).message;
  }

  /** Edits your own message (within 15 minutes of posting it). */
  async edit(channel: string, messageId: string, text: string): Promise<ChatMessage> {
    return (await this.#request<{ message: ChatMessage }>('message.edit', { channel, messageId, text }))
      .message;
  }

  /** Adds (or with `remove` takes back) your emoji reaction; returns the message's counts. */
  async react(
    channel: string,
    messageId: string,
    emoji: string,
    remove = false,
  ): Promise<Record<string, number>> {
    const event = remove ? 'reaction.remove' : 'reaction.add';
    return (await this.#request<{ reactions: Record<string, number> }>(event, { channel, messageId, emoji }))
      .reactions;
  }

  /** Sends a floating live reaction (not stored; counted per tick as `reaction.sent`). */
  async liveReact(channel: string, emoji: string): Promise<void> {
    await this.#request('live.react', { channel, emoji });
  }

  /** Tells the channel you are typing (call at most every 2 s while typing). */
  async typing(channel: string): Promise<void> {
    await this.#request('typing', { channel });
  }

  /** Marks a DM channel read up to `messageId`; returns what is still unread. */
  async markRead(channel: string, messageId: string): Promise<number> {
    return (await this.#request<{ unread: number }>('dm.read', { channel, messageId })).unread;
  }

  /** Reports a message or a user to the admins; returns the report id. */
  async report(
    channel: string,
    target: { messageId?: string; userId?: string },
    reason: string,
  ): Promise<string> {
    return (await this.#request<{ reportId: string }>('report', { channel, ...target, reason })).reportId;
  }

  /** Deletes a message (yours, or any as a moderator). */
  async delete(channel: string, messageId: string): Promise<void> {
    await this.#request('message.delete', { channel, messageId });
  }

  /** Older messages of a channel, before `cursor`. */
  async history(channel: string, page: { cursor?: string; limit?: number } = {}): Promise<ChatHistoryPage> {
    return (await this.#request<{ history: ChatHistoryPage }>('history', { channel, ...page })).history;
  }

  /** Closes the connection. */
  close(): void {
    this.#socket.disconnect();
  }

  async #request<T>(event: keyof ClientToServerEvents, payload: object): Promise<T> {
    let res: Ack<T>;
    try {
      res = await (
        this.#socket.timeout(this.#timeoutMs) as unknown as {
          emitWithAck(event: string, payload: object): Promise<Ack<T>>;
        }
      ).emitWithAck(event, payload);
    } catch {
      throw new RealtimeError('CLIENT_TIMEOUT', `No answer to ${event} within ${this.#timeoutMs} ms`);
    }
    if (!res.ok) throw new RealtimeError(res.error.code, res.error.message);
    return res as T;
  }
}
