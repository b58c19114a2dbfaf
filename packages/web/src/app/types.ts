/** Shapes of the JSON the PNPtv server returns under /api/v1. */

/** Platform-wide role of an account. */
export type UserRole = 'member' | 'creator' | 'moderator' | 'admin';

/** Interface languages the app and the server's mails support. */
export type Locale = 'en' | 'es';

/** An account as the server shows it to its owner and to admins. */
export interface User {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
  emailVerified: boolean;
  telegram: { id: number; username: string | null } | null;
  locale: Locale;
  createdAt: string;
}

/** The signed-in user plus the token every mutating request must echo in `x-csrf-token`. */
export interface Session {
  user: User;
  csrfToken: string;
}

/** One page of a cursor-paginated list. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A named thing with a human description (scopes, events). */
export interface Described {
  name: string;
  description: string;
}

/** Site-wide look the operator configured. */
export interface Branding {
  name: string;
  colors: { primary: string; background: string; surface: string; text: string; accent: string };
  logoUrl: string | null;
}

/** A request to become a creator, decided by an admin. */
export interface CreatorApplication {
  id: string;
  user: { id: string; email: string; displayName: string };
  note: string;
  status: 'pending' | 'approved' | 'rejected';
  reason: string | null;
  createdAt: string;
  decidedAt: string | null;
}

/** Role of a team member inside one app. */
export type AppRole = 'owner' | 'admin' | 'editor' | 'viewer';

/** A tenant app; `role` is the caller's own role in it. */
export interface App {
  id: string;
  name: string;
  ownerId: string;
  role: AppRole;
  createdAt: string;
}

/** A server-to-server credential of an app; the secret itself is only ever returned once. */
export interface ApiKey {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A person on an app's team. */
export interface Member {
  userId: string;
  email: string;
  displayName: string;
  role: AppRole;
  createdAt: string;
}

/** A pending or accepted invitation to an app's team. */
export interface Invitation {
  id: string;
  email: string;
  role: AppRole;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
}

/** A URL that receives signed event deliveries. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
}

/** State of one message sent to one endpoint, across its retries. */
export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One message sent (or being retried) to a webhook endpoint. */
export interface Delivery {
  id: string;
  endpointId: string;
  messageId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

/** A mail in the development outbox. */
export interface OutboxMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  createdAt: string;
}

/** A background job; admins see the dead ones to retry them. */
export interface Job {
  id: string;
  kind: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One audit-log entry. */
export interface AuditEntry {
  id: string;
  appId: string | null;
  actorId: string | null;
  actorType: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  createdAt: string;
}
