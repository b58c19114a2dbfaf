import { Type } from 'typebox';
import { Id, IsoDate, NullableIsoDate, PageQuery } from '../platform/http/schemas.ts';
import { ORDER_STATUSES, PROVIDER_IDS } from './payments.rules.ts';
import { SANDBOX_OUTCOMES } from './providers/sandbox.provider.ts';

const ProviderIdSchema = Type.Union(PROVIDER_IDS.map((p) => Type.Literal(p)));
const OrderStatusSchema = Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s)));
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, upper case' });
const PackageName = Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' });
const Coins = Type.Integer({ minimum: 1, maximum: 10_000_000 });
const PriceMinor = Type.Integer({
  minimum: 1,
  maximum: 100_000_000,
  description: "Price in the currency's minor unit (cents): 499 is 4.99",
});

/** A package of coins on sale. */
export const CoinPackage = Type.Object({
  id: Type.String(),
  name: Type.String(),
  coins: Type.Integer(),
  priceMinor: Type.Integer(),
  currency: Type.String(),
  active: Type.Boolean(),
});

export const CreatePackageBody = Type.Object(
  { name: PackageName, coins: Coins, priceMinor: PriceMinor, currency: Currency },
  { additionalProperties: false },
);

export const UpdatePackageBody = Type.Object(
  {
    name: Type.Optional(PackageName),
    coins: Type.Optional(Coins),
    priceMinor: Type.Optional(PriceMinor),
    currency: Type.Optional(Currency),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** A purchase of a coin package. */
export const Order = Type.Object({
  id: Type.String(),
  packageId: Type.String(),
  coins: Type.Integer(),
  amountMinor: Type.Integer(),
  currency: Type.String(),
  provider: ProviderIdSchema,
  status: OrderStatusSchema,
  createdAt: IsoDate,
  paidAt: NullableIsoDate,
});

/** An order as admins see it. */
export const AdminOrder = Type.Object({
  ...Order.properties,
  userId: Type.String(),
  userEmail: Type.Union([Type.String(), Type.Null()]),
  flagReason: Type.Union([Type.String(), Type.Null()]),
});

export const CheckoutBody = Type.Object(
  { packageId: Id, provider: ProviderIdSchema },
  { additionalProperties: false },
);

export const CheckoutResult = Type.Object({ order: Order, redirectUrl: Type.String() });

export const SandboxCompleteBody = Type.Object(
  { outcome: Type.Union(SANDBOX_OUTCOMES.map((o) => Type.Literal(o))) },
  { additionalProperties: false },
);

export const AdminPaymentsQuery = Type.Object(
  { ...PageQuery.properties, status: Type.Optional(OrderStatusSchema) },
  { additionalProperties: false },
);

/** The raw body of a provider callback, verified by its signature before it is read. */
export const CallbackBody = Type.String({
  maxLength: 262_144,
  description: 'The provider’s notification exactly as sent (form-encoded or JSON)',
});

export const CallbackResult = Type.Object({
  received: Type.Boolean(),
  result: Type.Union([Type.Literal('applied'), Type.Literal('duplicate'), Type.Literal('ignored')]),
});
