import type { Principal } from '../platform/http/auth.ts';
import type { ChatActor } from './chat.rules.ts';

/**
 * The chat actor of an authenticated principal. Site sessions are full members (moderators
 * and admins moderate); user tokens act as the developer's user with their `chat:*` scopes;
 * API keys act as the app's bot (read, and moderate with `chat:write`).
 */
export function chatActorOf(principal: Principal): ChatActor {
  switch (principal.kind) {
    case 'session': {
      const { user } = principal;
      const moderator = user.role === 'moderator' || user.role === 'admin';
      return {
        appId: principal.appId,
        userId: user.id,
        name: user.displayName,
        moderator,
        canRead: true,
        canWrite: true,
        account: true,
      };
    }
    case 'userToken':
      return {
        appId: principal.appId,
        userId: principal.userId,
        name: principal.userId,
        moderator: false,
        canRead: principal.scopes.includes('chat:read'),
        canWrite: principal.scopes.includes('chat:write'),
        account: false,
      };
    case 'apiKey': {
      const write = principal.scopes.includes('chat:write');
      return {
        appId: principal.appId,
        userId: principal.keyId,
        name: 'app',
        moderator: write,
        canRead: true,
        canWrite: write,
        account: false,
      };
    }
  }
}
