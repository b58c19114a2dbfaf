/** Metadata delivered with every bus message. */
export interface BusMeta {
  /** Topic the message was published on, without any transport prefix. */
  topic: string;
  /** `nodeId` of the publishing bus; equal to the receiver's own id for its echo. */
  fromNode: string;
}

/** Receives one message. A returned promise is awaited only to catch its rejection, never to order deliveries. */
export type BusHandler = (message: unknown, meta: BusMeta) => void | Promise<void>;

/** Called when a handler throws or rejects, or when a message from the transport cannot be decoded. */
export type BusErrorHandler = (error: unknown, meta: BusMeta) => void;

/** Cross-node publish/subscribe. Messages are JSON-serialisable values. Delivery is at-most-once, in publish order per publisher and topic. */
export interface Bus {
  /** Stable id of this node, carried on every message so receivers can ignore their own echo if they want. */
  readonly nodeId: string;
  publish(topic: string, message: unknown): Promise<void>;
  /** Returns an unsubscribe function. Handlers receive (message, meta: { topic: string; fromNode: string }). A handler that throws must not break other handlers or the subscription (log via optional onError). */
  subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>>;
  /** Resolves when the transport is reachable (used by /readyz); rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
