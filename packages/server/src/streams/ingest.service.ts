import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { newId } from '../platform/ids.ts';
import { capLogger } from '../platform/log.ts';
import type { MediaStorage } from '../platform/media/index.ts';
import type { Platform } from '../platform/platform.ts';
import { heartbeatAndSweep, type IngestEvent, publishIngestEvent } from './ingest.heartbeat.ts';
import { IngestMetrics } from './ingest.metrics.ts';
import type { IngestServer, PublisherConnection, PublisherMetadata } from './ingest.port.ts';
import { resolveLadder } from './profiles.service.ts';
import { ProfileStore } from './profiles.store.ts';
import type { RestreamRelay } from './restream.relay.ts';
import {
  hashStreamKey,
  INGEST_HEALTH_TTL_MS,
  type IngestHealth,
  ingestHealthKey,
  qualityDrop,
  STREAM_KEY_PATTERN,
  selectRungs,
} from './streams.rules.ts';
import { STREAM_CONTROL_TOPIC, type StreamControlMessage } from './streams.service.ts';
import type { StreamRow, StreamStore } from './streams.store.ts';
import { LiveTranscoder, livePrefix } from './transcoder.ts';
import { VodService } from './vods.service.ts';
import { VodStore } from './vods.store.ts';

/** RTMP application publishers must use: `rtmp://host:port/live`. */
export const INGEST_APP = 'live';
/** How long to wait for the publisher's metadata before giving up on the publish, ms. */
export const METADATA_WAIT_MS = 5_000;
/** Frame rate assumed when the publisher does not announce one. */
export const DEFAULT_FPS = 30;
/** How often a node marks its live sessions alive and looks for sessions of dead nodes, ms. */
export const HEARTBEAT_MS = 10_000;
/** A session whose node has not beaten for this long is ended by another node, ms. */
export const ORPHAN_AFTER_MS = 45_000;

/** Why a live session ended. */
export type EndReason =
  | 'ingest_lost'
  | 'reconnect_window_elapsed'
  | 'deleted'
  | 'key_rotated'
  | 'transcoder_failed'
  | 'storage_failed'
  | 'shutdown'
  | 'no_video';

/** A live session this node is running. */
interface LiveSession {
  streamId: string;
  appId: string;
  sessionId: string;
  /** Transport id of the connected publisher; null while waiting for a reconnect. */
  connectionId: string | null;
  connection: PublisherConnection | null;
  transcoder: LiveTranscoder | null;
  reconnectTimer: NodeJS.Timeout | null;
  reconnectWindowS: number;
  ending: boolean;
  /** Inside a degraded-transcode episode (health.quality.drop already emitted). */
  qualityDropped: boolean;
  /** The session is recorded: its HLS becomes a VOD when it ends. */
  record: boolean;
  rungs: number[];
  fps: number;
  /** FLV bytes received from publishers, and when the ingest health was last published. */
  ingestBytes: number;
  lastHealth: { atMs: number; bytes: number } | null;
  /** Private folder holding the session's AES-128 key files (outside media storage); null for clear segments. */
  keyDir: string | null;
}

/** How long media uploads may keep failing before live sessions are ended (`storage_failed`), ms. */
export const STORAGE_FAILURE_GRACE_MS = 10_000;

/** How often a live session's ingest health is published for the studio, ms. */
export const INGEST_HEALTH_EVERY_MS = 2_000;

/** What the ingest role is built from. */
export interface LiveIngestDeps {
  platform: Platform;
  store: StreamStore;
  server: IngestServer;
  storage: MediaStorage;
  ffmpegPath: string;
  /** How long to wait for the publisher's metadata, ms (default METADATA_WAIT_MS). */
  metadataWaitMs?: number;
  /** Heartbeat and orphan sweep period, ms (default HEARTBEAT_MS). */
  heartbeatMs?: number;
  /** Silence after which another node's session counts as orphaned, ms (default ORPHAN_AFTER_MS). */
  orphanAfterMs?: number;
  /** How long media uploads may fail before live sessions end, ms (default STORAGE_FAILURE_GRACE_MS). */
  storageFailureGraceMs?: number;
  /** Forwards live streams to their restream targets; none when absent. */
  restream?: RestreamRelay;
}

/**
 * The ingest role: checks every publish against the stream keys before any ffmpeg starts,
 * refuses unknown, rotated, deleted and already-publishing keys, runs one supervised
 * transcoder per live session, and moves streams idle → live → reconnecting → ended, keeping
 * the session when the publisher returns within the stream's reconnect window.
 */
export class LiveIngest {
  readonly #log: Logger;
  readonly #metrics: IngestMetrics;
  readonly #vods: VodService;
  readonly #profiles = new ProfileStore();
  /** Live sessions by stream id. */
  readonly #sessions = new Map<string, LiveSession>();
  /** Stream ids whose publish is being accepted right now (claimed synchronously, so two racing publishes cannot both win). */
  readonly #claiming = new Set<string>();
  #unsubscribeControl: (() => Promise<void>) | null = null;
  #port = 0;
  #stopping = false;
  #heartbeat: NodeJS.Timeout | null = null;
  #storageFailure: NodeJS.Timeout | null = null;

  constructor(private readonly deps: LiveIngestDeps) {
    this.#log = capLogger(deps.platform.log, 'streams').child({ part: 'ingest' });
    this.#metrics = new IngestMetrics(deps.platform.metrics.registry);
    this.#vods = new VodService({ platform: deps.platform, storage: deps.storage, store: new VodStore() });
    if ('onUploadHealth' in deps.storage)
      deps.storage.onUploadHealth = (failing) => this.#onStorageHealth(failing);
  }

  /**
   * Media uploads failing for longer than the grace period end every live session with
   * `storage_failed` (viewers would otherwise watch a frozen "live" stream); a recovery within
   * the grace period changes nothing.
   */
  #onStorageHealth(failing: boolean): void {
    if (!failing) {
      if (this.#storageFailure) clearTimeout(this.#storageFailure);
      this.#storageFailure = null;
      return;
    }
    if (this.#storageFailure) return;
    this.#storageFailure = setTimeout(() => {
      this.#storageFailure = null;
      if (this.#sessions.size === 0) return;
      this.#log.error(
        { streams: [...this.#sessions.keys()] },
        'media storage keeps failing; ending live sessions',
      );
      for (const session of this.#sessions.values()) void this.#end(session, 'storage_failed');
    }, this.deps.storageFailureGraceMs ?? STORAGE_FAILURE_GRACE_MS);
    this.#storageFailure.unref();
  }

  /** The bound RTMP port (after start). */
  get port(): number {
    return this.#port;
  }

  /** Pids of the running transcoders, for health checks and tests. */
  transcoderPids(): number[] {
    return [...this.#sessions.values()].flatMap((s) => (s.transcoder?.pid ? [s.transcoder.pid] : []));
  }

  /** Listens for publishers on `port` (0: any free port) and for control messages; resolves with the bound port. */
  async start(port: number, host = '0.0.0.0'): Promise<number> {
    await this.deps.restream?.start();
    this.#unsubscribeControl = await this.deps.platform.bus.subscribe(STREAM_CONTROL_TOPIC, (message) =>
      this.#onControl(message as StreamControlMessage),
    );
    this.#port = await this.deps.server.start(port, host, (connection) => {
      this.#onPublish(connection).catch((error: unknown) => {
        this.#log.error({ err: error, connection: connection.id }, 'publish handling failed');
        connection.close();
      });
    });
    this.#log.info({ port: this.#port }, 'RTMP ingest listening');
    await this.#beat();
    this.#heartbeat = setInterval(() => void this.#beat(), this.deps.heartbeatMs ?? HEARTBEAT_MS);
    this.#heartbeat.unref();
    return this.#port;
  }

  /** Marks this node's sessions alive, then ends sessions of nodes that stopped beating. Never throws. */
  async #beat(): Promise<void> {
    const { platform, store } = this.deps;
    try {
      const own = new Set([...this.#sessions.values()].map((s) => s.sessionId));
      const now = new Date(platform.clock.now());
      const orphanAfterMs = this.deps.orphanAfterMs ?? ORPHAN_AFTER_MS;
      for (const orphan of await heartbeatAndSweep({ db: platform.db, store }, own, now, orphanAfterMs)) {
        this.#log.warn(
          { streamId: orphan.stream_id, sessionId: orphan.id, node: orphan.node_id },
          'ended a session whose ingest node stopped',
        );
        await this.#publishEvent('stream.offline', orphan.app_id, {
          streamId: orphan.stream_id,
          sessionId: orphan.id,
          reason: 'ingest_lost',
        });
      }
    } catch (error) {
      this.#log.error({ err: error }, 'ingest heartbeat failed');
    }
  }

  /** Stops accepting publishers, ends every live session and waits for every transcoder to exit. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    if (this.#storageFailure) clearTimeout(this.#storageFailure);
    this.#storageFailure = null;
    this.#heartbeat = null;
    await this.#unsubscribeControl?.();
    this.#unsubscribeControl = null;
    await Promise.all([...this.#sessions.values()].map((s) => this.#end(s, 'shutdown')));
    await this.deps.restream?.stop();
    await this.deps.server.stop();
  }

  #refuse(connection: PublisherConnection, reason: string, streamId?: string): void {
    this.#log.warn(
      { remote: connection.remote, connection: connection.id, streamId, reason },
      'publish refused',
    );
    connection.close();
  }

  async #onPublish(connection: PublisherConnection): Promise<void> {
    if (this.#stopping) return this.#refuse(connection, 'shutting_down');
    if (connection.app !== INGEST_APP || !STREAM_KEY_PATTERN.test(connection.key))
      return this.#refuse(connection, 'unknown_key');
    const { platform, store } = this.deps;
    const stream = await store.findByKeyHash(platform.db, hashStreamKey(connection.key));
    if (!stream) return this.#refuse(connection, 'unknown_key');
    const live = this.#sessions.get(stream.id);
    if (this.#claiming.has(stream.id) || (live && live.connectionId !== null))
      return this.#refuse(connection, 'already_publishing', stream.id);
    if (connection.closed()) return;
    this.#claiming.add(stream.id);
    try {
      if (live) await this.#resume(live, connection);
      else await this.#begin(stream, connection);
    } finally {
      this.#claiming.delete(stream.id);
    }
  }

  /** The publisher came back within the window: same session, same transcoder. */
  async #resume(session: LiveSession, connection: PublisherConnection): Promise<void> {
    if (session.reconnectTimer) clearTimeout(session.reconnectTimer);
    session.reconnectTimer = null;
    session.transcoder?.resetLag();
    this.#attach(session, connection);
    const now = new Date(this.deps.platform.clock.now());
    await this.deps.store.setStatus(this.deps.platform.db, session.streamId, 'live', session.sessionId, now);
    await this.deps.store.countReconnect(this.deps.platform.db, session.sessionId);
    this.#log.info({ streamId: session.streamId, sessionId: session.sessionId }, 'publisher reconnected');
  }

  async #begin(stream: StreamRow, connection: PublisherConnection): Promise<void> {
    const { platform, store, storage } = this.deps;
    const metadata = await this.#waitForMetadata(connection);
    if (connection.closed()) return;
    if (!metadata?.hasVideo || metadata.height <= 0) return this.#refuse(connection, 'no_video', stream.id);
    const ladder = await resolveLadder(platform.db, this.#profiles, stream.app_id, stream.profile);
    const rungs = selectRungs(ladder, metadata.height);
    const fps = metadata.fps > 0 ? metadata.fps : DEFAULT_FPS;
    const now = new Date(platform.clock.now());
    const sessionId = newId('ses', now.getTime());
    await store.insertSession(platform.db, {
      id: sessionId,
      app_id: stream.app_id,
      stream_id: stream.id,
      source_width: metadata.width,
      source_height: metadata.height,
      source_fps: fps,
      rungs: JSON.stringify(rungs.map((r) => r.height)),
      node_id: platform.nodeId,
      heartbeat_at: now,
      started_at: now,
    });
    const session: LiveSession = {
      streamId: stream.id,
      appId: stream.app_id,
      sessionId,
      connectionId: null,
      connection: null,
      transcoder: null,
      reconnectTimer: null,
      reconnectWindowS: stream.reconnect_window_s,
      ending: false,
      qualityDropped: false,
      record: stream.record,
      rungs: rungs.map((r) => r.height),
      fps,
      ingestBytes: 0,
      lastHealth: null,
      keyDir: null,
    };
    this.#sessions.set(stream.id, session);
    this.#attach(session, connection);

    await storage.removePrefix(livePrefix(stream.id));
    const outputDir = await storage.workDir(livePrefix(stream.id));
    const ingestBytes = platform.metrics.ingestReceivedBytes;
    const keyInfoFile = stream.encrypt ? await this.#prepareKey(session) : null;
    session.transcoder = new LiveTranscoder(
      { ffmpegPath: this.deps.ffmpegPath, log: this.#log.child({ streamId: stream.id }) },
      {
        streamId: stream.id,
        segmentTag: sessionId.slice(-8),
        rungs,
        fps,
        hasAudio: metadata.hasAudio,
        latencyMode: stream.latency_mode,
        record: stream.record,
        keyInfoFile,
        subscribe: (sink) =>
          connection.subscribe((chunk) => {
            session.ingestBytes += chunk.length;
            ingestBytes.inc(chunk.length);
            sink(chunk);
          }),
      },
      outputDir,
      (reason) => {
        this.#log.error({ streamId: stream.id, reason }, 'transcoder gave up');
        platform.metrics.transcoderFailures.inc();
        void this.#end(session, reason);
      },
    );
    // Counted from creation: #end counts it down for any session that has one, started or not.
    platform.metrics.transcoders.inc();
    session.transcoder.onHealth = (health) => this.#onHealth(session, health);
    await session.transcoder.start();
    await store.setStatus(platform.db, stream.id, 'live', sessionId, now);
    this.#log.info(
      { streamId: stream.id, sessionId, source: metadata, rungs: rungs.map((r) => r.height) },
      'stream is live',
    );
    await this.#event('stream.live', session, {
      rungs: rungs.map((r) => r.height),
      source: { width: metadata.width, height: metadata.height, fps },
    });
    if (stream.record) await this.#event('recording.started', session, {});
    await this.deps.restream?.begin(stream.id, (sink) => connection.subscribe(sink));
  }

  /**
   * Creates the session's AES-128 key: kept on the session row (served to token holders) and
   * written, with ffmpeg's key info file, to a private folder outside media storage. Returns
   * the key info file. The key URI in playlists is `../key/<sessionId>.key`, relative to each
   * rendition's playlist.
   */
  async #prepareKey(session: LiveSession): Promise<string> {
    const { platform, store } = this.deps;
    const key = randomBytes(16);
    await store.setSessionKey(platform.db, session.sessionId, key.toString('hex'));
    const dir = join(platform.config.dataDir, 'private', 'keys', session.sessionId);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const keyFile = join(dir, 'segment.key');
    const infoFile = join(dir, 'key.info');
    await writeFile(keyFile, key, { mode: 0o600 });
    await writeFile(infoFile, `../key/${session.sessionId}.key\n${keyFile}\n`, { mode: 0o600 });
    session.keyDir = dir;
    return infoFile;
  }

  #attach(session: LiveSession, connection: PublisherConnection): void {
    session.connectionId = connection.id;
    session.connection = connection;
    connection.onClose(() => {
      if (session.connectionId !== connection.id || session.ending) return;
      session.connectionId = null;
      session.connection = null;
      this.#onPublisherGone(session).catch((error: unknown) =>
        this.#log.error({ err: error, streamId: session.streamId }, 'handling a dropped publisher failed'),
      );
    });
  }

  async #onPublisherGone(session: LiveSession): Promise<void> {
    if (session.reconnectWindowS === 0) return this.#end(session, 'reconnect_window_elapsed');
    const now = new Date(this.deps.platform.clock.now());
    await this.deps.store.setStatus(
      this.deps.platform.db,
      session.streamId,
      'reconnecting',
      session.sessionId,
      now,
    );
    this.#log.info(
      { streamId: session.streamId, windowS: session.reconnectWindowS },
      'publisher dropped; waiting',
    );
    if (session.connectionId !== null || session.ending) return;
    session.reconnectTimer = setTimeout(() => {
      session.reconnectTimer = null;
      void this.#end(session, 'reconnect_window_elapsed');
    }, session.reconnectWindowS * 1000);
  }

  async #end(session: LiveSession, reason: EndReason): Promise<void> {
    if (session.ending) return;
    session.ending = true;
    if (session.reconnectTimer) clearTimeout(session.reconnectTimer);
    session.connection?.close();
    try {
      await Promise.all([session.transcoder?.stop(), this.deps.restream?.end(session.streamId)]);
    } finally {
      if (session.transcoder) this.deps.platform.metrics.transcoders.dec();
      if (this.#sessions.get(session.streamId) === session) this.#sessions.delete(session.streamId);
      this.#metrics.remove(session.streamId);
    }
    const { platform, store } = this.deps;
    const now = new Date(platform.clock.now());
    try {
      await store.endSession(platform.db, session.sessionId, reason, now);
      await store.setStatus(platform.db, session.streamId, 'ended', null, now);
      await platform.cache.delete(ingestHealthKey(session.streamId));
      await this.#event('stream.offline', session, { reason });
    } catch (error) {
      this.#log.error({ err: error, streamId: session.streamId }, 'recording the end of a session failed');
    }
    if (session.keyDir) await rm(session.keyDir, { recursive: true, force: true }).catch(() => {});
    if (session.record && reason !== 'deleted') await this.#keepRecording(session);
    this.#log.info({ streamId: session.streamId, sessionId: session.sessionId, reason }, 'stream ended');
  }

  /** Turns the ended session's output into a VOD (recording.ready); failures are logged, never thrown. */
  async #keepRecording(session: LiveSession): Promise<void> {
    const { platform, store } = this.deps;
    try {
      const stream = await store.findById(platform.db, session.streamId);
      if (!stream) return;
      const vod = await this.#vods.finish({
        appId: session.appId,
        streamId: session.streamId,
        sessionId: session.sessionId,
        ownerId: stream.owner_id,
        title: stream.title,
        visibility: stream.visibility,
        rungs: session.rungs,
        encrypted: session.keyDir !== null,
      });
      if (vod) this.#log.info({ streamId: session.streamId, vodId: vod.id }, 'recording kept');
      else this.#log.warn({ streamId: session.streamId }, 'recording had no media to keep');
    } catch (error) {
      this.#log.error({ err: error, streamId: session.streamId }, 'keeping the recording failed');
    }
  }

  /** Publishes ingest bitrate, fps, speed and lag for the studio (shared cache, every few seconds). */
  #publishHealth(session: LiveSession, health: { speed: number | null; lagS: number }): void {
    const nowMs = Date.now();
    const last = session.lastHealth;
    if (last && nowMs - last.atMs < INGEST_HEALTH_EVERY_MS) return;
    session.lastHealth = { atMs: nowMs, bytes: session.ingestBytes };
    if (!last) return;
    const reading: IngestHealth = {
      bitrateKbps: Math.round(((session.ingestBytes - last.bytes) * 8) / (nowMs - last.atMs)),
      fps: session.fps,
      speed: health.speed,
      lagS: health.lagS,
    };
    this.deps.platform.cache
      .set(ingestHealthKey(session.streamId), JSON.stringify(reading), INGEST_HEALTH_TTL_MS)
      .catch((error: unknown) => this.#log.warn({ err: error }, 'publishing ingest health failed'));
  }

  /** Records transcoder speed and lag; emits health.quality.drop once per degraded episode while a publisher is connected. */
  #onHealth(session: LiveSession, health: { speed: number | null; lagS: number }): void {
    this.#metrics.set(session.streamId, health);
    if (session.connectionId !== null && !session.ending) this.#publishHealth(session, health);
    if (session.connectionId === null || session.ending) return;
    const { dropped, started } = qualityDrop(session.qualityDropped, health.lagS);
    session.qualityDropped = dropped;
    if (!started) return;
    this.#log.warn({ streamId: session.streamId, ...health }, 'transcoder is falling behind real time');
    void this.#publishEvent('health.quality.drop', session.appId, {
      streamId: session.streamId,
      sessionId: session.sessionId,
      lagS: health.lagS,
      speed: health.speed,
    }).catch((error: unknown) => this.#log.error({ err: error }, 'publishing a quality drop failed'));
  }

  async #onControl(message: StreamControlMessage): Promise<void> {
    if (message?.type !== 'disconnect') return;
    const session = this.#sessions.get(message.streamId);
    if (!session) return;
    this.#log.info({ streamId: message.streamId, reason: message.reason }, 'disconnecting publisher');
    await this.#end(session, message.reason);
  }

  async #waitForMetadata(connection: PublisherConnection): Promise<PublisherMetadata | null> {
    const deadline = Date.now() + (this.deps.metadataWaitMs ?? METADATA_WAIT_MS);
    for (;;) {
      const metadata = connection.metadata();
      if ((metadata && metadata.height > 0) || connection.closed() || Date.now() >= deadline) return metadata;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  #event(
    type: 'stream.live' | 'stream.offline' | 'recording.started',
    session: LiveSession,
    data: Record<string, unknown>,
  ) {
    return this.#publishEvent(type, session.appId, {
      streamId: session.streamId,
      sessionId: session.sessionId,
      ...data,
    });
  }

  #publishEvent(type: IngestEvent, appId: string, data: Record<string, unknown>): Promise<void> {
    return publishIngestEvent(this.deps.platform.bus, this.deps.platform.clock.now(), type, appId, data);
  }
}
