import type { TeamRole } from '../platform/db/schema.ts';
import type { Principal } from '../platform/http/auth.ts';

/** Who is calling a use case, and from where (for the audit log). */
export interface Caller {
  principal: Principal;
  ip: string | null;
}

/** The signed-in session principal. */
export type SessionPrincipal = Extract<Principal, { kind: 'session' }>;

/** A session caller: use cases that only people can perform take this. */
export interface SessionCaller extends Caller {
  principal: SessionPrincipal;
}

/** An app as a caller sees it: `role` is the caller's team role (null for API keys). */
export interface AppView {
  id: string;
  name: string;
  ownerId: string | null;
  role: TeamRole | null;
  createdAt: Date;
}
