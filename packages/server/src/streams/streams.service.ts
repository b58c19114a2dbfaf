import type { Actor, AuditStore } from '../audit/index.ts';
import type { Executor } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import type { Platform } from '../platform/platform.ts';
import { profileExists } from './profiles.service.ts';
import { ProfileStore } from './profiles.store.ts';
import { streamErrors } from './streams.errors.ts';
import {
  generateStreamKey,
  hashStreamKey,
  type LatencyMode,
  rtmpUrlFor,
  type StreamStatus,
  type Visibility,
} from './streams.rules.ts';
import { type StreamView, toStream } from './streams.schemas.ts';
import type { StreamChanges, StreamStore } from './streams.store.ts';

/** Bus topic on which the API tells ingest nodes to drop a publisher (stream deleted or key rotated). */
export const STREAM_CONTROL_TOPIC = 'streams:control';

/** A message on STREAM_CONTROL_TOPIC. */
export interface StreamControlMessage {
  type: 'disconnect';
  streamId: string;
  reason: 'deleted' | 'key_rotated';
}

/** Input of a new stream; omitted fields take the defaults of the table. */
export interface NewStreamInput {
  title: string;
  category?: string;
  visibility?: Visibility;
  reconnectWindowS?: number;
  record?: boolean;
  /** AES-128 encrypt the segments of the next sessions; only playback-token holders get the key. */
  encrypt?: boolean;
  latencyMode?: LatencyMode;
  /** A built-in profile or one of the app's custom profiles. */
  transcodingProfile?: string;
}

/** Changes to a stream; omitted fields keep their value. */
export type StreamUpdateInput = Partial<NewStreamInput>;

/** Where and with what key to publish. */
export interface IngestInfo {
  rtmpUrl: string;
  streamKey: string;
}

function changesOf(input: StreamUpdateInput): StreamChanges {
  const changes: StreamChanges = {};
  if (input.title !== undefined) changes.title = input.title;
  if (input.category !== undefined) changes.category = input.category;
  if (input.visibility !== undefined) changes.visibility = input.visibility;
  if (input.reconnectWindowS !== undefined) changes.reconnect_window_s = input.reconnectWindowS;
  if (input.record !== undefined) changes.record = input.record;
  if (input.encrypt !== undefined) changes.encrypt = input.encrypt;
  if (input.latencyMode !== undefined) changes.latency_mode = input.latencyMode;
  if (input.transcodingProfile !== undefined) changes.profile = input.transcodingProfile;
  return changes;
}

/** Use cases on an app's streams. Every change is audited in its own transaction. */
export class StreamService {
  readonly #profiles = new ProfileStore();

  constructor(private readonly deps: { platform: Platform; audit: AuditStore; store: StreamStore }) {}

  async #checkProfile(tx: Executor, appId: string, name: string | undefined): Promise<void> {
    if (name !== undefined && !(await profileExists(tx, this.#profiles, appId, name)))
      throw streamErrors.STREAMS_PROFILE_UNKNOWN();
  }

  private view(row: Parameters<typeof toStream>[0]): StreamView {
    return toStream(row, this.deps.platform.config.publicUrl);
  }

  private ingest(streamKey: string): IngestInfo {
    const { config } = this.deps.platform;
    return { rtmpUrl: rtmpUrlFor(config.publicUrl, config.rtmpPort), streamKey };
  }

  /** Creates a stream; its key is returned this once (stored only as a hash). */
  async create(
    actor: Actor,
    appId: string,
    ownerId: string | null,
    input: NewStreamInput,
  ): Promise<{ stream: StreamView; ingest: IngestInfo }> {
    const { platform, audit, store } = this.deps;
    const now = new Date(platform.clock.now());
    const streamKey = generateStreamKey();
    const row = await platform.db.transaction().execute(async (tx) => {
      await this.#checkProfile(tx, appId, input.transcodingProfile);
      const created = await store.insert(tx, {
        id: newId('str', now.getTime()),
        app_id: appId,
        owner_id: ownerId,
        key_hash: hashStreamKey(streamKey),
        current_session_id: null,
        created_at: now,
        updated_at: now,
        ...changesOf(input),
        title: input.title,
      });
      await audit.record(
        tx,
        { appId, ...actor, action: 'stream.create', targetType: 'stream', targetId: created.id },
        now,
      );
      return created;
    });
    return { stream: this.view(row), ingest: this.ingest(streamKey) };
  }

  /** The app's streams (or only `ownerId`'s), newest first. */
  async list(
    appId: string,
    page: { limit: number; cursor?: string; status?: StreamStatus; ownerId?: string },
  ): Promise<StreamView[]> {
    const rows = await this.deps.store.list(this.deps.platform.db, appId, page);
    return rows.map((row) => this.view(row));
  }

  async get(appId: string, id: string): Promise<StreamView> {
    const row = await this.deps.store.find(this.deps.platform.db, appId, id);
    if (!row) throw streamErrors.STREAMS_NOT_FOUND();
    return this.view(row);
  }

  /** Changes a stream's settings; latency mode and profile apply from its next session. */
  async update(actor: Actor, appId: string, id: string, input: StreamUpdateInput): Promise<StreamView> {
    const { platform, audit, store } = this.deps;
    const now = new Date(platform.clock.now());
    const row = await platform.db.transaction().execute(async (tx) => {
      if (!(await store.find(tx, appId, id, true))) throw streamErrors.STREAMS_NOT_FOUND();
      await this.#checkProfile(tx, appId, input.transcodingProfile);
      const changes = changesOf(input);
      const updated = await store.update(tx, appId, id, changes, now);
      await audit.record(
        tx,
        {
          appId,
          ...actor,
          action: 'stream.update',
          targetType: 'stream',
          targetId: id,
          data: { fields: Object.keys(input) },
        },
        now,
      );
      return updated;
    });
    return this.view(row);
  }

  /** Replaces the stream key (returned this once); a publisher using the old key is disconnected. */
  async rotateKey(
    actor: Actor,
    appId: string,
    id: string,
  ): Promise<{ stream: StreamView; ingest: IngestInfo }> {
    const { platform, audit, store } = this.deps;
    const now = new Date(platform.clock.now());
    const streamKey = generateStreamKey();
    const row = await platform.db.transaction().execute(async (tx) => {
      if (!(await store.find(tx, appId, id, true))) throw streamErrors.STREAMS_NOT_FOUND();
      const updated = await store.update(tx, appId, id, { key_hash: hashStreamKey(streamKey) }, now);
      await audit.record(
        tx,
        { appId, ...actor, action: 'stream.rotate_key', targetType: 'stream', targetId: id },
        now,
      );
      return updated;
    });
    await this.control({ type: 'disconnect', streamId: id, reason: 'key_rotated' });
    return { stream: this.view(row), ingest: this.ingest(streamKey) };
  }

  /** Deletes a stream: its key stops working at once and a live publisher is disconnected. */
  async delete(actor: Actor, appId: string, id: string): Promise<void> {
    const { platform, audit, store } = this.deps;
    const now = new Date(platform.clock.now());
    await platform.db.transaction().execute(async (tx) => {
      if (!(await store.find(tx, appId, id, true))) throw streamErrors.STREAMS_NOT_FOUND();
      await store.softDelete(tx, appId, id, now);
      await audit.record(
        tx,
        { appId, ...actor, action: 'stream.delete', targetType: 'stream', targetId: id },
        now,
      );
    });
    await this.control({ type: 'disconnect', streamId: id, reason: 'deleted' });
  }

  private async control(message: StreamControlMessage): Promise<void> {
    await this.deps.platform.bus.publish(STREAM_CONTROL_TOPIC, message);
  }
}
