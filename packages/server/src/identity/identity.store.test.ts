import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import {
  ApplicationStore,
  CONSTRAINTS,
  isUniqueViolation,
  SessionStore,
  SettingsStore,
  TokenStore,
  UserStore,
} from './identity.store.ts';

describe.each(testDatabases().map((f) => [f.name, f] as const))('identity stores on %s', (_name, factory) => {
  let handle: DatabaseHandle;
  const users = new UserStore();
  const sessions = new SessionStore();
  const tokens = new TokenStore();
  const applications = new ApplicationStore();
  const settings = new SettingsStore();
  const now = new Date('2030-01-01T00:00:00Z');

  beforeAll(async () => {
    handle = await factory.open();
  });
  afterAll(async () => {
    await handle?.close();
  });

  let seq = 0;
  const addUser = (
    fields: {
      email?: string | null;
      displayName?: string;
      telegramId?: number;
      role?: 'member' | 'admin';
    } = {},
  ) => {
    seq++;
    const email =
      fields.email === undefined
        ? `user${seq}-${Math.random().toString(36).slice(2)}@example.com`
        : fields.email;
    return users.insert(handle.db, {
      id: newId('usr', now.getTime() + seq),
      app_id: SITE_APP_ID,
      email,
      email_normalized: email?.toLowerCase() ?? null,
      password_hash: null,
      display_name: fields.displayName ?? `User ${seq}`,
      role: fields.role ?? 'member',
      telegram_id: fields.telegramId ?? null,
      created_at: now,
      updated_at: now,
    });
  };

  it('maps a duplicate email and a duplicate Telegram id to their named constraints', async () => {
    const user = await addUser({ telegramId: 4242 });
    const dupEmail = await addUser({ email: user.email }).catch((e: unknown) => e);
    expect(isUniqueViolation(dupEmail, CONSTRAINTS.email)).toBe(true);
    expect(isUniqueViolation(dupEmail, CONSTRAINTS.telegram)).toBe(false);
    const dupTelegram = await addUser({ telegramId: 4242 }).catch((e: unknown) => e);
    expect(isUniqueViolation(dupTelegram, CONSTRAINTS.telegram)).toBe(true);
    expect(isUniqueViolation(new Error('other'))).toBe(false);
  });

  it('allows many accounts without email', async () => {
    await addUser({ email: null });
    await expect(addUser({ email: null })).resolves.toMatchObject({ email: null });
  });

  it('searches case-insensitively with LIKE wildcards taken literally', async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const literal = await addUser({ displayName: `50%_${tag}` });
    await addUser({ displayName: `50xx${tag}` });
    const found = await users.list(handle.db, SITE_APP_ID, { query: `%_${tag.toUpperCase()}`, limit: 10 });
    expect(found.map((u) => u.id)).toEqual([literal.id]);
    const backslash = await addUser({ displayName: `back\\slash${tag}` });
    expect(
      (await users.list(handle.db, SITE_APP_ID, { query: `k\\s`, limit: 10 })).map((u) => u.id),
    ).toContain(backslash.id);
  });

  it('finds a session only until it expires', async () => {
    const user = await addUser();
    const id = `s${Math.random().toString(16).slice(2)}`;
    await sessions.insert(handle.db, {
      id,
      app_id: SITE_APP_ID,
      user_id: user.id,
      csrf_token: 'c',
      expires_at: new Date(now.getTime() + 1000),
      created_at: now,
      last_seen_at: now,
    });
    expect((await sessions.findLive(handle.db, id, now))?.user_id).toBe(user.id);
    expect(await sessions.findLive(handle.db, id, new Date(now.getTime() + 1000))).toBeUndefined();
    expect(await sessions.deleteForUser(handle.db, user.id)).toEqual([id]);
  });

  it('lets exactly one of many concurrent consumers use a token', async () => {
    const user = await addUser();
    const hash = `h${Math.random().toString(16).slice(2)}`;
    await tokens.insert(handle.db, {
      token_hash: hash,
      app_id: SITE_APP_ID,
      user_id: user.id,
      purpose: 'verify_email',
      created_at: now,
      expires_at: new Date(now.getTime() + 60_000),
    });
    expect(await tokens.consume(handle.db, hash, 'reset_password', now)).toBeUndefined();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => tokens.consume(handle.db, hash, 'verify_email', now)),
    );
    expect(results.filter((r) => r === user.id)).toHaveLength(1);
    expect(await tokens.peek(handle.db, hash, 'verify_email', now)).toBeUndefined();
  });

  it('decides a pending application once', async () => {
    const user = await addUser();
    const admin = await addUser({ role: 'admin' });
    const id = newId('capp');
    await applications.insert(handle.db, {
      id,
      app_id: SITE_APP_ID,
      user_id: user.id,
      note: 'n',
      created_at: now,
    });
    const decide = (status: 'approved' | 'rejected') =>
      applications.decide(handle.db, id, { status, reason: null, decidedBy: admin.id, now });
    const results = await Promise.all([decide('approved'), decide('rejected')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const pending = await applications
      .insert(handle.db, {
        id: newId('capp'),
        app_id: SITE_APP_ID,
        user_id: user.id,
        note: 'again',
        created_at: now,
      })
      .catch((e: unknown) => e);
    expect(pending).toBeUndefined();
    const second = await applications
      .insert(handle.db, {
        id: newId('capp'),
        app_id: SITE_APP_ID,
        user_id: user.id,
        note: 'third',
        created_at: now,
      })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(second, CONSTRAINTS.pendingApplication)).toBe(true);
  });

  it('compare-and-deletes a setting', async () => {
    await settings.put(handle.db, SITE_APP_ID, 'setup_token', { hash: 'one' }, now);
    await settings.put(handle.db, SITE_APP_ID, 'setup_token', { hash: 'two' }, now);
    expect(await settings.get(handle.db, SITE_APP_ID, 'setup_token')).toEqual({ hash: 'two' });
    expect(await settings.deleteIfEquals(handle.db, SITE_APP_ID, 'setup_token', { hash: 'one' })).toBe(false);
    expect(await settings.deleteIfEquals(handle.db, SITE_APP_ID, 'setup_token', { hash: 'two' })).toBe(true);
    expect(await settings.get(handle.db, SITE_APP_ID, 'setup_token')).toBeUndefined();
  });

  it('counts admins', async () => {
    const fresh = await factory.open();
    try {
      expect(await users.anyAdmin(fresh.db, SITE_APP_ID)).toBe(false);
      expect(await users.adminIds(fresh.db, SITE_APP_ID)).toEqual([]);
    } finally {
      await fresh.close();
    }
    await addUser({ role: 'admin' });
    expect(await users.anyAdmin(handle.db, SITE_APP_ID)).toBe(true);
  });
});
