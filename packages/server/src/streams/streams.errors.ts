import { defineErrors } from '../platform/errors.ts';

/** Errors of the streams capability. */
export const streamErrors = defineErrors({
  STREAMS_NOT_FOUND: { status: 404, message: 'No such stream' },
  STREAMS_PROFILE_UNKNOWN: { status: 400, message: 'Unknown transcoding profile' },
  STREAMS_PLAYBACK_FORBIDDEN: { status: 403, message: 'This stream needs a playback token' },
  STREAMS_MEDIA_NOT_FOUND: { status: 404, message: 'No such playlist or segment' },
});
