import { defineErrors } from '../platform/errors.ts';

/** Errors of the payments capability. */
export const paymentErrors = defineErrors({
  PAYMENTS_PACKAGE_NOT_FOUND: { status: 404, message: 'No such coin package' },
  PAYMENTS_PACKAGE_INACTIVE: { status: 409, message: 'This coin package is not on sale' },
  PAYMENTS_PROVIDER_DISABLED: { status: 400, message: 'This payment provider is not enabled' },
  PAYMENTS_ORDER_NOT_FOUND: { status: 404, message: 'No such order' },
  PAYMENTS_ORDER_NOT_OPEN: { status: 409, message: 'This order can no longer be paid' },
  PAYMENTS_ORDER_NOT_REFUNDABLE: { status: 409, message: 'Only paid orders can be refunded' },
  PAYMENTS_PROVIDER_UNAVAILABLE: {
    status: 502,
    message: 'The payment provider did not answer; your order is kept and you can try again',
  },
  PAYMENTS_BAD_SIGNATURE: { status: 400, message: 'The callback signature is missing or wrong' },
  PAYMENTS_CALLBACK_UNCONFIRMED: {
    status: 400,
    message: "The provider's records do not confirm this callback",
  },
  PAYMENTS_BAD_CALLBACK: { status: 400, message: 'The callback could not be read' },
});
