import { defineErrors } from '../platform/errors.ts';

/** The account capability's error catalogue (data export and account deletion). */
export const accountErrors = defineErrors({
  ACCOUNT_EXPORT_RUNNING: {
    status: 409,
    message: 'An export of your data is already being prepared; wait for it to finish',
  },
  ACCOUNT_EXPORT_NOT_FOUND: { status: 404, message: 'No such export' },
  ACCOUNT_EXPORT_NOT_READY: { status: 409, message: 'This export is not ready yet' },
  ACCOUNT_EXPORT_EXPIRED: { status: 410, message: 'This export has expired; ask for a new one' },
  ACCOUNT_WRONG_PASSWORD: { status: 403, message: 'The password is wrong' },
  ACCOUNT_NO_PASSWORD: {
    status: 409,
    message: 'Set a password first (Forgot password), so that deleting the account can be confirmed',
  },
  ACCOUNT_EARNINGS_PENDING: {
    status: 409,
    message:
      'You have earnings to be paid out: request a payout and wait until it is paid before deleting your account',
  },
  ACCOUNT_PAYOUT_PENDING: {
    status: 409,
    message:
      'A payout of yours is still being processed: wait until it is paid or rejected before deleting your account',
  },
  ACCOUNT_LAST_ADMIN: {
    status: 409,
    message: 'You are the only admin: make someone else an admin before deleting your account',
  },
  ACCOUNT_DELETION_PENDING: {
    status: 403,
    message: 'This account is scheduled for deletion; cancel the deletion to use it again',
  },
  ACCOUNT_CANCEL_INVALID: {
    status: 400,
    message: 'This cancellation has expired or is not valid; sign in again to cancel the deletion',
  },
});
