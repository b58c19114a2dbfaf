import { defineErrors } from '../platform/errors.ts';

/** Errors of restreaming (a part of the streams capability). */
export const restreamErrors = defineErrors({
  RESTREAM_TARGET_NOT_FOUND: { status: 404, message: 'No such restream target' },
  RESTREAM_URL_INVALID: {
    status: 400,
    message: 'The target URL is not a valid rtmp:// or rtmps:// server URL',
  },
  RESTREAM_URL_SCHEME: { status: 400, message: 'Restream targets must use rtmp:// or rtmps://' },
  RESTREAM_URL_CREDENTIALS: {
    status: 400,
    message: 'Put no user name or password in the URL; the stream key goes in its own field',
  },
  RESTREAM_URL_PRIVATE: {
    status: 400,
    message: 'Restream targets on loopback or private addresses are not allowed',
  },
  RESTREAM_URL_UNRESOLVED: {
    status: 400,
    message: 'The target server’s host name does not resolve; check the URL',
  },
  RESTREAM_URL_TOO_LONG: { status: 400, message: 'The target URL is too long' },
  RESTREAM_KEY_INVALID: {
    status: 400,
    message: 'The stream key must be 1 to 256 characters without spaces, quotes, brackets or bars',
  },
  RESTREAM_TOO_MANY_TARGETS: { status: 409, message: 'This stream has as many restream targets as allowed' },
});
