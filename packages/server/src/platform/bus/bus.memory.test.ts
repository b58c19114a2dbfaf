import { describe, expect, it } from 'vitest';
import { MemoryBus, MemoryBusHub } from './bus.memory.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('MemoryBus', () => {
  it('delivers after publish returns, never inside the publishing call', async () => {
    const bus = new MemoryBus({ nodeId: 'a' });
    const received: unknown[] = [];
    await bus.subscribe('t', (message) => void received.push(message));
    void bus.publish('t', 1);
    expect(received).toEqual([]);
    await tick();
    expect(received).toEqual([1]);
  });

  it('does not re-enter a handler that publishes to its own topic', async () => {
    const bus = new MemoryBus({ nodeId: 'a' });
    const trace: string[] = [];
    await bus.subscribe('t', (message) => {
      trace.push(`start ${message}`);
      if (message === 1) void bus.publish('t', 2);
      trace.push(`end ${message}`);
    });
    await bus.publish('t', 1);
    await tick();
    expect(trace).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('drops a message already queued for a handler that unsubscribes before delivery', async () => {
    const bus = new MemoryBus({ nodeId: 'a' });
    const received: unknown[] = [];
    const unsubscribe = await bus.subscribe('t', (message) => void received.push(message));
    void bus.publish('t', 'queued');
    await unsubscribe();
    await tick();
    expect(received).toEqual([]);
  });

  it('gives each receiving handler its own copy of the message', async () => {
    const hub = new MemoryBusHub();
    const a = new MemoryBus({ hub, nodeId: 'a' });
    const b = new MemoryBus({ hub, nodeId: 'b' });
    const copies: Array<{ list: number[] }> = [];
    await a.subscribe('t', (message) => void copies.push(message as { list: number[] }));
    await b.subscribe('t', (message) => void copies.push(message as { list: number[] }));
    const original = { list: [1] };
    await a.publish('t', original);
    await tick();
    copies[0]!.list.push(2);
    expect(copies[1]).toEqual({ list: [1] });
    expect(original).toEqual({ list: [1] });
  });

  it('stops receiving other nodes’ messages once closed, and refuses to publish', async () => {
    const hub = new MemoryBusHub();
    const a = new MemoryBus({ hub, nodeId: 'a' });
    const b = new MemoryBus({ hub, nodeId: 'b' });
    const received: unknown[] = [];
    await b.subscribe('t', (message) => void received.push(message));
    await b.close();
    await a.publish('t', 'after close');
    await tick();
    expect(received).toEqual([]);
    await expect(b.publish('t', 'x')).rejects.toThrow(/closed/);
  });

  it('gives each bus a distinct random node id when none is given', () => {
    expect(new MemoryBus().nodeId).not.toBe(new MemoryBus().nodeId);
  });
});
