import { defineErrors } from '../platform/errors.ts';

/** Error catalogue of the tenants capability (apps, API keys, user tokens, teams). */
export const tenantErrors = defineErrors({
  TENANTS_APP_NOT_FOUND: { status: 404, message: 'No such app' },
  TENANTS_APP_LIMIT: {
    status: 409,
    message: 'You have reached the limit of apps you can own; delete one first',
  },
  TENANTS_KEY_NOT_FOUND: { status: 404, message: 'No such API key' },
  TENANTS_KEY_REVOKED: { status: 409, message: 'This API key is revoked' },
  TENANTS_SCOPES_INVALID: {
    status: 400,
    message: 'Scopes must be a non-empty list of known scopes, each once',
  },
  TENANTS_SCOPE_ESCALATION: {
    status: 403,
    message: 'An API key can only give other keys scopes it holds itself',
  },
  TENANTS_MEMBER_NOT_FOUND: { status: 404, message: 'No such team member' },
  TENANTS_OWNER_PROTECTED: {
    status: 409,
    message:
      'The owner cannot be changed or removed; the owner can transfer ownership to another member first',
  },
  TENANTS_ALREADY_MEMBER: { status: 409, message: 'This person is already on the team' },
  TENANTS_INVITATION_NOT_FOUND: { status: 404, message: 'No such invitation' },
  TENANTS_INVITATION_NOT_PENDING: { status: 409, message: 'This invitation was already accepted or revoked' },
  TENANTS_INVITATION_INVALID: {
    status: 400,
    message: 'This invitation link is not valid: it expired, was revoked or was already used',
  },
  TENANTS_INVITATION_EMAIL_MISMATCH: {
    status: 403,
    message: 'This invitation was sent to another email address; sign in with that address to accept it',
  },
});
