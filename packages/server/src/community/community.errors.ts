import { defineErrors } from '../platform/errors.ts';

/** Errors of the 24/7 community room. */
export const communityErrors = defineErrors({
  COMMUNITY_FULL: { status: 409, message: 'The community room is full; try again soon' },
  COMMUNITY_REMOVED: { status: 403, message: 'You were removed from the community room' },
  COMMUNITY_FORBIDDEN: { status: 403, message: 'Only moderators of the community room can do this' },
  COMMUNITY_SELF: { status: 400, message: 'You cannot moderate yourself' },
});
