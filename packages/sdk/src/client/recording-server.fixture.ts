/** Test support: a real local HTTP server for exercising the client over the network. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server received it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the server answers to the next request. */
export interface CannedResponse {
  status: number;
  body?: string;
  contentType?: string;
  /** Never answer: the connection stays open until the server closes. */
  hang?: boolean;
}

/** A real HTTP server that records every request and answers with the next canned response. */
export class RecordingServer {
  readonly seen: SeenRequest[] = [];
  private queue: CannedResponse[] = [];
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        const next = this.queue.shift() ?? { status: 500, body: 'no canned response' };
        if (next.hang) return;
        res.writeHead(next.status, { 'content-type': next.contentType ?? 'application/json' });
        res.end(next.body ?? '');
      });
    });
  }

  /** Queues a JSON answer. */
  reply(status: number, json?: unknown): void {
    this.queue.push({ status, body: json === undefined ? '' : JSON.stringify(json) });
  }

  /** Queues a raw answer. */
  replyRaw(response: CannedResponse): void {
    this.queue.push(response);
  }

  reset(): void {
    this.seen.length = 0;
    this.queue = [];
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  last(): SeenRequest {
    const request = this.seen.at(-1);
    if (!request) throw new Error('The server received no request');
    return request;
  }
}
