export { type Actor, actorOf, SYSTEM_ACTOR } from './audit.actor.ts';
export { type AuditEntry, type AuditRow, AuditStore } from './audit.store.ts';
