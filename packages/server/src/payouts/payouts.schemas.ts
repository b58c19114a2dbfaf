import { Type } from 'typebox';
import { IsoDate, NullableIsoDate, PageQuery } from '../platform/http/schemas.ts';
import { MAX_ENTRY_AMOUNT } from '../wallet/index.ts';

const Status = Type.Union(['requested', 'approved', 'rejected', 'paid'].map((s) => Type.Literal(s)));
const Bps = Type.Integer({ minimum: 0, maximum: 10_000 });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

/** A payout as the API shows it. */
export const Payout = Type.Object({
  id: Type.String(),
  creatorId: Type.String(),
  creatorName: Type.String(),
  coins: Type.Integer(),
  status: Status,
  createdAt: IsoDate,
  decidedAt: NullableIsoDate,
  paidAt: NullableIsoDate,
  reference: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
});

export const Movement = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  amount: Type.Integer(),
  createdAt: IsoDate,
  description: Type.String(),
});

export const Earnings = Type.Object({
  balance: Type.Integer(),
  lifetime: Type.Integer(),
  creatorBps: Type.Integer(),
  payoutMinimum: Type.Integer(),
  daily: Type.Array(
    Type.Object({
      date: Type.String(),
      gifts: Type.Integer(),
      tips: Type.Integer(),
      tickets: Type.Integer(),
      subscriptions: Type.Integer(),
    }),
  ),
  recent: Type.Array(Movement),
});

export const PayoutRequestBody = Type.Object(
  {
    coins: Type.Integer({ minimum: 1, maximum: MAX_ENTRY_AMOUNT }),
    idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\x21-\\x7e]+$' })),
  },
  { additionalProperties: false },
);
export const RejectBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
export const MarkPaidBody = Type.Object(
  { reference: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
/** How many payouts are in each status. */
export const PayoutCounts = Type.Object({
  counts: Type.Object({
    requested: Type.Integer(),
    approved: Type.Integer(),
    rejected: Type.Integer(),
    paid: Type.Integer(),
  }),
});
export const AdminPayoutsQuery = Type.Object(
  { ...PageQuery.properties, status: Type.Optional(Status) },
  { additionalProperties: false },
);
export const StatementQuery = Type.Object(
  { from: Type.Optional(Day), to: Type.Optional(Day) },
  { additionalProperties: false },
);

export const SplitSettings = Type.Object({
  creatorBps: Type.Integer(),
  payoutMinimum: Type.Integer(),
  overrides: Type.Array(
    Type.Object({ creatorId: Type.String(), creatorName: Type.String(), creatorBps: Type.Integer() }),
  ),
});
export const SplitBody = Type.Object(
  { creatorBps: Bps, payoutMinimum: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ENTRY_AMOUNT })) },
  { additionalProperties: false },
);
export const CreatorSplitBody = Type.Object(
  { creatorBps: Type.Union([Bps, Type.Null()]) },
  { additionalProperties: false },
);
