/**
 * Baseline: a vanilla Socket.IO server that emits every chat message to the room as it
 * arrives (one emit, one serialisation per message). Same events as PNPtv's gateway:
 * `join` and `message.send` with acks; pushes `chat.message.new` per message.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const server = createServer();
const io = new Server(server, { path: '/realtime', transports: ['websocket'], perMessageDeflate: false });
let seq = 0;
io.on('connection', (socket) => {
  socket.on('join', (payload: { channel: string }, ack?: (r: unknown) => void) => {
    void socket.join(payload.channel);
    ack?.({ ok: true, history: { items: [], nextCursor: null } });
  });
  socket.on('message.send', (payload: { channel: string; text: string }, ack?: (r: unknown) => void) => {
    const message = {
      id: `msg_${++seq}`,
      channel: payload.channel,
      author: { id: socket.id, name: 'bench' },
      text: payload.text,
      createdAt: new Date().toISOString(),
    };
    io.to(payload.channel).emit('chat.message.new', message);
    ack?.({ ok: true, message });
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`socketio listening on ${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => {
  void io.close().then(() => process.exit(0));
});
