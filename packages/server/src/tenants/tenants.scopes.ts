/**
 * The closed list of API key scopes. A key may only do what its scopes name; adding a scope
 * here is the only way to introduce one (the API refuses anything else).
 */
export const SCOPES = {
  'apps:read': 'Read the app, its team and its settings',
  'apps:write': 'Rename the app',
  'keys:read': 'List the app’s API keys (never their secrets)',
  'keys:write': 'Create, rotate and revoke API keys (only with scopes the calling key holds)',
  'tokens:mint': 'Mint short-lived user tokens for the app’s users',
  'webhooks:read': 'List webhook endpoints and their deliveries',
  'webhooks:write': 'Create, change, test and delete webhook endpoints',
  'streams:read': 'List streams and read their state',
  'streams:write': 'Create, change and end streams',
  'chat:write': 'Post and moderate chat messages on behalf of the app',
  'analytics:read': 'Read viewing and usage analytics',
  'audit:read': 'Read the app’s audit log',
} as const satisfies Record<string, string>;

/** One API key scope. */
export type Scope = keyof typeof SCOPES;

/** Every API key scope, in display order. */
export const SCOPE_NAMES = Object.keys(SCOPES) as Scope[];

/**
 * Scopes a user token (JWT) can carry. They describe what an end user's client may do,
 * which is a different set from what a server-side API key may do.
 */
export const USER_TOKEN_SCOPES = {
  playback: 'Watch the app’s streams',
  'chat:read': 'Read chat in the app’s rooms',
  'chat:write': 'Post chat messages as the token’s user',
  'streams:publish': 'Broadcast a stream as the token’s user',
} as const satisfies Record<string, string>;

/** One user token scope. */
export type UserTokenScope = keyof typeof USER_TOKEN_SCOPES;

/** Every user token scope; the default when a mint request names none. */
export const USER_TOKEN_SCOPE_NAMES = Object.keys(USER_TOKEN_SCOPES) as UserTokenScope[];

/** Whether `name` is an API key scope. */
export function isScope(name: string): name is Scope {
  return Object.hasOwn(SCOPES, name);
}

/** Whether `name` is a user token scope. */
export function isUserTokenScope(name: string): name is UserTokenScope {
  return Object.hasOwn(USER_TOKEN_SCOPES, name);
}
