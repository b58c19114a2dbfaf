import { path, type Transport } from './http.ts';
import type { UserToken } from './types.ts';

/** Input of `client.tokens.create`. */
export interface CreateUserTokenInput {
  /** Your own id for the user (1–128 characters); it becomes the token's `sub`. */
  userId: string;
  /** Lifetime in seconds, 60–86 400; 3600 when omitted. */
  ttlSeconds?: number;
  /** User token scopes (`playback`, `chat:read`, `chat:write`, `streams:publish`); all of them when omitted. */
  scopes?: string[];
}

/** Short-lived user tokens (JWT) minted by your backend for your users: `client.tokens`. */
export class TokensClient {
  constructor(private readonly http: Transport) {}

  /**
   * Mints a token for one user of the app (its `aud` is the app id, its `sub` the user id);
   * resolves with the server's `{ token, expiresAt }` as sent. Needs an API key with `tokens:mint`.
   */
  async create(appId: string, input: CreateUserTokenInput): Promise<UserToken> {
    return this.http.request('POST', path`/apps/${appId}/tokens`, { body: input });
  }
}
