import { AppError, defineErrors } from '../platform/errors.ts';

/** The identity capability's error catalogue. */
export const identityErrors = defineErrors({
  IDENTITY_EMAIL_TAKEN: { status: 409, message: 'An account with this email already exists' },
  IDENTITY_INVALID_CREDENTIALS: { status: 401, message: 'Wrong email or password' },
  IDENTITY_LOGIN_THROTTLED: { status: 429, message: 'Too many failed sign-in attempts; try again later' },
  IDENTITY_MFA_INVALID_CODE: { status: 401, message: 'The code is wrong, expired or was already used' },
  IDENTITY_MFA_TOKEN_INVALID: { status: 401, message: 'This sign-in step has expired; sign in again' },
  IDENTITY_MFA_ALREADY_ENABLED: { status: 409, message: 'Two-factor authentication is already on' },
  IDENTITY_MFA_NOT_ENABLED: { status: 409, message: 'Two-factor authentication is off' },
  IDENTITY_MFA_NOT_STARTED: { status: 409, message: 'Start two-factor setup first' },
  IDENTITY_RATE_LIMITED: { status: 429, message: 'Too many requests; try again later' },
  IDENTITY_TOKEN_INVALID: { status: 400, message: 'This link is invalid or has expired' },
  IDENTITY_WRONG_PASSWORD: { status: 403, message: 'The current password is wrong' },
  IDENTITY_NO_PASSWORD: { status: 409, message: 'This account has no password yet' },
  IDENTITY_TELEGRAM_DISABLED: { status: 404, message: 'Telegram sign-in is not enabled on this site' },
  IDENTITY_TELEGRAM_INVALID: {
    status: 401,
    message: 'The Telegram sign-in data is not valid or has expired',
  },
  IDENTITY_TELEGRAM_TAKEN: { status: 409, message: 'This Telegram account is linked to another user' },
  IDENTITY_TELEGRAM_NEEDS_PASSWORD: {
    status: 409,
    message: 'Set a password before unlinking Telegram, or you could not sign in any more',
  },
  IDENTITY_USER_NOT_FOUND: { status: 404, message: 'No such user' },
  IDENTITY_LAST_ADMIN: { status: 409, message: 'This would leave the site without an admin' },
  IDENTITY_APPLICATION_PENDING: {
    status: 409,
    message: 'You already have an application waiting for review',
  },
  IDENTITY_ALREADY_CREATOR: { status: 409, message: 'You are already a creator' },
  IDENTITY_APPLICATION_NOT_FOUND: { status: 404, message: 'No such application' },
  IDENTITY_APPLICATION_DECIDED: { status: 409, message: 'This application was already decided' },
  IDENTITY_SETUP_CLOSED: { status: 403, message: 'The site already has an admin' },
  IDENTITY_SESSION_NOT_FOUND: {
    status: 404,
    message: 'No such session (it may have been signed out already)',
  },
});

/** A 400 VALIDATION_FAILED for one field, shaped like the schema validator's errors. */
export function invalidField(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', 400, `${path} ${message}`, [{ path, message }]);
}
