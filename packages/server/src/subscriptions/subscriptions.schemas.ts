import { Type } from 'typebox';
import { Id, IsoDate } from '../platform/http/schemas.ts';
import { MAX_PERK_LENGTH, MAX_PERKS, MAX_PRICE_COINS } from './subscriptions.rules.ts';

const Status = Type.Union(['active', 'past_due', 'expired', 'cancelled'].map((s) => Type.Literal(s)));
const Price = Type.Integer({ minimum: 1, maximum: MAX_PRICE_COINS });
/** Client-chosen key that makes a subscribe request safe to retry. */
const IdempotencyKey = Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\x21-\\x7e]+$' });

/** A subscription as the API shows it. */
export const Subscription = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('creator'), Type.Literal('prime')]),
  creatorId: Type.Union([Type.String(), Type.Null()]),
  status: Status,
  priceCoins: Type.Integer(),
  currentPeriodEnd: IsoDate,
  cancelAtPeriodEnd: Type.Boolean(),
  createdAt: IsoDate,
});

export const Plan = Type.Object({ priceCoins: Type.Integer() });

export const CreatorStatus = Type.Object({
  plan: Type.Union([Plan, Type.Null()]),
  subscription: Type.Union([Subscription, Type.Null()]),
});

export const MySubscription = Type.Object({
  creatorId: Type.String(),
  creatorName: Type.String(),
  status: Status,
  currentPeriodEnd: IsoDate,
  cancelAtPeriodEnd: Type.Boolean(),
  priceCoins: Type.Integer(),
});

export const Membership = Type.Object({
  status: Status,
  currentPeriodEnd: IsoDate,
  cancelAtPeriodEnd: Type.Boolean(),
});

export const Prime = Type.Object({
  priceCoins: Type.Integer(),
  perks: Type.Array(Type.String()),
  membership: Type.Union([Membership, Type.Null()]),
});

export const CreatorParams = Type.Object({ creatorId: Id });
export const PlanBody = Type.Object({ priceCoins: Price }, { additionalProperties: false });
export const SubscribeBody = Type.Object({ idempotencyKey: IdempotencyKey }, { additionalProperties: false });
export const PrimeBody = Type.Object(
  {
    priceCoins: Price,
    perks: Type.Array(Type.String({ minLength: 1, maxLength: MAX_PERK_LENGTH }), { maxItems: MAX_PERKS }),
  },
  { additionalProperties: false },
);
export const Subscribed = Type.Object({ subscription: Subscription, balance: Type.Integer() });
