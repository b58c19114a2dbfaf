import { type Static, Type } from 'typebox';
import { Id, IsoDate, NullableIsoDate, PageQuery } from '../platform/http/schemas.ts';
import { DISPLAY_NAME_MAX, EMAIL_MAX, PASSWORD_MAX, PASSWORD_MIN } from './identity.rules.ts';
import type { ApplicationRow, UserRow } from './identity.store.ts';

const Role = Type.Union([
  Type.Literal('member'),
  Type.Literal('creator'),
  Type.Literal('moderator'),
  Type.Literal('admin'),
]);
const Locale = Type.Union([Type.Literal('en'), Type.Literal('es')]);
const Email = Type.String({ minLength: 1, maxLength: EMAIL_MAX });
const NewPassword = Type.String({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX });
const DisplayName = Type.String({ minLength: 1, maxLength: DISPLAY_NAME_MAX });
/** Mail-link and setup tokens are 32 random bytes, base64url (43 characters); the bound leaves room. */
const Token = Type.String({ minLength: 1, maxLength: 128 });
const Text1000 = Type.String({ minLength: 1, maxLength: 1000 });

/** A user as every identity endpoint returns it. */
export const User = Type.Object(
  {
    id: Type.String(),
    email: Type.Union([Type.String(), Type.Null()]),
    displayName: Type.String(),
    role: Role,
    emailVerified: Type.Boolean(),
    telegram: Type.Union([
      Type.Object({ id: Type.Number(), username: Type.Union([Type.String(), Type.Null()]) }),
      Type.Null(),
    ]),
    locale: Locale,
    createdAt: IsoDate,
  },
  { $id: 'User' },
);
export type User = Static<typeof User>;

/** A request to become a creator, with the applicant. */
export const CreatorApplication = Type.Object(
  {
    id: Type.String(),
    user: Type.Object({
      id: Type.String(),
      email: Type.Union([Type.String(), Type.Null()]),
      displayName: Type.String(),
    }),
    note: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')]),
    reason: Type.Union([Type.String(), Type.Null()]),
    createdAt: IsoDate,
    decidedAt: NullableIsoDate,
  },
  { $id: 'CreatorApplication' },
);
export type CreatorApplication = Static<typeof CreatorApplication>;

/** `{ user }` */
export const UserResponse = Type.Object({ user: User });
/** `{ user, csrfToken }`: a signed-in session (the cookie travels in Set-Cookie). */
export const SessionResponse = Type.Object({ user: User, csrfToken: Type.String() });
/** GET /auth/session: the signed-in user, or nulls for a visitor who is not signed in. */
export const SessionState = Type.Union([
  SessionResponse,
  Type.Object({ user: Type.Null(), csrfToken: Type.Null() }),
]);
/** `{ application }` */
export const ApplicationResponse = Type.Object({ application: CreatorApplication });

/** POST /auth/register */
export const RegisterBody = Type.Object(
  { email: Email, password: NewPassword, displayName: DisplayName },
  { additionalProperties: false },
);
/** POST /auth/login; any password length up to the cap, so old passwords still work. */
export const LoginBody = Type.Object(
  { email: Email, password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX }) },
  { additionalProperties: false },
);
/** POST /auth/verify-email */
export const TokenBody = Type.Object({ token: Token }, { additionalProperties: false });
/** POST /auth/password-reset/request */
export const EmailBody = Type.Object({ email: Email }, { additionalProperties: false });
/** POST /auth/password-reset/confirm */
export const ResetConfirmBody = Type.Object(
  { token: Token, password: NewPassword },
  { additionalProperties: false },
);
/** POST /auth/setup */
export const SetupBody = Type.Object(
  { token: Token, email: Email, password: NewPassword, displayName: DisplayName },
  { additionalProperties: false },
);

/** The Telegram Login Widget's fields, exactly; anything else is refused. */
export const TelegramBody = Type.Object(
  {
    id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    first_name: Type.Optional(Type.String({ maxLength: 256 })),
    last_name: Type.Optional(Type.String({ maxLength: 256 })),
    username: Type.Optional(Type.String({ maxLength: 64 })),
    photo_url: Type.Optional(Type.String({ maxLength: 2048 })),
    auth_date: Type.Integer({ minimum: 0, maximum: 1e11 }),
    hash: Type.String({ minLength: 64, maxLength: 64, pattern: '^[0-9a-f]{64}$' }),
  },
  { additionalProperties: false },
);
export type TelegramBody = Static<typeof TelegramBody>;

/** PATCH /me */
export const PatchMeBody = Type.Object(
  { displayName: Type.Optional(DisplayName), locale: Type.Optional(Locale) },
  { additionalProperties: false },
);
/** POST /me/password */
export const PasswordChangeBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: PASSWORD_MAX }), newPassword: NewPassword },
  { additionalProperties: false },
);
/** POST /me/creator-application */
export const ApplicationBody = Type.Object({ note: Text1000 }, { additionalProperties: false });
/** PATCH /admin/users/:id */
export const RoleBody = Type.Object({ role: Role }, { additionalProperties: false });
/** POST /admin/creator-applications/:id/reject */
export const RejectBody = Type.Object({ reason: Text1000 }, { additionalProperties: false });

/** GET /admin/users: paging plus a search over email and display name. */
export const UsersQuery = Type.Object(
  { ...PageQuery.properties, query: Type.Optional(Type.String({ maxLength: EMAIL_MAX })) },
  { additionalProperties: false },
);
/** GET /admin/creator-applications: paging plus an optional status. */
export const ApplicationsQuery = Type.Object(
  {
    ...PageQuery.properties,
    status: Type.Optional(
      Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')]),
    ),
  },
  { additionalProperties: false },
);
/** GET /auth/guard: the least role required, if any. */
export const GuardQuery = Type.Object(
  {
    role: Type.Optional(
      Type.Union([Type.Literal('creator'), Type.Literal('moderator'), Type.Literal('admin')]),
    ),
  },
  { additionalProperties: false },
);
/** `:id` path parameter. */
export const IdParams = Type.Object({ id: Id });

/** The API form of a user row. */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    emailVerified: row.email_verified_at !== null,
    telegram:
      row.telegram_id === null ? null : { id: Number(row.telegram_id), username: row.telegram_username },
    locale: row.locale,
    createdAt: row.created_at.toISOString(),
  };
}

/** The API form of an application row. */
export function toApplication(row: ApplicationRow): CreatorApplication {
  return {
    id: row.id,
    user: { id: row.user_id, email: row.user_email, displayName: row.user_display_name },
    note: row.note,
    status: row.status,
    reason: row.reason,
    createdAt: row.created_at.toISOString(),
    decidedAt: row.decided_at ? row.decided_at.toISOString() : null,
  };
}
