/** Gifts and tips on live streams: the catalogue, sending through the coins ledger, and the top-gifters board. */
export { giftErrors } from './gifts.errors.ts';
export { giftRoutes } from './gifts.routes.ts';
export * from './gifts.rules.ts';
export { type GiftView, toGift, toGiftSent, toTipSent } from './gifts.schemas.ts';
export {
  GiftService,
  type GiftServiceDeps,
  type Sender,
  type SendGiftInput,
  type SendTipInput,
} from './gifts.service.ts';
export { type GiftEventRow, type GifterRow, type GiftRow, GiftStore } from './gifts.store.ts';
