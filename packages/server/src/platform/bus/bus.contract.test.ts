import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBus, MemoryBusHub } from './bus.memory.ts';
import type { Bus, BusErrorHandler, BusMeta } from './bus.port.ts';
import { RedisBus } from './bus.redis.ts';
import { createBus } from './index.ts';

const REDIS_URL = process.env.REDIS_URL;

/** Builds buses for one adapter. `node` buses share a transport; `isolatedNode` buses must not see them. */
interface BusHarness {
  name: string;
  node(nodeId: string, onError?: BusErrorHandler): Bus;
  isolatedNode(nodeId: string): Bus;
  /** A bus made by `createBus`, owning its connection. */
  fromFactory(nodeId: string): Bus;
  /** Fails when the transport is unreachable, so a configured but absent Redis fails the suite. */
  ready(): Promise<void>;
  /** Closes everything this harness made during one test. */
  cleanup(): Promise<void>;
  dispose(): Promise<void>;
}

function memoryHarness(): BusHarness {
  let hub = new MemoryBusHub();
  let made: Bus[] = [];
  const track = (bus: Bus) => {
    made.push(bus);
    return bus;
  };
  return {
    name: 'memory',
    node: (nodeId, onError) => track(new MemoryBus({ hub, nodeId, onError })),
    isolatedNode: (nodeId) => track(new MemoryBus({ hub: new MemoryBusHub(), nodeId })),
    fromFactory: (nodeId) => track(createBus({ nodeId })),
    async ready() {},
    async cleanup() {
      await Promise.all(made.map((bus) => bus.close()));
      made = [];
      hub = new MemoryBusHub();
    },
    async dispose() {},
  };
}

function redisHarness(url: string): BusHarness {
  const prefix = `pnptv:test:${randomUUID()}:`;
  let made: Array<{ bus: Bus; client?: Redis }> = [];
  // maxRetriesPerRequest 1 makes an unreachable server fail the tests quickly instead of hanging.
  const nodeOn = (keyPrefix: string, nodeId: string, onError?: BusErrorHandler) => {
    const client = new Redis(url, { maxRetriesPerRequest: 1 });
    const bus = new RedisBus({ redis: client, nodeId, keyPrefix, onError });
    made.push({ bus, client });
    return bus;
  };
  return {
    name: 'redis',
    node: (nodeId, onError) => nodeOn(prefix, nodeId, onError),
    isolatedNode: (nodeId) => nodeOn(`pnptv:test:${randomUUID()}:`, nodeId),
    fromFactory(nodeId) {
      const bus = createBus({ nodeId, redisUrl: url, keyPrefix: prefix });
      made.push({ bus });
      return bus;
    },
    async ready() {
      const probe = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
      try {
        await probe.connect();
        await probe.ping();
      } finally {
        probe.disconnect();
      }
    },
    async cleanup() {
      for (const { bus, client } of made) {
        await bus.close();
        if (client?.status === 'ready') await client.quit();
        else client?.disconnect();
      }
      made = [];
    },
    // Pub/sub leaves no keys behind, so there is nothing to delete under the prefix.
    async dispose() {},
  };
}

const harnesses: BusHarness[] = [memoryHarness(), ...(REDIS_URL ? [redisHarness(REDIS_URL)] : [])];

/** Polls until `predicate` holds, failing after `timeoutMs`. */
async function waitFor(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Subscribes a handler that records every delivery. */
async function recorder(bus: Bus, topic: string) {
  const received: Array<{ message: unknown; meta: BusMeta }> = [];
  const unsubscribe = await bus.subscribe(topic, (message, meta) => {
    received.push({ message, meta });
  });
  return { received, unsubscribe };
}

describe.each(harnesses)('$name bus', (harness) => {
  // Checked before every test (once, memoised) so an unreachable Redis fails each test rather than skipping
  // them.
  let reachable: Promise<void> | undefined;
  beforeEach(() => {
    reachable ??= harness.ready();
    return reachable;
  });
  afterEach(() => harness.cleanup());
  afterAll(() => harness.dispose());

  it('delivers a published message with its topic and the publishing node id', async () => {
    const bus = harness.node('node-a');
    const { received } = await recorder(bus, 'room.created');
    await bus.publish('room.created', { id: 'room_1', tags: ['a', 'b'], count: 3, live: true, note: null });
    await waitFor(() => received.length === 1);
    expect(received[0]).toEqual({
      message: { id: 'room_1', tags: ['a', 'b'], count: 3, live: true, note: null },
      meta: { topic: 'room.created', fromNode: 'node-a' },
    });
  });

  it('only delivers messages of the subscribed topic', async () => {
    const bus = harness.node('node-a');
    const rooms = await recorder(bus, 'rooms');
    const users = await recorder(bus, 'users');
    await bus.publish('users', 1);
    await bus.publish('rooms', 2);
    await waitFor(() => rooms.received.length === 1 && users.received.length === 1);
    expect(rooms.received.map((r) => r.message)).toEqual([2]);
    expect(users.received.map((r) => r.message)).toEqual([1]);
  });

  it('delivers every message to every subscriber of the topic', async () => {
    const bus = harness.node('node-a');
    const first = await recorder(bus, 'chat');
    const second = await recorder(bus, 'chat');
    await bus.publish('chat', 'hello');
    await bus.publish('chat', 'again');
    await waitFor(() => first.received.length === 2 && second.received.length === 2);
    expect(first.received.map((r) => r.message)).toEqual(['hello', 'again']);
    expect(second.received.map((r) => r.message)).toEqual(['hello', 'again']);
  });

  it('stops delivering to a handler once it is unsubscribed, leaving other handlers subscribed', async () => {
    const bus = harness.node('node-a');
    const leaving = await recorder(bus, 'chat');
    const staying = await recorder(bus, 'chat');
    await bus.publish('chat', 'before');
    await waitFor(() => leaving.received.length === 1 && staying.received.length === 1);
    await leaving.unsubscribe();
    await bus.publish('chat', 'after');
    await waitFor(() => staying.received.length === 2);
    expect(leaving.received.map((r) => r.message)).toEqual(['before']);
  });

  it('stops all delivery on a topic after its last subscriber leaves', async () => {
    const bus = harness.node('node-a');
    const gone = await recorder(bus, 'chat');
    const marker = await recorder(bus, 'marker');
    await gone.unsubscribe();
    await bus.publish('chat', 'unheard');
    // Messages from one publisher arrive in order, so once the marker is in, 'unheard' would have been too.
    await bus.publish('marker', 'done');
    await waitFor(() => marker.received.length === 1);
    expect(gone.received).toEqual([]);
  });

  it('keeps publish order for many messages sent without waiting', async () => {
    const bus = harness.node('node-a');
    const { received } = await recorder(bus, 'seq');
    const sent = Array.from({ length: 200 }, (_, i) => i);
    await Promise.all(sent.map((i) => bus.publish('seq', i)));
    await waitFor(() => received.length === sent.length);
    expect(received.map((r) => r.message)).toEqual(sent);
  });

  it('delivers across nodes, carrying the publisher node id, and echoes to the publisher itself', async () => {
    const a = harness.node('node-a');
    const b = harness.node('node-b');
    const onA = await recorder(a, 'presence');
    const onB = await recorder(b, 'presence');
    await a.publish('presence', { user: 'u1' });
    await b.publish('presence', { user: 'u2' });
    await waitFor(() => onA.received.length === 2 && onB.received.length === 2);
    for (const { received } of [onA, onB]) {
      const byNode = Object.fromEntries(received.map((r) => [r.meta.fromNode, r.message]));
      expect(byNode).toEqual({ 'node-a': { user: 'u1' }, 'node-b': { user: 'u2' } });
    }
    expect(a.nodeId).toBe('node-a');
    expect(b.nodeId).toBe('node-b');
  });

  it('keeps each publisher’s order when two nodes publish at once', async () => {
    const a = harness.node('node-a');
    const b = harness.node('node-b');
    const c = harness.node('node-c');
    const { received } = await recorder(c, 'seq');
    const counts = Array.from({ length: 50 }, (_, i) => i);
    await Promise.all([...counts.map((i) => a.publish('seq', i)), ...counts.map((i) => b.publish('seq', i))]);
    await waitFor(() => received.length === 100);
    expect(received.filter((r) => r.meta.fromNode === 'node-a').map((r) => r.message)).toEqual(counts);
    expect(received.filter((r) => r.meta.fromNode === 'node-b').map((r) => r.message)).toEqual(counts);
  });

  it('does not deliver between buses on separate transports', async () => {
    const a = harness.node('node-a');
    const other = harness.isolatedNode('node-x');
    const onOther = await recorder(other, 'chat');
    const onA = await recorder(a, 'chat');
    await a.publish('chat', 'private');
    await other.publish('chat', 'own');
    await waitFor(() => onA.received.length === 1 && onOther.received.length === 1);
    expect(onOther.received.map((r) => r.message)).toEqual(['own']);
    expect(onA.received.map((r) => r.message)).toEqual(['private']);
  });

  it('keeps delivering to other handlers and to a throwing handler, and reports each failure', async () => {
    const errors: Array<{ error: unknown; meta: BusMeta }> = [];
    const bus = harness.node('node-a', (error, meta) => errors.push({ error, meta }));
    const calls: string[] = [];
    await bus.subscribe('jobs', (message) => {
      calls.push(`sync:${message}`);
      throw new Error(`sync ${message}`);
    });
    await bus.subscribe('jobs', async (message) => {
      calls.push(`async:${message}`);
      throw new Error(`async ${message}`);
    });
    const healthy = await recorder(bus, 'jobs');
    await bus.publish('jobs', 'one');
    await bus.publish('jobs', 'two');
    await waitFor(() => healthy.received.length === 2 && errors.length === 4);
    expect(healthy.received.map((r) => r.message)).toEqual(['one', 'two']);
    expect(calls.sort()).toEqual(['async:one', 'async:two', 'sync:one', 'sync:two']);
    expect(errors.map((e) => (e.error as Error).message).sort()).toEqual([
      'async one',
      'async two',
      'sync one',
      'sync two',
    ]);
    expect(errors.every((e) => e.meta.topic === 'jobs' && e.meta.fromNode === 'node-a')).toBe(true);
  });

  it('rejects a message that is not JSON-serialisable', async () => {
    const bus = harness.node('node-a');
    await expect(bus.publish('chat', { big: 1n })).rejects.toThrow();
  });

  it('answers ping while open and rejects ping after close', async () => {
    const bus = harness.fromFactory('node-f');
    await expect(bus.ping()).resolves.toBeUndefined();
    const { received } = await recorder(bus, 'chat');
    await bus.publish('chat', 'via factory');
    await waitFor(() => received.length === 1);
    await bus.close();
    await expect(bus.ping()).rejects.toThrow();
  });
});
