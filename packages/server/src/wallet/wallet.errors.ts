import { defineErrors } from '../platform/errors.ts';

/** Errors of the wallet capability. */
export const walletErrors = defineErrors({
  WALLET_INSUFFICIENT_FUNDS: { status: 409, message: 'Not enough coins for this' },
  WALLET_IDEMPOTENCY_CONFLICT: {
    status: 409,
    message: 'This idempotency key was already used for a different transaction',
  },
  WALLET_INVALID_POSTING: { status: 400, message: 'The transaction is not valid' },
  WALLET_ACCOUNT_NOT_FOUND: { status: 404, message: 'No such wallet account' },
});
