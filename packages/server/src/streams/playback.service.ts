import type { Entitlements } from '../platform/entitlements.ts';
import type { Principal } from '../platform/http/auth.ts';
import type { Platform } from '../platform/platform.ts';
import { instanceSecret } from '../platform/secrets.ts';
import {
  PLAYBACK_TOKEN_TTL_S,
  type PlaybackClaims,
  signPlaybackToken,
  verifyPlaybackToken,
} from './playback.rules.ts';
import { streamErrors } from './streams.errors.ts';
import { type Visibility, type WatchDecision, watchAccess } from './streams.rules.ts';

/** Settings key (site app) of the secret that signs playback tokens, created on first use. */
export const PLAYBACK_SECRET_SETTING = 'streams.playback_secret';

/** What access is decided on: a stream, or a recording with its stream's owner and visibility. */
export interface Watchable {
  appId: string;
  /** The stream (for a VOD: the stream it recorded); tickets are sold per stream. */
  streamId: string;
  ownerId: string | null;
  visibility: Visibility;
}

/** A minted playback token. */
export interface PlaybackGrant {
  token: string;
  expiresAt: string;
}

/**
 * Who may watch, and the signed expiring tokens that carry the answer to the HLS routes. The
 * decision is made once, here, with the viewer's entitlements (tickets, subscriptions); the
 * token then opens the master, variant, segment and key requests of that one stream or VOD.
 */
export class PlaybackService {
  #secret: Promise<Buffer> | null = null;

  constructor(private readonly deps: { platform: Platform; entitlements: Entitlements }) {}

  /** The signing secret: stored in the site app's settings, created by the first node that needs it. */
  secret(): Promise<Buffer> {
    this.#secret ??= this.#loadSecret().catch((error: unknown) => {
      this.#secret = null;
      throw error;
    });
    return this.#secret;
  }

  async #loadSecret(): Promise<Buffer> {
    const { db, clock } = this.deps.platform;
    return instanceSecret(db, PLAYBACK_SECRET_SETTING, new Date(clock.now()));
  }

  /** Whether the caller may watch `target`: the owner, admins, ticket holders and subscribers as the visibility asks. */
  async decide(target: Watchable, principal: Principal | null): Promise<WatchDecision> {
    const user = principal?.kind === 'session' && principal.appId === target.appId ? principal.user : null;
    const viewerId = user?.id ?? null;
    const isOwner = viewerId !== null && viewerId === target.ownerId;
    const { entitlements } = this.deps;
    const asked = viewerId !== null && !isOwner;
    const hasTicket =
      asked && target.visibility === 'ticketed'
        ? await entitlements.hasTicket(target.appId, viewerId, { kind: 'stream', id: target.streamId })
        : false;
    const isSubscribed =
      asked && target.visibility === 'subscribers' && target.ownerId !== null
        ? await entitlements.isSubscribed(target.appId, viewerId, target.ownerId)
        : false;
    return watchAccess({
      visibility: target.visibility,
      viewerId,
      isOwner,
      isAdmin: user?.role === 'admin',
      hasTicket,
      isSubscribed,
    });
  }

  /** A token opening `sub` (a stream or VOD id) for `viewer`, valid PLAYBACK_TOKEN_TTL_S. */
  async mint(sub: string, viewer: string): Promise<PlaybackGrant> {
    const exp = Math.floor(this.deps.platform.clock.now() / 1000) + PLAYBACK_TOKEN_TTL_S;
    const claims: PlaybackClaims = { sub, viewer, exp };
    return {
      token: signPlaybackToken(await this.secret(), claims),
      expiresAt: new Date(exp * 1000).toISOString(),
    };
  }

  /** The claims of a token for `sub`; null when none was sent; STREAM_TOKEN_EXPIRED or STREAM_TOKEN_INVALID when refused. */
  async check(sub: string, token: string | undefined): Promise<PlaybackClaims | null> {
    if (token === undefined || token === '') return null;
    const nowS = Math.floor(this.deps.platform.clock.now() / 1000);
    const result = verifyPlaybackToken(await this.secret(), token, sub, nowS);
    if (result.ok) return result.claims;
    throw result.failure === 'expired'
      ? streamErrors.STREAM_TOKEN_EXPIRED()
      : streamErrors.STREAM_TOKEN_INVALID();
  }
}
