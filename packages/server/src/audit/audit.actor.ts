import type { Principal } from '../platform/http/auth.ts';
import type { AuditEntry } from './audit.store.ts';

/** Who did something and from where, as recorded in the audit log. */
export type Actor = Pick<AuditEntry, 'actorType' | 'actorId' | 'ip'>;

/** The audit actor for a request's principal (anonymous requests count as the system). */
export function actorOf(principal: Principal | null, ip: string | null): Actor {
  if (!principal) return { actorType: 'system', actorId: null, ip };
  switch (principal.kind) {
    case 'session':
      return { actorType: 'user', actorId: principal.user.id, ip };
    case 'apiKey':
      return { actorType: 'api_key', actorId: principal.keyId, ip };
    case 'userToken':
      return { actorType: 'user', actorId: principal.userId, ip };
  }
}

/** The actor for work the server does by itself. */
export const SYSTEM_ACTOR: Actor = { actorType: 'system', actorId: null, ip: null };
