/** Baseline: a raw `ws` server that broadcasts every text frame it receives to every client. */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    const text = data.toString();
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(text);
  });
});
wss.on('listening', () => {
  process.stdout.write(`ws listening on ${(wss.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => {
  for (const client of wss.clients) client.terminate();
  wss.close(() => process.exit(0));
});
