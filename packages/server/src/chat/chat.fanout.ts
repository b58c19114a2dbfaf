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

/** Event types that may be dropped for lagging clients (live reactions, typing); none of today's. */
const EPHEMERAL_TYPES: ReadonlySet<string> = new Set(['reaction.sent', 'typing']);

/** Whether an event may be dropped for lagging clients. */
export function isEphemeral(event: ChannelEvent): boolean {
  return EPHEMERAL_TYPES.has(event.type);
}

/**
 * Gathers channel events and flushes them once per tick: one batch per channel, so the
 * transport serialises each batch once and writes the same packet to every member.
 * At most `maxEvents` events wait per channel; the oldest ephemeral ones go first beyond that.
 */
export class ChannelBatcher {
  #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: {
      tickMs: number;
      maxEvents: number;
      flush: (room: string, batch: ChannelBatch, ephemeralOnly: boolean) => void;
    },
  ) {}

  /** Queues an event for the channel's next batch. */
  add(room: string, channel: string, event: ChannelEvent): void {
    let pending = this.#pending.get(room);
    if (!pending) {
      pending = { room, batch: { channel, events: [] }, ephemeralOnly: true };
      this.#pending.set(room, pending);
    }
    const events = pending.batch.events;
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
    if (this.#pending.size === 0) return;
    const all = [...this.#pending.values()];
    this.#pending.clear();
    for (const pending of all) this.options.flush(pending.room, pending.batch, pending.ephemeralOnly);
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.flush(), this.options.tickMs);
  }

  /** Stops ticking after sending what is pending. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.flush();
  }
}
