/** Realtime chat: the Socket.IO gateway, channel access, messages and their fan-out. */
export { chatActorOf } from './chat.actor.ts';
export { attachRealtime } from './chat.attach.ts';
export { chatErrors } from './chat.errors.ts';
export {
  ChannelBatcher,
  DEFAULT_SEND_QUEUE,
  type SendQueueLimits,
  slowConsumerAction,
} from './chat.fanout.ts';
export { RealtimeGateway, type RealtimeGatewayDeps } from './chat.gateway.ts';
export { roomOf, userRoomOf } from './chat.handlers.ts';
export { ChatModeration, type Enforcement } from './chat.moderation.ts';
export { chatRoutes } from './chat.routes.ts';
export * from './chat.rules.ts';
export { type ChannelSink, ChatService, type StreamLookup, toMessage } from './chat.service.ts';
export { ChatStore } from './chat.store.ts';
