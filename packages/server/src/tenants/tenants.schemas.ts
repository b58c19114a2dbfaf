import { Type } from 'typebox';
import type { AuditRow } from '../audit/index.ts';
import { IsoDate, iso, NullableIsoDate } from '../platform/http/schemas.ts';
import type { InvitationRecord } from './invitations.store.ts';
import type { KeyRecord } from './keys.store.ts';
import type { MemberRecord } from './members.store.ts';
import { SCOPE_NAMES, USER_TOKEN_SCOPE_NAMES } from './tenants.scopes.ts';
import type { AppView } from './tenants.types.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** A team role. */
export const TeamRoleSchema = Type.Union(['owner', 'admin', 'editor', 'viewer'].map((r) => Type.Literal(r)));
/** A role an invitation can offer. */
export const InvitableRoleSchema = Type.Union(['admin', 'editor', 'viewer'].map((r) => Type.Literal(r)));

/** An app as the caller sees it. */
export const AppSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    ownerId: Nullable(Type.String()),
    role: Type.Union([TeamRoleSchema, Type.Null()], {
      description: 'The caller’s team role; null for API keys',
    }),
    createdAt: IsoDate,
  },
  { title: 'App' },
);

/** An API key; its secret is never part of it. */
export const ApiKeySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    scopes: Type.Array(Type.String()),
    createdAt: IsoDate,
    lastUsedAt: NullableIsoDate,
    revokedAt: NullableIsoDate,
  },
  { title: 'ApiKey' },
);

/** A key with the secret shown this once. */
export const KeyWithSecretSchema = Type.Object({
  key: ApiKeySchema,
  secret: Type.String({ description: 'Shown once: `sk_<keyIdSuffix>_<random>`' }),
});

/** A team member. */
export const MemberSchema = Type.Object(
  {
    userId: Type.String(),
    email: Nullable(Type.String()),
    displayName: Type.String(),
    role: TeamRoleSchema,
    createdAt: IsoDate,
  },
  { title: 'Member' },
);

/** An invitation (pending or accepted). */
export const InvitationSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    role: InvitableRoleSchema,
    createdAt: IsoDate,
    expiresAt: IsoDate,
    acceptedAt: NullableIsoDate,
  },
  { title: 'Invitation' },
);

/** One audit log entry (the same shape as the instance-wide admin log). */
export const AuditItemSchema = Type.Object({
  id: Type.String(),
  appId: Type.String(),
  actorId: Nullable(Type.String()),
  actorType: Type.String(),
  action: Type.String(),
  targetType: Nullable(Type.String()),
  targetId: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
  createdAt: IsoDate,
});

/** A named thing with a description (scopes). */
export const DescribedList = Type.Object({
  items: Type.Array(Type.Object({ name: Type.String(), description: Type.String() })),
});

/** App name: 1–80 characters, not only spaces. */
const AppName = Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' });

/** Body of POST /apps and PATCH /apps/:appId. */
export const AppBody = Type.Object({ name: AppName }, { additionalProperties: false });

/** Body of POST /apps/:appId/keys. */
export const CreateKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' }),
    scopes: Type.Array(Type.String({ maxLength: 64 }), {
      maxItems: 32,
      description: `Non-empty, each once, from: ${SCOPE_NAMES.join(', ')}`,
    }),
  },
  { additionalProperties: false },
);

/** Body of POST /apps/:appId/tokens. */
export const MintTokenBody = Type.Object(
  {
    userId: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'Your own id for the user (the token’s `sub`)',
    }),
    ttlSeconds: Type.Optional(
      Type.Integer({ minimum: 60, maximum: 86_400, description: 'Lifetime; 3600 by default' }),
    ),
    scopes: Type.Optional(
      Type.Array(Type.String({ maxLength: 64 }), {
        maxItems: 16,
        description: `Subset of: ${USER_TOKEN_SCOPE_NAMES.join(', ')} (all by default)`,
      }),
    ),
  },
  { additionalProperties: false },
);

/** Body of PATCH /apps/:appId/members/:userId. */
export const MemberPatchBody = Type.Object({ role: TeamRoleSchema }, { additionalProperties: false });

/** Body of POST /apps/:appId/invitations. */
export const InviteBody = Type.Object(
  { email: Type.String({ format: 'email', minLength: 3, maxLength: 254 }), role: InvitableRoleSchema },
  { additionalProperties: false },
);

/** Body of POST /invitations/accept. */
export const AcceptBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);

/** JSON of an app view. */
export function appJson(app: AppView) {
  return {
    id: app.id,
    name: app.name,
    ownerId: app.ownerId,
    role: app.role,
    createdAt: app.createdAt.toISOString(),
  };
}

/** JSON of an API key (no secret, no hash). */
export function keyJson(key: KeyRecord) {
  return {
    id: key.id,
    name: key.name,
    scopes: key.scopes,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: iso(key.lastUsedAt),
    revokedAt: iso(key.revokedAt),
  };
}

/** JSON of a team member. */
export function memberJson(member: MemberRecord) {
  return {
    userId: member.userId,
    email: member.email,
    displayName: member.displayName,
    role: member.role,
    createdAt: member.createdAt.toISOString(),
  };
}

/** JSON of an invitation (never its token). */
export function invitationJson(inv: InvitationRecord) {
  return {
    id: inv.id,
    email: inv.email,
    role: inv.role,
    createdAt: inv.createdAt.toISOString(),
    expiresAt: inv.expiresAt.toISOString(),
    acceptedAt: iso(inv.acceptedAt),
  };
}

/** JSON of an audit row. */
export function auditJson(r: AuditRow) {
  return {
    id: r.id,
    appId: r.app_id,
    actorId: r.actor_id,
    actorType: r.actor_type,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    ip: r.ip,
    data: r.data as unknown as Record<string, unknown>,
    createdAt: r.created_at.toISOString(),
  };
}

/** A page of `rows` mapped to JSON; the cursor is the last row's id when the page is full. */
export function pageOf<R, J>(rows: R[], limit: number, cursorOf: (row: R) => string, toJson: (row: R) => J) {
  const last = rows[rows.length - 1];
  return { items: rows.map(toJson), nextCursor: rows.length === limit && last ? cursorOf(last) : null };
}
