import type { Actor, AuditStore } from '../audit/index.ts';
import type { Executor } from '../platform/db/schema.ts';
import type { Platform } from '../platform/platform.ts';
import type { ProfileStore } from './profiles.store.ts';
import { streamErrors } from './streams.errors.ts';
import { isBuiltInProfile, normaliseLadder, type Rung, TRANSCODING_PROFILES } from './streams.rules.ts';

/** A transcoding profile as the API shows it. */
export interface ProfileView {
  name: string;
  builtIn: boolean;
  rungs: Rung[];
}

/** The ladder of profile `name` for an app: built-in, the app's custom one, or the standard ladder when it is gone. */
export async function resolveLadder(
  db: Executor,
  profiles: ProfileStore,
  appId: string,
  name: string,
): Promise<readonly Rung[]> {
  if (isBuiltInProfile(name)) return TRANSCODING_PROFILES[name].rungs;
  return (await profiles.find(db, appId, name))?.rungs ?? TRANSCODING_PROFILES.standard.rungs;
}

/** Whether an app may pick profile `name` for a stream. */
export async function profileExists(db: Executor, profiles: ProfileStore, appId: string, name: string) {
  return isBuiltInProfile(name) || (await profiles.find(db, appId, name)) !== undefined;
}

/**
 * Per-app transcoding profiles: the built-in ladders plus custom ones an app admin defines.
 * A stream names its profile; the ladder is read when a session starts, so a change applies to
 * the next session. Deleting a profile in use makes those streams fall back to `standard`.
 */
export class ProfileService {
  constructor(private readonly deps: { platform: Platform; audit: AuditStore; store: ProfileStore }) {}

  /** Built-in profiles first, then the app's custom ones by name. */
  async list(appId: string): Promise<ProfileView[]> {
    const custom = await this.deps.store.list(this.deps.platform.db, appId);
    return [
      ...Object.values(TRANSCODING_PROFILES).map((p) => ({
        name: p.name,
        builtIn: true,
        rungs: [...p.rungs],
      })),
      ...custom.map((row) => ({ name: row.name, builtIn: false, rungs: row.rungs })),
    ];
  }

  /** Creates or replaces a custom profile. */
  async put(actor: Actor, appId: string, name: string, rungs: Rung[]): Promise<ProfileView> {
    if (isBuiltInProfile(name)) throw streamErrors.STREAMS_PROFILE_BUILT_IN();
    const ladder = normaliseLadder(rungs);
    if (!ladder.ok) throw streamErrors.STREAMS_LADDER_INVALID(`The ladder is not valid: ${ladder.reason}`);
    const { platform, audit, store } = this.deps;
    const now = new Date(platform.clock.now());
    const row = await platform.db.transaction().execute(async (tx) => {
      const saved = await store.upsert(tx, appId, name, ladder.rungs, now);
      await audit.record(
        tx,
        {
          appId,
          ...actor,
          action: 'stream.profile.put',
          targetType: 'transcoding_profile',
          targetId: name,
          data: { heights: ladder.rungs.map((r) => r.height) },
        },
        now,
      );
      return saved;
    });
    return { name: row.name, builtIn: false, rungs: row.rungs };
  }

  /** Deletes a custom profile. */
  async delete(actor: Actor, appId: string, name: string): Promise<void> {
    if (isBuiltInProfile(name)) throw streamErrors.STREAMS_PROFILE_BUILT_IN();
    const { platform, audit, store } = this.deps;
    const now = new Date(platform.clock.now());
    await platform.db.transaction().execute(async (tx) => {
      if (!(await store.delete(tx, appId, name))) throw streamErrors.STREAMS_PROFILE_NOT_FOUND();
      await audit.record(
        tx,
        {
          appId,
          ...actor,
          action: 'stream.profile.delete',
          targetType: 'transcoding_profile',
          targetId: name,
        },
        now,
      );
    });
  }
}
