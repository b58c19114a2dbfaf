import { defineErrors } from '../platform/errors.ts';

/** Errors of the subscriptions capability. */
export const subscriptionErrors = defineErrors({
  SUBSCRIPTIONS_NO_PLAN: { status: 404, message: 'This creator offers no subscription' },
  SUBSCRIPTIONS_CREATOR_NOT_FOUND: { status: 404, message: 'No such creator' },
  SUBSCRIPTIONS_SELF: { status: 409, message: 'You cannot subscribe to yourself' },
  SUBSCRIPTIONS_ALREADY_ACTIVE: { status: 409, message: 'You are already subscribed' },
  SUBSCRIPTIONS_NOT_SUBSCRIBED: { status: 404, message: 'You have no subscription to cancel' },
  SUBSCRIPTIONS_WALLET_LOCKED: {
    status: 409,
    message: 'Your wallet is locked until coins taken back by a refund are paid back',
  },
  SUBSCRIPTIONS_KEY_REUSED: {
    status: 409,
    message: 'This idempotency key was already used for another subscription',
  },
});
