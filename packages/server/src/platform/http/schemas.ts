import { ErrorBody } from '@pnptv/protocol';
import { type TSchema, Type } from 'typebox';
import { BODY_OPTIONAL } from './validation.ts';

/** Response schemas for the given error statuses, all `{ code, message }`. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorBody> {
  const out: Record<number, typeof ErrorBody> = {};
  for (const status of statuses) out[status] = ErrorBody;
  return out;
}

/** The error statuses any authenticated JSON route can answer. */
export const AUTHED_ERRORS = [400, 401, 403, 429] as const;

/** A cursor-paginated list: `{ items, nextCursor }`. */
export function Page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}

/** Query string of list endpoints. */
export const PageQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 64, pattern: '^[a-z]+_[0-9a-z]+$' })),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  },
  { additionalProperties: false },
);

/** An ISO-8601 timestamp in a response. */
export const IsoDate = Type.String({ format: 'date-time' });
/** A nullable ISO-8601 timestamp. */
export const NullableIsoDate = Type.Union([IsoDate, Type.Null()]);

/** Path parameter holding one of our ids (`prefix_…`). */
export const Id = Type.String({ minLength: 3, maxLength: 64, pattern: '^[a-z]+_[0-9a-z]+$' });

/** The body of action endpoints that take no input: none at all, or `{}`; any field is refused. */
export const EmptyBody = Type.Object({}, { additionalProperties: false, [BODY_OPTIONAL]: true });

/** Converts a nullable date to its ISO string. */
export function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
