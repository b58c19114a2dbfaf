import type { ChannelBatch, ChannelEvent } from '@pnptv/protocol';

/** Per-client send-queue bounds, in queued packets (about one batch per channel per tick). */
export interface SendQueueLimits {
  /** Above this the client is lagging: ephemeral events (reactions, typing) are no longer sent to it. */
  lagging: number;
  /** Above this the client is disconnected: it cannot keep up with the channel. */
  disconnect: number;
}

/** Defaults: lagging past 40 queued packets (~2 s of one busy channel), cut off past 200 (~10 s). */
export const DEFAULT_SEND_QUEUE: SendQueueLimits = { lagging: 40, disconnect: 200 };

/** What to do with a client that has `queued` packets waiting to be written to its socket. */
export function slowConsumerAction(queued: number, limits: SendQueueLimits): 'ok' | 'lagging' | 'disconnect' {
  if (queued > limits.disconnect) return 'disconnect';
  if (queued > limits.lagging) return 'lagging';
  return 'ok';
}

/** One pending batch: the room it goes to and its events so far. */
interface Pending {
  room: string;
  batch: ChannelBatch;
  ephemeralOnly: boolean;
}

/** Event types that may be dropped for lagging clients: live reactions, typing, viewer counts. */
const EPHEMERAL_TYPES: ReadonlySet<string> = new Set(['reaction.sent', 'typing', 'viewers']);

/** Event types of which only the latest per channel per tick is sent. */
const COALESCED_TYPES: ReadonlySet<string> = new Set(['viewers', 'community.stats', 'community.leaderboard']);

/**
 * How a catalogue event published on the bus reaches a channel: gifts and tips go to the
 * stream's channel as `gift`, viewer counts as `viewers` (coalesced per tick). Other events
 * are not forwarded. Null when the event is not forwarded or lacks its stream id.
 */
export function forwardBusEvent(event: {
  type: string;
  data: Record<string, unknown>;
}): { channel: string; event: ChannelEvent } | null {
  const streamId = event.data.streamId;
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > 128) return null;
  const channel = `stream:${streamId}`;
  switch (event.type) {
    case 'gift.sent':
    case 'tip.sent':
      return {
        channel,
        event: {
          type: 'gift',
          data: { ...event.data, streamId, kind: event.type === 'gift.sent' ? 'gift' : 'tip' },
        },
      };
    case 'viewer.count.update': {
      const raw = event.data.viewers ?? event.data.count ?? event.data.current;
      const viewers = Number(raw);
      if (!Number.isFinite(viewers) || viewers < 0) return null;
      return { channel, event: { type: 'viewers', data: { streamId, viewers: Math.floor(viewers) } } };
    }
    default:
      return null;
  }
}

/** Whether an event may be dropped for lagging clients. */
export function isEphemeral(event: ChannelEvent): boolean {
  return EPHEMERAL_TYPES.has(event.type);
}

/**
 * How long to wait before the next flush: the tick, stretched so that flushing takes at most
 * `busyShare` of the time. A flush that wrote to thousands of sockets took long; waiting in
 * proportion keeps the event loop free for incoming messages, acknowledgements and database
 * replies, and each member then gets fewer, fuller batches.
 */
export function nextFlushDelay(tickMs: number, flushMs: number, busyShare: number): number {
  const period = Math.max(tickMs, flushMs / busyShare);
  return Math.max(0, period - flushMs);
}

/**
 * Gathers channel events and flushes them once per tick: one batch per channel, so the
 * transport serialises each batch once and writes the same packet to every member.
 * At most `maxEvents` events wait per channel; the oldest ephemeral ones go first beyond that.
 * The tick stretches while flushes are long (see `nextFlushDelay`).
 */
export class ChannelBatcher {
  #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | null = null;
  #immediate: NodeJS.Immediate | null = null;
  #running = false;

  constructor(
    private readonly options: {
      tickMs: number;
      maxEvents: number;
      flush: (room: string, batch: ChannelBatch, ephemeralOnly: boolean) => void;
      /** Called at the start of every flush, to add what is aggregated per tick. */
      beforeFlush?: () => void;
      /** Largest share of the time spent flushing before the tick stretches; 0.75 by default. */
      busyShare?: number;
    },
  ) {}

  /**
   * Queues an event for the channel's next batch, sent to `room` (by default the key itself).
   * Coalesced types (viewer counts, community stats) replace the one already waiting.
   */
  add(key: string, channel: string, event: ChannelEvent, room: string = key): void {
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = { room, batch: { channel, events: [] }, ephemeralOnly: true };
      this.#pending.set(key, pending);
    }
    const events = pending.batch.events;
    if (COALESCED_TYPES.has(event.type)) {
      const at = events.findIndex((e) => e.type === event.type);
      if (at >= 0) {
        events[at] = event;
        return;
      }
    }
    events.push(event);
    if (!isEphemeral(event)) pending.ephemeralOnly = false;
    if (events.length > this.options.maxEvents) {
      const drop = events.findIndex(isEphemeral);
      events.splice(Math.max(drop, 0), 1);
    }
  }

  /** Number of channels with events waiting. */
  get pendingChannels(): number {
    return this.#pending.size;
  }

  /** Sends every pending batch now. */
  flush(): void {
    this.options.beforeFlush?.();
    this.#write();
  }

  #write(): void {
    if (this.#pending.size === 0) return;
    const all = [...this.#pending.values()];
    this.#pending.clear();
    for (const pending of all) this.options.flush(pending.room, pending.batch, pending.ephemeralOnly);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(this.options.tickMs);
  }

  /**
   * One tick: `beforeFlush` first, then the writes in the check phase, after what it queued
   * with `setImmediate` (a Redis client's outgoing commands) has gone out.
   */
  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.options.beforeFlush?.();
      this.#immediate = setImmediate(() => {
        this.#immediate = null;
        const started = performance.now();
        this.#write();
        const flushMs = performance.now() - started;
        this.#schedule(nextFlushDelay(this.options.tickMs, flushMs, this.options.busyShare ?? 0.75));
      });
    }, delayMs);
  }

  /** Stops ticking after sending what is pending. */
  stop(): void {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#timer = null;
    this.#immediate = null;
    this.flush();
  }
}
