import type { Actor, AuditStore } from '../audit/index.ts';
import type { Executor } from '../platform/db/schema.ts';
import { AppError } from '../platform/errors.ts';
import type { OutboundTargetCheck } from '../platform/http/outbound.ts';
import { newId } from '../platform/ids.ts';
import type { Platform } from '../platform/platform.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { restreamErrors } from './restream.errors.ts';
import {
  checkTargetKey,
  checkTargetUrl,
  keyHint,
  MAX_TARGETS_PER_STREAM,
  publishUrl,
  type TargetProblem,
  type TargetState,
} from './restream.rules.ts';
import { type RestreamTargetView, toRestreamTarget } from './restream.schemas.ts';
import type { RestreamStore, RestreamTargetChanges } from './restream.store.ts';
import { streamErrors } from './streams.errors.ts';
import type { StreamRow, StreamStore } from './streams.store.ts';

/** Bus topic telling ingest nodes that a stream's targets changed (they re-read them if it is live there). */
export const RESTREAM_CONTROL_TOPIC = 'restream:control';
/** A message on RESTREAM_CONTROL_TOPIC. */
export interface RestreamControlMessage {
  streamId: string;
}

/** Cache key of a live stream's target states (JSON: target id → TargetState), written by its ingest node. */
export function restreamStateKey(streamId: string): string {
  return `restream:state:${streamId}`;
}

/** A new target as entered. */
export interface NewRestreamTarget {
  name: string;
  url: string;
  streamKey: string;
  enabled?: boolean;
}

/** Changes to a target; omitted fields keep their value. */
export type RestreamTargetUpdate = Partial<NewRestreamTarget>;

/** A target ready to send to: the full publish URL (with its key) and the key, to redact it from messages. */
export interface OpenTarget {
  id: string;
  publishUrl: string;
  key: string;
}

const PROBLEM_ERRORS: Record<TargetProblem, () => Error> = {
  url_invalid: restreamErrors.RESTREAM_URL_INVALID,
  url_scheme: restreamErrors.RESTREAM_URL_SCHEME,
  url_credentials: restreamErrors.RESTREAM_URL_CREDENTIALS,
  url_private: restreamErrors.RESTREAM_URL_PRIVATE,
  url_too_long: restreamErrors.RESTREAM_URL_TOO_LONG,
  key_invalid: restreamErrors.RESTREAM_KEY_INVALID,
};

/** What the restream use cases are built from. */
export interface RestreamServiceDeps {
  platform: Platform;
  audit: AuditStore;
  store: RestreamStore;
  streams: StreamStore;
  box: SecretBox;
  /** The outbound policy for user-supplied targets: a destination's host must resolve to public addresses. */
  hosts: Pick<OutboundTargetCheck, 'checkHost'>;
}

/**
 * A stream's restream targets: add, change, remove, and read with their live state. Keys are
 * sealed before they reach the database and never leave it in an answer (only their last
 * four characters). Every change is audited and announced to the ingest nodes.
 */
export class RestreamService {
  constructor(private readonly deps: RestreamServiceDeps) {}

  async #check(input: RestreamTargetUpdate): Promise<void> {
    const allowPrivate = this.deps.platform.config.restreamAllowPrivate;
    const problem =
      (input.url !== undefined ? checkTargetUrl(input.url, allowPrivate) : null) ??
      (input.streamKey !== undefined ? checkTargetKey(input.streamKey) : null);
    if (problem) throw PROBLEM_ERRORS[problem]();
    if (input.url !== undefined && !allowPrivate && !(await this.#hostAllowed(input.url, true))) {
      throw restreamErrors.RESTREAM_URL_PRIVATE();
    }
  }

  /**
   * Whether the outbound policy lets the destination's host through now: every address it
   * resolves to is global unicast and not this machine's. `strict` turns a name that does not
   * resolve into RESTREAM_URL_UNRESOLVED (when saving); otherwise it only counts as refused.
   */
  async #hostAllowed(url: string, strict: boolean): Promise<boolean> {
    try {
      await this.deps.hosts.checkHost(new URL(url).hostname);
      return true;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (strict && error.code === 'OUTBOUND_TARGET_UNRESOLVED')
        throw restreamErrors.RESTREAM_URL_UNRESOLVED();
      return false;
    }
  }

  async #requireStream(db: Executor, appId: string, streamId: string, lock = true): Promise<StreamRow> {
    const stream = await this.deps.streams.find(db, appId, streamId, lock);
    if (!stream) throw streamErrors.STREAMS_NOT_FOUND();
    return stream;
  }

  /** The live states of a stream's targets, as its ingest node last published them. */
  async states(streamId: string): Promise<Record<string, TargetState>> {
    const cached = await this.deps.platform.cache.get(restreamStateKey(streamId));
    return cached ? (JSON.parse(cached) as Record<string, TargetState>) : {};
  }

  /** The stream's targets, oldest first, with their live state (idle while the stream is off air). */
  async list(appId: string, streamId: string): Promise<RestreamTargetView[]> {
    const { db } = this.deps.platform;
    const stream = await this.#requireStream(db, appId, streamId, false);
    const onAir = stream.status === 'live' || stream.status === 'reconnecting';
    const [rows, states] = await Promise.all([
      this.deps.store.list(db, streamId),
      onAir ? this.states(streamId) : ({} as Record<string, TargetState>),
    ]);
    return rows.map((row) => toRestreamTarget(row, states[row.id]));
  }

  /** Adds a target; its key is sealed at once. */
  async create(
    actor: Actor,
    appId: string,
    streamId: string,
    input: NewRestreamTarget,
  ): Promise<RestreamTargetView> {
    await this.#check(input);
    const { platform, store, box } = this.deps;
    const now = new Date(platform.clock.now());
    const id = newId('rst', now.getTime());
    const sealed = await box.seal(input.streamKey, id);
    const row = await platform.db.transaction().execute(async (tx) => {
      await this.#requireStream(tx, appId, streamId);
      if ((await store.count(tx, streamId)) >= MAX_TARGETS_PER_STREAM)
        throw restreamErrors.RESTREAM_TOO_MANY_TARGETS();
      const created = await store.insert(tx, {
        id,
        app_id: appId,
        stream_id: streamId,
        name: input.name,
        url: input.url,
        key_sealed: sealed,
        key_hint: keyHint(input.streamKey),
        enabled: input.enabled ?? true,
        created_at: now,
        updated_at: now,
      });
      await this.#audit(tx, actor, appId, 'restream_target.create', id, { streamId }, now);
      return created;
    });
    await this.#announce(streamId);
    return toRestreamTarget(row, undefined);
  }

  /** Changes a target; a new key replaces the sealed one. */
  async update(
    actor: Actor,
    appId: string,
    streamId: string,
    id: string,
    input: RestreamTargetUpdate,
  ): Promise<RestreamTargetView> {
    await this.#check(input);
    const { platform, store, box } = this.deps;
    const now = new Date(platform.clock.now());
    const changes: RestreamTargetChanges = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.url !== undefined) changes.url = input.url;
    if (input.enabled !== undefined) changes.enabled = input.enabled;
    if (input.streamKey !== undefined) {
      changes.key_sealed = await box.seal(input.streamKey, id);
      changes.key_hint = keyHint(input.streamKey);
    }
    const row = await platform.db.transaction().execute(async (tx) => {
      await this.#requireStream(tx, appId, streamId);
      const updated = await store.update(tx, streamId, id, changes, now);
      if (!updated) throw restreamErrors.RESTREAM_TARGET_NOT_FOUND();
      const fields = Object.keys(input);
      await this.#audit(tx, actor, appId, 'restream_target.update', id, { streamId, fields }, now);
      return updated;
    });
    await this.#announce(streamId);
    return toRestreamTarget(row, (await this.states(streamId))[id]);
  }

  /** Removes a target (sending to it stops if the stream is live). */
  async delete(actor: Actor, appId: string, streamId: string, id: string): Promise<void> {
    const { platform, store } = this.deps;
    const now = new Date(platform.clock.now());
    await platform.db.transaction().execute(async (tx) => {
      await this.#requireStream(tx, appId, streamId);
      if (!(await store.delete(tx, streamId, id))) throw restreamErrors.RESTREAM_TARGET_NOT_FOUND();
      await this.#audit(tx, actor, appId, 'restream_target.delete', id, { streamId }, now);
    });
    await this.#announce(streamId);
  }

  /**
   * The stream's enabled targets with their keys opened, for the ingest node sending to them.
   * A destination whose host now resolves to a private address (its DNS changed since it was
   * saved) is left out and logged.
   */
  async openTargets(streamId: string): Promise<OpenTarget[]> {
    const { platform, store, box } = this.deps;
    const rows = await store.list(platform.db, streamId, true);
    const open: OpenTarget[] = [];
    for (const row of rows) {
      if (!platform.config.restreamAllowPrivate && !(await this.#hostAllowed(row.url, false))) {
        platform.log.warn({ streamId, targetId: row.id }, 'restream target refused: its host is not public');
        continue;
      }
      const key = await box.open(row.key_sealed, row.id);
      open.push({ id: row.id, publishUrl: publishUrl(row.url, key), key });
    }
    return open;
  }

  #audit(
    tx: Executor,
    actor: Actor,
    appId: string,
    action: string,
    targetId: string,
    data: Record<string, unknown>,
    now: Date,
  ): Promise<void> {
    return this.deps.audit.record(
      tx,
      { appId, ...actor, action, targetType: 'restream_target', targetId, data },
      now,
    );
  }

  async #announce(streamId: string): Promise<void> {
    const message: RestreamControlMessage = { streamId };
    await this.deps.platform.bus.publish(RESTREAM_CONTROL_TOPIC, message);
  }
}
