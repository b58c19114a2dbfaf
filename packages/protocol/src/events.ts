import { type Static, Type } from 'typebox';

/**
 * The closed event catalogue. The same names travel on sockets, in webhooks and in the SDK.
 * Adding an event is a minor change; renaming or removing one is a breaking change.
 */
export const EVENT_CATALOGUE = {
  'stream.live': 'A stream started receiving media and is watchable.',
  'stream.offline': 'A stream stopped (after its reconnect window ran out).',
  'viewer.count.update': 'The concurrent viewer count of a stream changed.',
  'viewer.joined': 'A viewer joined a stream or room.',
  'viewer.left': 'A viewer left a stream or room.',
  'chat.message.new': 'A chat message was posted.',
  'chat.message.deleted': 'A chat message was deleted.',
  'chat.moderation': 'A moderation action was taken in a channel.',
  'user.banned': 'A user was banned from a channel or the app.',
  'user.unbanned': 'A ban was lifted.',
  'user.muted': 'A user was muted or timed out.',
  'user.created': 'A user account was created.',
  'reaction.sent': 'Live reactions were sent (aggregated per tick).',
  'gift.sent': 'A gift was sent to a creator.',
  'payment.succeeded': 'A member paid for coins; the coins are in their wallet.',
  'payment.refunded': 'A coin purchase was refunded or charged back; its coins were taken back.',
  'tip.sent': 'A tip in coins was sent to a creator.',
  'subscription.created': 'A member subscribed to a creator or to PRIME.',
  'subscription.renewed': 'A subscription was charged for another month.',
  'subscription.cancelled': 'A member cancelled a subscription (it ends with the paid period).',
  'payout.requested': 'A creator asked to be paid their earnings.',
  'payout.paid': 'An admin marked a payout as paid.',
  'recording.started': 'A live session started recording.',
  'recording.ready': 'A recording became a playable VOD asset.',
  'health.quality.drop': 'Ingest or transcoding fell behind real time.',
  'webhook.test': 'A test delivery sent from the developer console or API.',
} as const;

/** Every event name PNPtv emits. */
export type EventName = keyof typeof EVENT_CATALOGUE;

/** All event names, in catalogue order. */
export const EVENT_NAMES = Object.keys(EVENT_CATALOGUE) as EventName[];

/** Whether `name` belongs to the catalogue. */
export function isEventName(name: string): name is EventName {
  return Object.hasOwn(EVENT_CATALOGUE, name);
}

/** The envelope every event is delivered in, on webhooks and in the SDK. */
export interface EventEnvelope<T = Record<string, unknown>> {
  /** Stable id: the same for every retry of one delivery (`msg_…`). */
  id: string;
  type: EventName;
  /** App the event belongs to. */
  appId: string;
  /** ISO-8601 time the event happened. */
  timestamp: string;
  data: T;
}

const GiftAnimationField = Type.Union([Type.Literal('float'), Type.Literal('burst'), Type.Literal('rain')]);

/** Data of `gift.sent`: one gift send on a stream (quantity × the gift, `coins` in total). */
export const GiftSentData = Type.Object({
  id: Type.String(),
  streamId: Type.String(),
  creatorId: Type.String(),
  fromUserId: Type.String(),
  fromName: Type.String(),
  giftId: Type.String(),
  giftName: Type.String(),
  /** An emoji. */
  icon: Type.String(),
  animation: GiftAnimationField,
  quantity: Type.Integer({ minimum: 1 }),
  coins: Type.Integer({ minimum: 1 }),
  createdAt: Type.String({ format: 'date-time' }),
});
export type GiftSentData = Static<typeof GiftSentData>;

/** Data of `tip.sent`: coins given on a stream with an optional plain-text message. */
export const TipSentData = Type.Object({
  id: Type.String(),
  streamId: Type.String(),
  creatorId: Type.String(),
  fromUserId: Type.String(),
  fromName: Type.String(),
  coins: Type.Integer({ minimum: 1 }),
  /** Plain text, never HTML. */
  message: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type TipSentData = Static<typeof TipSentData>;
