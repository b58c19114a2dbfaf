import { AppError, defineErrors } from '../errors.ts';

/**
 * Errors of outbound HTTP. None carries anything the target sent: a refused target is never
 * connected to, and the others describe only what went wrong on the way.
 */
export const outboundErrors = defineErrors({
  OUTBOUND_URL_INVALID: { status: 400, message: 'Only http and https URLs can be requested' },
  OUTBOUND_TARGET_PRIVATE: {
    status: 400,
    message: "The target is a private or reserved address, or one of this server's own",
  },
  OUTBOUND_TARGET_UNRESOLVED: { status: 400, message: 'The target host does not resolve' },
  OUTBOUND_CONNECT_FAILED: { status: 502, message: 'Could not connect to the target' },
  OUTBOUND_TIMEOUT: { status: 504, message: 'The target did not answer in time' },
  OUTBOUND_RESPONSE_TOO_LARGE: { status: 502, message: 'The response of the target is too large' },
});

/** One of the outbound error codes. */
export type OutboundErrorCode = keyof typeof outboundErrors.specs;

/** Whether `error` is one of the outbound errors (optionally: the one with `code`). */
export function isOutboundError(error: unknown, code?: OutboundErrorCode): error is AppError {
  if (!(error instanceof AppError) || !(error.code in outboundErrors.specs)) return false;
  return code === undefined || error.code === code;
}
