import type { Logger } from 'pino';
import { capLogger } from '../platform/log.ts';
import type { Platform } from '../platform/platform.ts';
import {
  RESTREAM_CONTROL_TOPIC,
  type RestreamControlMessage,
  type RestreamService,
  restreamStateKey,
} from './restream.service.ts';
import { RestreamSession } from './restream.session.ts';

/** How long published target states live without a refresh (a dead node's states then vanish), ms. */
export const RESTREAM_STATE_TTL_MS = 60_000;
/** How often live sessions refresh their published states, ms. */
const REFRESH_MS = 20_000;

/**
 * The ingest node's restreaming: one RestreamSession per stream live on this node, started at
 * go-live and stopped when the stream ends, re-synced when the stream's targets change (a
 * message from the API on any node), and each target's state published to the shared cache
 * for the studio.
 */
export class RestreamRelay {
  readonly #log: Logger;
  readonly #sessions = new Map<string, RestreamSession>();
  #unsubscribe: (() => Promise<void>) | null = null;
  #refresh: NodeJS.Timeout | null = null;

  constructor(private readonly deps: { platform: Platform; targets: RestreamService; ffmpegPath: string }) {
    this.#log = capLogger(deps.platform.log, 'streams').child({ part: 'restream' });
  }

  /** Listens for target changes. */
  async start(): Promise<void> {
    this.#unsubscribe = await this.deps.platform.bus.subscribe(RESTREAM_CONTROL_TOPIC, (message) =>
      this.#reload((message as RestreamControlMessage).streamId),
    );
    this.#refresh = setInterval(() => {
      for (const streamId of this.#sessions.keys()) this.#publish(streamId);
    }, REFRESH_MS);
    this.#refresh.unref();
  }

  /** Stops every session and the listener. */
  async stop(): Promise<void> {
    if (this.#refresh) clearInterval(this.#refresh);
    this.#refresh = null;
    await this.#unsubscribe?.();
    this.#unsubscribe = null;
    await Promise.all([...this.#sessions.keys()].map((streamId) => this.end(streamId)));
  }

  /** Pids of every restream process on this node. */
  pids(): number[] {
    return [...this.#sessions.values()].flatMap((session) => session.pids());
  }

  /** The stream went live here: starts sending its feed to its enabled targets. Never throws. */
  async begin(streamId: string, subscribe: (sink: (chunk: Buffer) => void) => () => void): Promise<void> {
    if (this.#sessions.has(streamId)) return;
    const session = new RestreamSession({
      ffmpegPath: this.deps.ffmpegPath,
      log: this.#log.child({ streamId }),
      subscribe,
      onChange: () => this.#publish(streamId),
    });
    this.#sessions.set(streamId, session);
    await this.#reload(streamId);
  }

  /** The stream ended: stops its processes and clears its published states. Never throws. */
  async end(streamId: string): Promise<void> {
    const session = this.#sessions.get(streamId);
    if (!session) return;
    this.#sessions.delete(streamId);
    await session.stop();
    await this.deps.platform.cache
      .delete(restreamStateKey(streamId))
      .catch((error: unknown) => this.#log.warn({ err: error }, 'clearing restream states failed'));
  }

  async #reload(streamId: string): Promise<void> {
    const session = this.#sessions.get(streamId);
    if (!session) return;
    try {
      const targets = await this.deps.targets.openTargets(streamId);
      if (this.#sessions.get(streamId) === session) session.sync(targets);
    } catch (error) {
      this.#log.error({ err: error, streamId }, 'loading restream targets failed');
    }
  }

  #publish(streamId: string): void {
    const session = this.#sessions.get(streamId);
    if (!session) return;
    this.deps.platform.cache
      .set(restreamStateKey(streamId), JSON.stringify(session.states()), RESTREAM_STATE_TTL_MS)
      .catch((error: unknown) => this.#log.warn({ err: error }, 'publishing restream states failed'));
  }
}
