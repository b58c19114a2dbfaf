import { GiftSentData, TipSentData } from '@pnptv/protocol';
import { Type } from 'typebox';
import {
  CLIENT_KEY_PATTERN,
  GIFT_ANIMATIONS,
  MAX_GIFT_NAME_LENGTH,
  MAX_GIFT_PRICE,
  MAX_GIFT_QUANTITY,
  MAX_ICON_LENGTH,
  MAX_TIP_COINS,
  MAX_TIP_MESSAGE_LENGTH,
  MIN_GIFT_PRICE,
  MIN_TIP_COINS,
} from './gifts.rules.ts';
import type { GiftEventRow, GiftRow } from './gifts.store.ts';

const AnimationField = Type.Union(GIFT_ANIMATIONS.map((a) => Type.Literal(a)));
const NameField = Type.String({ minLength: 1, maxLength: MAX_GIFT_NAME_LENGTH });
const IconField = Type.String({ minLength: 1, maxLength: MAX_ICON_LENGTH });
const PriceField = Type.Integer({ minimum: MIN_GIFT_PRICE, maximum: MAX_GIFT_PRICE });
const SortField = Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 });

/** An idempotency key chosen by the client: the same key again returns the first result and charges once. */
export const IdempotencyKey = Type.String({ pattern: CLIENT_KEY_PATTERN, minLength: 1, maxLength: 100 });

/** A gift of the catalogue; `icon` is an emoji. */
export const Gift = Type.Object({
  id: Type.String(),
  name: Type.String(),
  icon: Type.String(),
  coins: Type.Integer(),
  animation: AnimationField,
  active: Type.Boolean(),
  sortOrder: Type.Integer(),
});
export type GiftView = {
  id: string;
  name: string;
  icon: string;
  coins: number;
  animation: GiftRow['animation'];
  active: boolean;
  sortOrder: number;
};

/** A gift sent on a stream: the `gift` of POST /streams/:streamId/gifts and the data of `gift.sent`. */
export const GiftSent = GiftSentData;
/** A tip sent on a stream: the `tip` of POST /streams/:streamId/tips and the data of `tip.sent`. */
export const TipSent = TipSentData;

/** Body of POST /admin/gifts. */
export const CreateGiftBody = Type.Object(
  {
    name: NameField,
    icon: IconField,
    coins: PriceField,
    animation: AnimationField,
    active: Type.Optional(Type.Boolean()),
    sortOrder: Type.Optional(SortField),
  },
  { additionalProperties: false },
);
export type CreateGiftInput = {
  name: string;
  icon: string;
  coins: number;
  animation: GiftRow['animation'];
  active?: boolean;
  sortOrder?: number;
};

/** Body of PATCH /admin/gifts/:id; omitted fields keep their value. */
export const UpdateGiftBody = Type.Object(
  {
    name: Type.Optional(NameField),
    icon: Type.Optional(IconField),
    coins: Type.Optional(PriceField),
    animation: Type.Optional(AnimationField),
    active: Type.Optional(Type.Boolean()),
    sortOrder: Type.Optional(SortField),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateGiftInput = Partial<CreateGiftInput>;

/** Body of POST /streams/:streamId/gifts. */
export const SendGiftBody = Type.Object(
  {
    giftId: Type.String({ minLength: 3, maxLength: 64, pattern: '^[a-z]+_[0-9a-z]+$' }),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_GIFT_QUANTITY })),
    idempotencyKey: IdempotencyKey,
  },
  { additionalProperties: false },
);

/** Body of POST /streams/:streamId/tips. */
export const SendTipBody = Type.Object(
  {
    coins: Type.Integer({ minimum: MIN_TIP_COINS, maximum: MAX_TIP_COINS }),
    // Counted in characters after sanitising; the schema bound leaves room for surrogate pairs.
    message: Type.Optional(Type.String({ maxLength: MAX_TIP_MESSAGE_LENGTH * 2 })),
    idempotencyKey: IdempotencyKey,
  },
  { additionalProperties: false },
);

/** A line of the top-gifters board. */
export const TopGifter = Type.Object({ userId: Type.String(), name: Type.String(), coins: Type.Integer() });

/** Query of GET /streams/:streamId/top-gifters. */
export const TopGiftersQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }) },
  { additionalProperties: false },
);

/** A catalogue row as the API shows it. */
export function toGift(row: GiftRow): GiftView {
  return {
    id: row.id,
    name: row.name,
    icon: row.icon,
    coins: row.coins,
    animation: row.animation,
    active: row.active,
    sortOrder: row.sort_order,
  };
}

/** A recorded gift as the API and the `gift.sent` event show it. */
export function toGiftSent(row: GiftEventRow): GiftSentData {
  return {
    id: row.id,
    streamId: row.stream_id,
    creatorId: row.creator_id,
    fromUserId: row.from_user_id,
    fromName: row.from_name,
    giftId: row.gift_id ?? '',
    giftName: row.gift_name ?? '',
    icon: row.icon ?? '',
    animation: row.animation ?? 'float',
    quantity: row.quantity,
    coins: Number(row.coins),
    createdAt: row.created_at.toISOString(),
  };
}

/** A recorded tip as the API and the `tip.sent` event show it. */
export function toTipSent(row: GiftEventRow): TipSentData {
  return {
    id: row.id,
    streamId: row.stream_id,
    creatorId: row.creator_id,
    fromUserId: row.from_user_id,
    fromName: row.from_name,
    coins: Number(row.coins),
    message: row.message,
    createdAt: row.created_at.toISOString(),
  };
}
