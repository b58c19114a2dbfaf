import { randomUUID } from 'node:crypto';
import { decodeEnvelope, encodeEnvelope, invokeHandler, warnOnHandlerError } from './bus.envelope.ts';
import type { Bus, BusErrorHandler, BusHandler } from './bus.port.ts';

/** One handler registered on a `MemoryBusHub`. */
export interface HubSubscription {
  handler: BusHandler;
  onError: BusErrorHandler;
  /** Cleared on unsubscribe so messages already queued for this subscription are dropped. */
  active: boolean;
}

/**
 * In-process transport shared by several `MemoryBus` instances. Buses on one hub see each other's
 * messages, which lets a single process stand in for several nodes.
 */
export class MemoryBusHub {
  readonly #topics = new Map<string, Set<HubSubscription>>();

  /** Registers a subscription on a topic. */
  add(topic: string, subscription: HubSubscription): void {
    let set = this.#topics.get(topic);
    if (!set) {
      set = new Set();
      this.#topics.set(topic, set);
    }
    set.add(subscription);
  }

  /** Removes a subscription; empty topics are dropped so the hub does not grow with dead topics. */
  remove(topic: string, subscription: HubSubscription): void {
    subscription.active = false;
    const set = this.#topics.get(topic);
    if (!set) return;
    set.delete(subscription);
    if (set.size === 0) this.#topics.delete(topic);
  }

  /**
   * Fans a payload out to the subscribers present now. Each delivery is queued as a microtask, so a
   * publisher never re-enters a handler and the microtask queue keeps publish order.
   */
  deliver(topic: string, payload: string): void {
    const set = this.#topics.get(topic);
    if (!set) return;
    for (const subscription of [...set]) {
      queueMicrotask(() => {
        if (!subscription.active) return;
        // Decoded per delivery so that no two handlers share (and can mutate) one object, as across real
        // nodes.
        const envelope = decodeEnvelope(payload);
        invokeHandler(
          subscription.handler,
          envelope.m,
          { topic, fromNode: envelope.n },
          subscription.onError,
        );
      });
    }
  }
}

/** Options for `MemoryBus`. */
export interface MemoryBusOptions {
  /** Defaults to a random id. */
  nodeId?: string;
  /** Share one hub between buses to simulate several nodes; defaults to a private hub. */
  hub?: MemoryBusHub;
  onError?: BusErrorHandler;
}

/**
 * Single-process bus. Messages go through JSON like on a real transport, so non-serialisable values fail here
 * too.
 */
export class MemoryBus implements Bus {
  readonly nodeId: string;
  readonly #hub: MemoryBusHub;
  readonly #onError: BusErrorHandler;
  readonly #subscriptions = new Set<{ topic: string; subscription: HubSubscription }>();
  #closed = false;

  constructor(options: MemoryBusOptions = {}) {
    this.nodeId = options.nodeId ?? randomUUID();
    this.#hub = options.hub ?? new MemoryBusHub();
    this.#onError = options.onError ?? warnOnHandlerError;
  }

  async publish(topic: string, message: unknown): Promise<void> {
    this.#assertOpen();
    this.#hub.deliver(topic, encodeEnvelope(this.nodeId, message));
  }

  async subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>> {
    this.#assertOpen();
    const entry = { topic, subscription: { handler, onError: this.#onError, active: true } };
    this.#subscriptions.add(entry);
    this.#hub.add(topic, entry.subscription);
    return async () => {
      this.#subscriptions.delete(entry);
      this.#hub.remove(topic, entry.subscription);
    };
  }

  async ping(): Promise<void> {
    this.#assertOpen();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const entry of this.#subscriptions) this.#hub.remove(entry.topic, entry.subscription);
    this.#subscriptions.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('bus is closed');
  }
}
