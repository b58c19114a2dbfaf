import { defineErrors } from '../platform/errors.ts';

/** Errors of the payouts capability (earnings, split and payouts). */
export const payoutErrors = defineErrors({
  PAYOUTS_BELOW_MINIMUM: { status: 400, message: 'This is below the smallest payout' },
  PAYOUTS_INSUFFICIENT_EARNINGS: { status: 409, message: 'Your earnings balance is lower than this' },
  PAYOUTS_NOT_FOUND: { status: 404, message: 'No such payout' },
  PAYOUTS_WRONG_STATE: { status: 409, message: 'The payout is not in a state that allows this' },
  PAYOUTS_CREATOR_NOT_FOUND: { status: 404, message: 'No such creator' },
  PAYOUTS_BAD_RANGE: { status: 400, message: 'The statement period is not valid' },
  PAYOUTS_KEY_REUSED: { status: 409, message: 'This idempotency key was already used for another payout' },
});
