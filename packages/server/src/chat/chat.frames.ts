import type { Socket as NetSocket } from 'node:net';

/**
 * A websocket text frame (RFC 6455 §5.2) carrying `payload` whole: FIN set, opcode 1, unmasked,
 * as a server sends it. Built once per batch and written as is to every member's socket.
 */
export function textFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, header);
  return frame;
}

/**
 * A Socket.IO event as one websocket frame: the Engine.IO message type (`4`) before the
 * Socket.IO packet the server's encoder made. Null when the encoder split it into several
 * packets (binary attachments), which only the Engine.IO path can send.
 */
export function eventFrame(encoded: readonly unknown[]): Buffer | null {
  if (encoded.length !== 1 || typeof encoded[0] !== 'string') return null;
  return textFrame(Buffer.from(`4${encoded[0]}`));
}

/** What a prepared frame's writer reads of an Engine.IO connection: its state, transport and the packets it holds back. */
export interface EngineConnection {
  readyState: string;
  transport: { name: string };
  writeBuffer: readonly unknown[];
}

/**
 * Whether a prepared frame may go straight to the connection's TCP socket. Only over a
 * websocket (the TCP socket of a polling request carries HTTP), while the connection is open
 * and Engine.IO holds nothing back: what it has already handed on is in the socket before the
 * frame, and what it sends later comes after, so the order stays the one in which the server
 * sent them.
 */
export function canWriteFrame(conn: EngineConnection, wire: NetSocket | null): wire is NetSocket {
  return (
    conn.readyState === 'open' &&
    conn.transport.name === 'websocket' &&
    conn.writeBuffer.length === 0 &&
    wire?.writable === true &&
    !wire.destroyed
  );
}

/** Bytes waiting to go out to one client: in its TCP socket's buffer, and held back by Engine.IO. */
export function queuedBytes(conn: EngineConnection, wire: NetSocket | null): number {
  let bytes = wire?.writableLength ?? 0;
  for (const packet of conn.writeBuffer) {
    const data = (packet as { data?: unknown }).data;
    bytes += typeof data === 'string' ? data.length : Buffer.isBuffer(data) ? data.length : 64;
  }
  return bytes;
}
