import type { Socket as NetSocket } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { canWriteFrame, eventFrame, queuedBytes, textFrame } from './chat.frames.ts';

/** What a websocket client makes of the bytes a server sent: the text messages in them. */
function readAsClient(bytes: Buffer): string[] {
  const { Receiver } = ws as unknown as {
    Receiver: new (options: { isServer: boolean }) => Writable;
  };
  const receiver = new Receiver({ isServer: false });
  const messages: string[] = [];
  receiver.on('message', (data: Buffer) => messages.push(data.toString()));
  receiver.on('error', (err: Error) => messages.push(`error: ${err.message}`));
  receiver.write(bytes);
  return messages;
}

/** A writable that never finishes a write, like a socket whose peer stopped reading. */
function stalledWire(): NetSocket {
  return new Writable({ write: () => {} }) as unknown as NetSocket;
}

describe('prepared websocket frames', () => {
  it('frames payloads of every length class so that a websocket client reads them back', () => {
    for (const length of [0, 1, 125, 126, 65_535, 65_536, 70_000]) {
      const text = 'é'.repeat(Math.floor(length / 2)) + 'x'.repeat(length % 2);
      const payload = Buffer.from(text);
      expect(payload.length).toBe(length);
      const frame = textFrame(payload);
      expect(frame.length).toBe(payload.length + (length < 126 ? 2 : length < 65_536 ? 4 : 10));
      expect(readAsClient(frame)).toEqual([text]);
    }
  });

  it('reads back two frames written one after the other as two messages', () => {
    const bytes = Buffer.concat([textFrame(Buffer.from('one')), textFrame(Buffer.from('two'))]);
    expect(readAsClient(bytes)).toEqual(['one', 'two']);
  });

  it('puts the Engine.IO message type before a single encoded packet, and refuses split ones', () => {
    const frame = eventFrame(['2["batch",{"channel":"c","events":[]}]']);
    expect(readAsClient(frame!)).toEqual(['42["batch",{"channel":"c","events":[]}]']);
    expect(eventFrame(['51-["batch",{"_placeholder":true,"num":0}]', Buffer.from([1])])).toBeNull();
    expect(eventFrame([Buffer.from([1])])).toBeNull();
  });

  it('writes straight to the socket only while the connection is open and holds nothing back', () => {
    const websocket = { name: 'websocket' };
    const open = { readyState: 'open', transport: websocket, writeBuffer: [] };
    const wire = new Writable({ write: (_chunk, _encoding, done) => done() }) as unknown as NetSocket;
    expect(canWriteFrame(open, wire)).toBe(true);
    expect(canWriteFrame({ ...open, readyState: 'closing' }, wire)).toBe(false);
    expect(canWriteFrame({ ...open, transport: { name: 'polling' } }, wire)).toBe(false);
    expect(canWriteFrame({ ...open, writeBuffer: [{ type: 'ping' }] }, wire)).toBe(false);
    expect(canWriteFrame(open, null)).toBe(false);
    wire.destroy();
    expect(canWriteFrame(open, wire)).toBe(false);
  });

  it('counts the bytes waiting in the socket and those Engine.IO holds back', () => {
    const wire = stalledWire();
    wire.write(Buffer.alloc(1_000));
    wire.write(Buffer.alloc(500));
    const transport = { name: 'websocket' };
    const conn = { readyState: 'open', transport, writeBuffer: [{ type: 'message', data: 'x'.repeat(300) }] };
    expect(queuedBytes(conn, wire)).toBe(1_800);
    expect(queuedBytes({ readyState: 'open', transport, writeBuffer: [] }, null)).toBe(0);
  });
});
