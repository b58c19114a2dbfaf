import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import type { Db } from '../platform/db/schema.ts';

/**
 * Everything the tenants capability writes, to prove a refused request changed nothing. A key's
 * `last_used_at` is left out: an authenticated request does use the key even when refused.
 */
export async function tenantState(db: Db): Promise<unknown> {
  const [apps, members, keys, invitations, audit, jobs] = await Promise.all([
    db.selectFrom('apps').selectAll().orderBy('id').execute(),
    db.selectFrom('app_members').selectAll().orderBy('app_id').orderBy('user_id').execute(),
    db
      .selectFrom('api_keys')
      .select(['id', 'app_id', 'name', 'secret_hash', 'scopes', 'created_by', 'created_at', 'revoked_at'])
      .orderBy('id')
      .execute(),
    db.selectFrom('app_invitations').selectAll().orderBy('id').execute(),
    db.selectFrom('audit_log').select('id').orderBy('id').execute(),
    db.selectFrom('jobs').select('id').orderBy('id').execute(),
  ]);
  return { apps, members, keys, invitations, audit: audit.length, jobs: jobs.length };
}

/** Asserts an error response's status and stable code. */
export function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect({ status: res.statusCode, code: (res.json() as { code?: string }).code }).toEqual({ status, code });
}

/** Asserts that `request` is refused with `status`/`code` and leaves the tenants tables as they were. */
export async function expectRefused(
  db: Db,
  request: () => Promise<LightMyRequestResponse>,
  status: number,
  code: string,
): Promise<void> {
  const before = await tenantState(db);
  expectError(await request(), status, code);
  expect(await tenantState(db)).toEqual(before);
}

/** Authorization header for an API key secret or a user token. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** Creates an app as `session` through the API and returns its JSON. */
export async function createApp(
  app: FastifyInstance,
  session: TestSession,
  name = 'Test app',
): Promise<{ id: string; name: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/apps',
    headers: authHeaders(session),
    payload: { name },
  });
  if (res.statusCode !== 201) throw new Error(`create app failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { app: { id: string; name: string } }).app;
}

/** Creates an API key as `session` through the API; returns its id and secret. */
export async function createKey(
  app: FastifyInstance,
  session: TestSession,
  appId: string,
  scopes: string[],
): Promise<{ id: string; secret: string }> {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/apps/${appId}/keys`,
    headers: authHeaders(session),
    payload: { name: 'Test key', scopes },
  });
  if (res.statusCode !== 201) throw new Error(`create key failed: ${res.statusCode} ${res.body}`);
  const body = res.json() as { key: { id: string }; secret: string };
  return { id: body.key.id, secret: body.secret };
}

/** The invitation token of the newest invitation mail to `email`, read from the mail job in the outbox. */
export async function invitationTokenFor(db: Db, email: string): Promise<string> {
  const jobs = await db
    .selectFrom('jobs')
    .select(['payload'])
    .where('kind', '=', 'mail.send')
    .orderBy('id', 'desc')
    .execute();
  for (const job of jobs) {
    const mail = job.payload as unknown as { to: string; text: string };
    const match = /invitations\/accept\?token=([A-Za-z0-9_%-]+)/.exec(mail.text);
    if (mail.to === email && match) return decodeURIComponent(match[1]!);
  }
  throw new Error(`no invitation mail to ${email}`);
}

/** Puts `member` on the app's team with `role` through the real invitation flow (invite, mail, accept). */
export async function addMember(
  app: FastifyInstance,
  db: Db,
  inviter: TestSession,
  appId: string,
  member: TestSession,
  role: 'admin' | 'editor' | 'viewer',
): Promise<void> {
  const invited = await app.inject({
    method: 'POST',
    url: `/api/v1/apps/${appId}/invitations`,
    headers: authHeaders(inviter),
    payload: { email: member.email, role },
  });
  if (invited.statusCode !== 201) throw new Error(`invite failed: ${invited.statusCode} ${invited.body}`);
  const token = await invitationTokenFor(db, member.email);
  const accepted = await app.inject({
    method: 'POST',
    url: '/api/v1/invitations/accept',
    headers: authHeaders(member),
    payload: { token },
  });
  if (accepted.statusCode !== 200) throw new Error(`accept failed: ${accepted.statusCode} ${accepted.body}`);
}

/** A clock tests move by hand (epoch ms). */
export function manualClock(start = Date.now()): { now(): number; advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** A fresh app owned by `owner` with an admin, an editor and a viewer, all joined through invitations. */
export async function createTeam(
  app: FastifyInstance,
  db: Db,
  owner: TestSession,
): Promise<{ appId: string; admin: TestSession; editor: TestSession; viewer: TestSession }> {
  const created = await createApp(app, owner, 'Team app');
  const [admin, editor, viewer] = [await signUp(app), await signUp(app), await signUp(app)];
  await addMember(app, db, owner, created.id, admin, 'admin');
  await addMember(app, db, owner, created.id, editor, 'editor');
  await addMember(app, db, owner, created.id, viewer, 'viewer');
  return { appId: created.id, admin, editor, viewer };
}
