import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { IngestServer, PublisherConnection, PublisherMetadata } from './ingest.port.ts';

/** The parts of node-media-server 4's internals this adapter touches (it ships no type definitions). */
interface NmsBroadcast {
  publisher: NmsSession | null;
  flvAudioHeader: Buffer | null;
  flvVideoHeader: Buffer | null;
  postPlay(session: object): string | null;
  donePlay(session: object): void;
}
interface NmsSession {
  id: string;
  ip: string;
  socket?: Socket;
  streamApp: string;
  streamName: string;
  streamPath: string;
  broadcast: NmsBroadcast;
  videoCodec: number;
  videoWidth: number;
  videoHeight: number;
  videoFramerate: number;
  audioCodec: number;
  close(): void;
  run(): void;
}
interface NmsContext {
  config: Record<string, unknown>;
  sessions: Map<string, NmsSession>;
  broadcasts: Map<string, NmsBroadcast>;
  eventEmitter: NodeJS.EventEmitter;
}

const nmsRequire = createRequire(import.meta.url);

/** Options of the NMS ingest server. */
export interface NmsIngestOptions {
  /** A connection that has not started publishing this long after connecting is closed, ms. */
  publishDeadlineMs?: number;
  /** A connection that sends nothing for this long is closed, ms. */
  idleTimeoutMs?: number;
}

/**
 * RTMP ingest on node-media-server 4. Only its RTMP session and broadcast classes are used, on
 * a TCP listener of ours, so no NMS HTTP server, JSON store or `process.exit` on a busy port
 * come along. Its quirks are handled here: it announces a publish (`prePublish`) before any
 * decision and still emits `postPublish` after a refusal, and it reports the end of a publish
 * about 30 s late, so closes are taken from the socket itself. NMS keeps its state in a module
 * singleton: one instance per process.
 */
export class NmsIngestServer implements IngestServer {
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();
  #listeners: [string, (session: NmsSession) => void][] = [];
  readonly #context: NmsContext;
  readonly #RtmpSession: new (
    socket: Socket,
  ) => NmsSession;
  /** Sockets whose session announced a publish: they are exempt from the publish deadline. */
  readonly #announced = new WeakSet<Socket>();
  readonly #publishDeadlineMs: number;
  readonly #idleTimeoutMs: number;

  constructor(
    private readonly log: Logger,
    options: NmsIngestOptions = {},
  ) {
    this.#publishDeadlineMs = options.publishDeadlineMs ?? 10_000;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this.#context = nmsRequire('node-media-server/src/core/context.js') as NmsContext;
    this.#RtmpSession = nmsRequire('node-media-server/src/session/rtmp_session.js') as new (
      socket: Socket,
    ) => NmsSession;
    // NMS prints through console.log; route it to our logger at debug level instead.
    const nmsLogger = nmsRequire('node-media-server/src/core/logger.js') as {
      log: (message: string, level?: string) => void;
    };
    nmsLogger.log = (message: string, level = 'info') => log.debug({ nmsLevel: level }, message);
  }

  async start(
    port: number,
    host: string,
    onPublish: (connection: PublisherConnection) => void,
  ): Promise<number> {
    const context = this.#context;
    context.config = { bind: host, rtmp: { port } };
    const prePublish = (session: NmsSession) => {
      if (session.ip === '') return;
      if (session.socket) this.#announced.add(session.socket);
      onPublish(this.#connection(session));
    };
    // Playback is HLS only: RTMP players would bypass playback tokens and could read any key's stream.
    const prePlay = (session: NmsSession) => {
      if (session.ip === '') return;
      this.log.warn({ remote: session.ip, app: session.streamApp }, 'rtmp play refused');
      session.close();
    };
    this.#listeners = [
      ['prePublish', prePublish],
      ['prePlay', prePlay],
    ];
    for (const [event, listener] of this.#listeners) context.eventEmitter.on(event, listener);

    const server = createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.setNoDelay(true);
      // Garbage, port scanners and stalled handshakes must not hold a connection open.
      const deadline = setTimeout(() => {
        if (this.#announced.has(socket)) return;
        this.log.warn({ remote: socket.remoteAddress }, 'rtmp connection did not publish in time; closing');
        socket.destroy();
      }, this.#publishDeadlineMs);
      deadline.unref();
      socket.once('close', () => clearTimeout(deadline));
      socket.setTimeout(this.#idleTimeoutMs, () => {
        this.log.warn({ remote: socket.remoteAddress }, 'rtmp connection idle; closing');
        socket.destroy();
      });
      const session = new this.#RtmpSession(socket);
      session.run();
      context.sessions.set(session.id, session);
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.log.error({ err: error }, 'rtmp listener error'));
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  async stop(): Promise<void> {
    for (const [event, listener] of this.#listeners) this.#context.eventEmitter.off(event, listener);
    this.#listeners = [];
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #connection(session: NmsSession): PublisherConnection {
    const context = this.#context;
    let closed = session.socket?.destroyed ?? true;
    session.socket?.once('close', () => {
      closed = true;
    });
    const broadcast = () => context.broadcasts.get(session.streamPath) ?? session.broadcast;
    return {
      id: session.id,
      app: session.streamApp,
      key: session.streamName,
      remote: session.ip,
      metadata: (): PublisherMetadata | null => {
        const b = broadcast();
        // Codec ids come from onMetaData and are undefined when a track is absent.
        const hasVideo = Boolean(session.videoCodec) || b.flvVideoHeader !== null;
        const hasAudio = Boolean(session.audioCodec) || b.flvAudioHeader !== null;
        if (!hasVideo && !hasAudio) return null;
        return {
          width: session.videoWidth || 0,
          height: session.videoHeight || 0,
          fps: session.videoFramerate || 0,
          hasVideo,
          hasAudio,
        };
      },
      closed: () => closed,
      close: () => session.socket?.destroy(),
      onClose: (listener) => {
        if (closed) queueMicrotask(listener);
        else session.socket?.once('close', listener);
      },
      subscribe: (sink) => {
        const target = broadcast();
        const subscriber = {
          id: `pnptv-${randomBytes(6).toString('hex')}`,
          ip: '',
          protocol: 'flv',
          streamPath: session.streamPath,
          endTime: 0,
          sendBuffer: sink,
          close: () => {},
        };
        target.postPlay(subscriber);
        return () => target.donePlay(subscriber);
      },
    };
  }
}
