import { defineErrors } from '../errors.ts';

/** Errors of the media tools (probing files and streams with ffprobe). */
export const mediaErrors = defineErrors({
  MEDIA_INPUT_MISSING: { status: 404, message: 'No such media file' },
  MEDIA_NOT_MEDIA: { status: 422, message: 'The file holds no audio or video that can be read' },
  MEDIA_PROBE_FAILED: {
    status: 500,
    message: 'ffprobe could not run or gave an unusable answer',
    reportable: true,
  },
});
