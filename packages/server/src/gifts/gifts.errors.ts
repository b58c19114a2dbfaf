import { defineErrors } from '../platform/errors.ts';

/** Errors of the gifts capability (gifts, tips and the top-gifters board). */
export const giftErrors = defineErrors({
  GIFT_NOT_FOUND: { status: 404, message: 'No such gift' },
  GIFT_UNAVAILABLE: { status: 409, message: 'This gift is not available any more' },
  GIFT_STREAM_NOT_FOUND: { status: 404, message: 'No such stream' },
  GIFT_STREAM_OFFLINE: { status: 409, message: 'Gifts and tips can only be sent while the stream is live' },
  GIFT_OWN_STREAM: { status: 403, message: 'You cannot send gifts or tips to your own stream' },
  GIFT_INVALID: { status: 400, message: 'The gift or tip is not valid' },
  GIFT_WALLET_LOCKED: {
    status: 409,
    message: 'Your wallet is locked until coins taken back by a refund are paid back',
  },
  GIFT_RATE_LIMITED: { status: 429, message: 'You are sending gifts too fast; wait a moment' },
});
