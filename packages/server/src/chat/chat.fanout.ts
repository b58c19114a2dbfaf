import type { ChannelBatch, ChannelEvent } from '@pnptv/protocol';

/** Per-client send-queue bounds, in bytes waiting to be written to its socket. */
export interface SendQueueLimits {
  /** Above this the client is lagging: ephemeral events (reactions, typing) are no longer sent to it. */
  lagging: number;
  /** Above this the client is disconnected: it cannot keep up with the channel. */
  disconnect: number;
}

/**
 * Defaults: lagging past 64 KiB waiting (a few seconds of a busy channel, once the kernel's own
 * socket buffer is full), cut off past 512 KiB.
 */
export const DEFAULT_SEND_QUEUE: SendQueueLimits = { lagging: 64 * 1024, disconnect: 512 * 1024 };

/** What to do with a client that has `queued` bytes waiting to be written to its socket. */
export function slowConsumerAction(queued: number, limits: SendQueueLimits): 'ok' | 'lagging' | 'disconnect' {
  if (queued > limits.disconnect) return 'disconnect';
  if (queued > limits.lagging) return 'lagging';
  return 'ok';
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
 * When the next slot of the tick is due, given when the last one was due: one slot later,
 * stretched so that writing takes at most `busyShare` of the time. Slots keep to their
 * schedule when the event loop is busy with other work (a late slot runs at once and does
 * not push the next ones back); one more than a slot behind starts the schedule again from
 * `now` instead of catching up with a burst of slots. Long writes to thousands of sockets
 * stretch the period, which keeps the event loop free for incoming messages, acknowledgements
 * and database replies, and gives each member fewer, fuller batches.
 */
export function nextSlotDue(
  due: number,
  now: number,
  slotMs: number,
  writeMs: number,
  busyShare: number,
): number {
  const next = due + Math.max(slotMs, writeMs / busyShare);
  return next < now - slotMs ? now : next;
}

/** Weight of the latest slot in the smoothed write time: one slow slot does not stretch the tick. */
const WRITE_SMOOTHING = 0.2;

/**
 * Which of `groups` groups an id falls in: stable for a connection's life. Hashes the last eight
 * characters only (where connection ids are random and channel keys differ), as it runs for
 * every member of a large channel at each of its writes.
 */
export function groupOf(id: string, groups: number): number {
  let hash = 2166136261;
  for (let i = Math.max(0, id.length - 8); i < id.length; i++)
    hash = Math.imul(hash ^ id.charCodeAt(i), 16777619);
  return (hash >>> 0) % groups;
}

/** The member group a grouped channel's batch goes to: members with `groupOf(id, of) === index`. */
export interface MemberGroup {
  index: number;
  of: number;
}

/**
 * One channel's events not yet sent to all of its members. `events[0]` has sequence `base`;
 * each cursor is the sequence its member group gets next. A channel with few members has one
 * cursor (the whole room); a large one has one per group, and the groups are written at
 * staggered slots of the tick.
 */
interface ChannelLog {
  room: string;
  channel: string;
  events: ChannelEvent[];
  base: number;
  cursors: number[];
  /** Slot of the tick at which a whole-room channel is written. */
  slot: number;
}

/**
 * Gathers channel events and writes them out once per tick per member: one batch per channel,
 * so the transport serialises each batch once and writes the same packet to many members.
 *
 * The tick is cut into `groups` slots. A channel with few members is written whole at its
 * slot; a channel with at least `groupMinMembers` local members has its members split into
 * `groups` groups, group `s` written at slot `s` with what it has not had yet. Writing thousands
 * of sockets then never holds the event loop for a whole tick, and a message reaches every
 * member within one tick and one group's writes, instead of one tick and the whole room's writes.
 *
 * At most `maxEvents` events wait per channel; beyond that the oldest ephemeral one not yet
 * sent to anyone goes first, else the oldest event. The slots keep to their schedule and
 * stretch while writes are long (see `nextSlotDue`); with nothing waiting, only the first slot
 * of each tick runs.
 */
export class ChannelBatcher {
  #logs = new Map<string, ChannelLog>();
  #timer: NodeJS.Timeout | null = null;
  #immediate: NodeJS.Immediate | null = null;
  #running = false;
  #slot = 0;
  /**
   * Set while nothing waits: the slot the schedule would run next and when, while the timer
   * sleeps until the next tick's first slot. The first event to arrive resumes the schedule there.
   */
  #idle: { slot: number; due: number } | null = null;
  /** Time a slot's writes take, smoothed over the last slots, ms. */
  #writeMs = 0;
  /** When the next slot is due (performance.now()). */
  #due = 0;
  readonly #groups: number;

  constructor(
    private readonly options: {
      tickMs: number;
      maxEvents: number;
      flush: (room: string, batch: ChannelBatch, ephemeralOnly: boolean, group?: MemberGroup) => void;
      /** Called at the start of every tick, to add what is aggregated per tick. */
      beforeFlush?: () => void;
      /** Slots per tick, and member groups of a large channel; 1 by default. */
      groups?: number;
      /** Local members of a room; channels with at least `groupMinMembers` are written in groups. */
      members?: (room: string) => number;
      groupMinMembers?: number;
      /** Largest share of the time spent writing before the slots stretch; 0.75 by default. */
      busyShare?: number;
    },
  ) {
    this.#groups = Math.max(1, Math.floor(options.groups ?? 1));
  }

  /**
   * Queues an event for the channel's next batch, sent to `room` (by default the key itself).
   * Coalesced types (viewer counts, community stats) replace one not yet sent to anyone.
   */
  add(key: string, channel: string, event: ChannelEvent, room: string = key): void {
    let log = this.#logs.get(key);
    if (!log) {
      log = this.#open(key, room, channel);
      this.#logs.set(key, log);
      if (this.#idle) this.#resume(this.#idle);
    }
    const { events } = log;
    /** Index of the first event no group has had yet. */
    const fresh = Math.max(...log.cursors) - log.base;
    if (COALESCED_TYPES.has(event.type)) {
      for (let i = fresh; i < events.length; i++)
        if (events[i]!.type === event.type) {
          events[i] = event;
          return;
        }
    }
    events.push(event);
    if (events.length <= this.options.maxEvents) return;
    for (let i = fresh; i < events.length; i++)
      if (isEphemeral(events[i]!)) {
        events.splice(i, 1);
        return;
      }
    events.shift();
    log.base++;
    for (let g = 0; g < log.cursors.length; g++) log.cursors[g] = Math.max(log.cursors[g]!, log.base);
  }

  #open(key: string, room: string, channel: string): ChannelLog {
    const grouped =
      this.#groups > 1 && (this.options.members?.(room) ?? 0) >= (this.options.groupMinMembers ?? Infinity);
    return {
      room,
      channel,
      events: [],
      base: 0,
      cursors: new Array<number>(grouped ? this.#groups : 1).fill(0),
      slot: groupOf(key, this.#groups),
    };
  }

  /** Number of channels with events waiting. */
  get pendingChannels(): number {
    return this.#logs.size;
  }

  /** Sends everything pending to every member now. */
  flush(): void {
    this.options.beforeFlush?.();
    for (const log of this.#logs.values()) for (let g = 0; g < log.cursors.length; g++) this.#send(log, g);
    this.#logs.clear();
  }

  /** Writes one slot: whole-room channels whose slot it is, and that group of every grouped channel. */
  #writeSlot(slot: number): void {
    for (const [key, log] of this.#logs) {
      if (log.cursors.length > 1) this.#send(log, slot);
      else if (log.slot === slot) this.#send(log, 0);
      else continue;
      const low = Math.min(...log.cursors);
      if (low === log.base + log.events.length) this.#logs.delete(key);
      else if (low > log.base) {
        log.events.splice(0, low - log.base);
        log.base = low;
      }
    }
  }

  /** Sends one cursor's group what it has not had yet. */
  #send(log: ChannelLog, group: number): void {
    const from = log.cursors[group]! - log.base;
    if (from >= log.events.length) return;
    const events = log.events.slice(from);
    log.cursors[group] = log.base + log.events.length;
    const batch: ChannelBatch = { channel: log.channel, events };
    const ephemeralOnly = events.every(isEphemeral);
    if (log.cursors.length > 1)
      this.options.flush(log.room, batch, ephemeralOnly, { index: group, of: log.cursors.length });
    else this.options.flush(log.room, batch, ephemeralOnly);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#due = performance.now() + this.#slotMs;
    this.#schedule();
  }

  get #slotMs(): number {
    return this.options.tickMs / this.#groups;
  }

  /**
   * One slot: at the first slot of a tick `beforeFlush` first, then the writes in the check
   * phase, after what it queued with `setImmediate` (a Redis client's outgoing commands) has gone out.
   */
  #schedule(): void {
    const slotMs = this.#slotMs;
    this.#timer = setTimeout(
      () => {
        this.#idle = null;
        const slot = this.#slot;
        this.#slot = (slot + 1) % this.#groups;
        if (slot === 0) this.options.beforeFlush?.();
        this.#immediate = setImmediate(() => {
          this.#immediate = null;
          const started = performance.now();
          this.#writeSlot(slot);
          const now = performance.now();
          this.#writeMs += (now - started - this.#writeMs) * WRITE_SMOOTHING;
          this.#due = nextSlotDue(this.#due, now, slotMs, this.#writeMs, this.options.busyShare ?? 0.75);
          // With nothing waiting, wake once a tick (for what `beforeFlush` gathers), not every slot.
          if (this.#logs.size === 0 && this.#slot !== 0) {
            this.#idle = { slot: this.#slot, due: this.#due };
            this.#due += (this.#groups - this.#slot) * slotMs;
            this.#slot = 0;
          }
          this.#schedule();
        });
      },
      Math.max(0, this.#due - performance.now()),
    );
  }

  /** Puts a sleeping schedule back on its slots: the next one due from now runs when due. */
  #resume(idle: { slot: number; due: number }): void {
    this.#idle = null;
    if (!this.#timer) return;
    clearTimeout(this.#timer);
    const slotMs = this.#slotMs;
    const passed = Math.max(0, Math.ceil((performance.now() - idle.due) / slotMs));
    // The sleep ends at the tick's first slot, so fewer slots than are left in the tick have passed.
    const skipped = Math.min(passed, this.#groups - idle.slot - 1);
    this.#slot = idle.slot + skipped;
    this.#due = idle.due + skipped * slotMs;
    this.#schedule();
  }

  /** Stops ticking after sending what is pending. */
  stop(): void {
    this.#running = false;
    this.#idle = null;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#timer = null;
    this.#immediate = null;
    this.flush();
  }
}
