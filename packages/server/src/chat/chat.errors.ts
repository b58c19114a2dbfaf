import { defineErrors } from '../platform/errors.ts';

/** Errors of the chat capability, on REST and on the realtime gateway. */
export const chatErrors = defineErrors({
  CHAT_AUTH_REQUIRED: { status: 401, message: 'Sign in or send a user token to use chat' },
  CHAT_INVALID_PAYLOAD: { status: 400, message: 'The event payload is not valid' },
  CHAT_UNKNOWN_EVENT: { status: 400, message: 'Unknown event' },
  CHAT_PAYLOAD_TOO_LARGE: { status: 413, message: 'The event payload is too large' },
  CHAT_CHANNEL_INVALID: { status: 400, message: 'Not a valid channel name' },
  CHAT_CHANNEL_NOT_FOUND: { status: 404, message: 'No such channel' },
  CHAT_FORBIDDEN: { status: 403, message: 'You may not use this channel' },
  CHAT_BANNED: { status: 403, message: 'You are banned from this channel' },
  CHAT_NOT_JOINED: { status: 409, message: 'Join the channel first' },
  CHAT_TOO_MANY_CHANNELS: { status: 429, message: 'Too many channels joined on one connection' },
  CHAT_EMPTY: { status: 400, message: 'The message is empty' },
  CHAT_TOO_LONG: { status: 400, message: 'The message is too long' },
  CHAT_RATE_LIMITED: { status: 429, message: 'You are sending messages too fast' },
  CHAT_TIMED_OUT: { status: 403, message: 'You are timed out in this channel' },
  CHAT_SLOW_MODE: { status: 429, message: 'Slow mode is on: wait before sending again' },
  CHAT_NOT_BANNED: { status: 404, message: 'That user is not banned here' },
  CHAT_MESSAGE_NOT_FOUND: { status: 404, message: 'No such message' },
  CHAT_SUBSCRIBERS_ONLY: { status: 403, message: 'This chat is for subscribers only' },
  CHAT_ACCOUNT_TOO_NEW: { status: 403, message: 'Your account is too new to chat here' },
  CHAT_BLOCKED_WORD: { status: 400, message: 'The message contains a word that is not allowed here' },
  CHAT_LINKS_NOT_ALLOWED: { status: 400, message: 'Links are not allowed in this channel' },
  CHAT_EDIT_WINDOW_CLOSED: { status: 409, message: 'Messages can only be edited for 15 minutes' },
  CHAT_REPLY_NOT_FOUND: { status: 404, message: 'The message you reply to does not exist' },
  CHAT_INVALID_EMOJI: { status: 400, message: 'A reaction must be one emoji' },
  CHAT_NOT_DM: { status: 400, message: 'Read state is kept for direct messages only' },
  CHAT_REPORT_NOT_FOUND: { status: 404, message: 'No such report' },
  CHAT_REPORT_TARGET_REQUIRED: { status: 400, message: 'Report a message or a user' },
  CHAT_INTERNAL: { status: 500, message: 'Something went wrong', reportable: true },
});

/** A stable chat error code. */
export type ChatErrorCode = Exclude<keyof typeof chatErrors, 'specs'>;
