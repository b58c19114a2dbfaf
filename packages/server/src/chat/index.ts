/** Realtime chat: the Socket.IO gateway, channel access, messages and their fan-out. */
export { chatActorOf } from './chat.actor.ts';
export { attachRealtime } from './chat.attach.ts';
export { chatErrors } from './chat.errors.ts';
export {
  ChannelBatcher,
  DEFAULT_SEND_QUEUE,
  forwardBusEvent,
  type SendQueueLimits,
  slowConsumerAction,
} from './chat.fanout.ts';
export { RealtimeGateway, type RealtimeGatewayDeps } from './chat.gateway.ts';
export { roomOf, userRoomOf } from './chat.handlers.ts';
export {
  ChatModeration,
  type ChatReport,
  type Enforcement,
  type ModerationLogEntry,
} from './chat.moderation.ts';
export { PresenceRegistry } from './chat.presence.ts';
export { chatRoutes } from './chat.routes.ts';
export * from './chat.rules.ts';
export { ChatMessageSchema } from './chat.schemas.ts';
export { type ChannelSink, ChatService, type StreamLookup, toMessage } from './chat.service.ts';
export { ChatStore } from './chat.store.ts';
