import { defineErrors } from '../platform/errors.ts';

/** Errors of the tickets capability. */
export const ticketErrors = defineErrors({
  TICKET_TARGET_NOT_FOUND: { status: 404, message: 'No such stream or room' },
  TICKET_NOT_FOR_SALE: { status: 409, message: 'No ticket is sold for this' },
  TICKET_OWN_TARGET: { status: 409, message: 'You already have access to your own stream or room' },
  TICKET_FORBIDDEN: { status: 403, message: 'Only the owner or an admin can set the ticket price' },
  TICKET_WALLET_LOCKED: {
    status: 409,
    message: 'Your wallet is locked until coins taken back by a refund are paid back',
  },
  TICKET_INVALID: { status: 400, message: 'The ticket request is not valid' },
});
