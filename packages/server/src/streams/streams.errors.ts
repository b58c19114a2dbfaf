import { defineErrors } from '../platform/errors.ts';

/** Errors of the streams capability. */
export const streamErrors = defineErrors({
  STREAMS_NOT_FOUND: { status: 404, message: 'No such stream' },
  STREAMS_PROFILE_UNKNOWN: { status: 400, message: 'Unknown transcoding profile' },
  STREAMS_PROFILE_BUILT_IN: { status: 409, message: 'Built-in transcoding profiles cannot be changed' },
  STREAMS_PROFILE_NOT_FOUND: { status: 404, message: 'No such custom transcoding profile' },
  STREAMS_LADDER_INVALID: { status: 400, message: 'The ladder is not valid' },
  STREAMS_PLAYBACK_FORBIDDEN: { status: 403, message: 'This stream needs a playback token' },
  STREAMS_MEDIA_NOT_FOUND: { status: 404, message: 'No such playlist or segment' },
  STREAMS_NOT_LIVE: { status: 409, message: 'This stream is not live' },
  STREAM_TOKEN_EXPIRED: { status: 403, message: 'The playback token has expired; ask for a new one' },
  STREAM_TOKEN_INVALID: { status: 403, message: 'The playback token is not valid for this stream' },
  STREAM_TICKET_REQUIRED: { status: 403, message: 'This stream needs a ticket' },
  STREAM_FORBIDDEN: { status: 403, message: 'You may not watch this stream' },
  VODS_NOT_FOUND: { status: 404, message: 'No such recording' },
});
