import { Type } from 'typebox';
import { IsoDate, NullableIsoDate } from '../platform/http/schemas.ts';
import type { ExportView } from './export.service.ts';

/** A data export as its owner sees it. */
export const DataExport = Type.Object(
  {
    id: Type.String(),
    status: Type.Union([
      Type.Literal('queued'),
      Type.Literal('running'),
      Type.Literal('ready'),
      Type.Literal('failed'),
      Type.Literal('expired'),
    ]),
    progress: Type.Integer({ minimum: 0, maximum: 100, description: 'Percent done' }),
    sizeBytes: Type.Union([Type.Integer(), Type.Null()]),
    createdAt: IsoDate,
    finishedAt: NullableIsoDate,
    expiresAt: Type.Union([IsoDate, Type.Null()], {
      description: 'The archive can be downloaded until then',
    }),
  },
  { $id: 'DataExport' },
);

/** `{ export }` */
export const ExportResponse = Type.Object({ export: DataExport });

/** What deleting the account would mean now. */
export const DeletionPreviewSchema = Type.Object(
  {
    walletBalance: Type.Integer({ description: 'Coins in the wallet; forfeited on deletion' }),
    earnings: Type.Integer({ description: 'Creator earnings not yet paid out, coins' }),
    payoutMinimum: Type.Integer(),
    pendingPayouts: Type.Integer({ minimum: 0 }),
    graceDays: Type.Integer({ minimum: 0, description: 'Days before the personal data is erased' }),
    blockers: Type.Array(
      Type.Union([
        Type.Literal('last_admin'),
        Type.Literal('payout_pending'),
        Type.Literal('earnings_pending'),
      ]),
      { description: 'What must be done before the account can be deleted (empty: nothing)' },
    ),
  },
  { $id: 'DeletionPreview' },
);

/** Body of a deletion request: the password, entered again. */
export const DeletionBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);

/** Body of a cancellation: the token from the refused sign-in. */
export const CancelBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);

/** The JSON shape of an export. */
export function toExport(view: ExportView) {
  return {
    ...view,
    createdAt: view.createdAt.toISOString(),
    finishedAt: view.finishedAt?.toISOString() ?? null,
    expiresAt: view.expiresAt?.toISOString() ?? null,
  };
}
