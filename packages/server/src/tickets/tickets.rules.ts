import type { GatedTarget } from '../platform/entitlements.ts';

/** Ticket price bounds, coins. */
export const MIN_TICKET_PRICE = 1;
export const MAX_TICKET_PRICE = 1_000_000;

/** Whether a ticket price is acceptable (null clears the price: no ticket is sold). */
export function isTicketPrice(price: number | null): boolean {
  return (
    price === null || (Number.isInteger(price) && price >= MIN_TICKET_PRICE && price <= MAX_TICKET_PRICE)
  );
}

/** Who is asking about a gated target: a user id and their site role. */
export interface TicketViewer {
  userId: string;
  role: string;
}

/** Whether the viewer gets in without a ticket: the target's owner and admins always do. */
export function accessWithoutTicket(viewer: TicketViewer, ownerId: string | null): boolean {
  return viewer.role === 'admin' || (ownerId !== null && viewer.userId === ownerId);
}

/** Whether the viewer may set the target's ticket price: its owner or an admin. */
export function canSetPrice(viewer: TicketViewer, ownerId: string | null): boolean {
  return accessWithoutTicket(viewer, ownerId);
}

/**
 * The ledger idempotency key of a ticket purchase: one per user and target, whatever key the
 * client sent, so a user can never pay twice for the same ticket (even from two tabs at once).
 */
export function ticketLedgerKey(target: GatedTarget, userId: string): string {
  return `ticket:${target.kind}:${target.id}:${userId}`;
}
