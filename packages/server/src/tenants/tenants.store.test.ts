import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import type { Db } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { AppStore } from './apps.store.ts';
import { InvitationStore } from './invitations.store.ts';
import { KeyStore } from './keys.store.ts';
import { MemberStore } from './members.store.ts';
import { SigningKeyStore } from './signing-keys.store.ts';

const apps = new AppStore();
const members = new MemberStore();
const keys = new KeyStore();
const invitations = new InvitationStore();
const signing = new SigningKeyStore();

/** Strictly increasing id times, so ids created in one millisecond still sort in creation order. */
let tick = Date.now();
const nextId = (prefix: string) => newId(prefix, ++tick);

/** Inserts a site account directly (the identity capability owns sign-up; stores only need the row). */
async function insertUser(db: Db, email: string | null = `${newId('x')}@example.com`): Promise<string> {
  const id = nextId('usr');
  const now = new Date();
  await db
    .insertInto('users')
    .values({
      id,
      app_id: 'app_site',
      email,
      email_normalized: email?.toLowerCase() ?? null,
      display_name: `Name ${id}`,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

async function newApp(db: Db, ownerId: string, name = 'My app'): Promise<string> {
  const id = nextId('app');
  await apps.insert(db, { id, name, ownerId }, new Date());
  await members.add(db, { appId: id, userId: ownerId, role: 'owner' }, new Date());
  return id;
}

describe.each(testDatabases().map((f) => [f.name, f] as const))('tenant stores on %s', (_name, factory) => {
  let handle: DatabaseHandle;
  let db: Db;

  beforeAll(async () => {
    handle = await factory.open();
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  describe('apps', () => {
    it('lists only live apps the user belongs to, newest first, with their role, never the site app', async () => {
      const ann = await insertUser(db);
      const bob = await insertUser(db);
      const first = await newApp(db, ann, 'First');
      const second = await newApp(db, bob, 'Second');
      await members.add(db, { appId: second, userId: ann, role: 'viewer' }, new Date());
      await members.add(db, { appId: 'app_site', userId: ann, role: 'owner' }, new Date());
      const third = await newApp(db, ann, 'Third');
      await apps.softDelete(db, third, new Date());

      const listed = await apps.listForMember(db, ann, 10);
      expect(listed.map((a) => [a.id, a.role])).toEqual([
        [second, 'viewer'],
        [first, 'owner'],
      ]);
      const page2 = await apps.listForMember(db, ann, 10, second);
      expect(page2.map((a) => a.id)).toEqual([first]);
      await db.deleteFrom('app_members').where('app_id', '=', 'app_site').execute();
    });

    it('counts owned live apps and renames or deletes only live tenant apps', async () => {
      const ann = await insertUser(db);
      const a = await newApp(db, ann);
      const b = await newApp(db, ann);
      expect(await apps.countOwned(db, ann)).toBe(2);
      expect(await apps.softDelete(db, b, new Date())).toBe(true);
      expect(await apps.softDelete(db, b, new Date())).toBe(false);
      expect(await apps.countOwned(db, ann)).toBe(1);
      expect((await apps.rename(db, a, 'Renamed', new Date()))?.name).toBe('Renamed');
      expect(await apps.rename(db, b, 'Nope', new Date())).toBeNull();
      expect(await apps.rename(db, 'app_site', 'Nope', new Date())).toBeNull();
      expect(await apps.softDelete(db, 'app_site', new Date())).toBe(false);
      expect(await apps.findLive(db, 'app_site')).toBeNull();
      expect(await apps.findLive(db, b)).toBeNull();
      const site = await db
        .selectFrom('apps')
        .select(['name', 'deleted_at'])
        .where('id', '=', 'app_site')
        .executeTakeFirstOrThrow();
      expect(site).toEqual({ name: 'PNPtv', deleted_at: null });
    });
  });

  describe('members', () => {
    it('reads roles only in live apps and lists members with their profile', async () => {
      const ann = await insertUser(db, 'Ann@Example.com');
      const bob = await insertUser(db);
      const app = await newApp(db, ann);
      expect(await members.add(db, { appId: app, userId: bob, role: 'editor' }, new Date())).toBe(true);
      expect(await members.add(db, { appId: app, userId: bob, role: 'admin' }, new Date())).toBe(false);
      expect(await members.roleIn(db, app, bob)).toBe('editor');
      const listed = await members.list(db, app, 10);
      expect(listed.map((m) => [m.userId, m.role])).toEqual([
        [bob, 'editor'],
        [ann, 'owner'],
      ]);
      expect(listed[1]?.email).toBe('Ann@Example.com');
      expect(await invitations.emailIsMember(db, app, 'ann@example.COM')).toBe(true);
      expect(await members.setRole(db, app, bob, 'viewer')).toBe(true);
      expect((await members.find(db, app, bob))?.role).toBe('viewer');
      expect(await members.remove(db, app, bob)).toBe(true);
      expect(await members.remove(db, app, bob)).toBe(false);
      await apps.softDelete(db, app, new Date());
      expect(await members.roleIn(db, app, ann)).toBeNull();
    });
  });

  describe('api keys', () => {
    it('stores scopes as a list and answers auth lookups with revocation and app state', async () => {
      const ann = await insertUser(db);
      const app = await newApp(db, ann);
      const id = nextId('key');
      const created = await keys.insert(
        db,
        { id, appId: app, name: 'CI', scopes: ['apps:read', 'keys:write'], secretHash: 'h1', createdBy: ann },
        new Date(),
      );
      expect(created.scopes).toEqual(['apps:read', 'keys:write']);
      expect(await keys.findForAuth(db, id)).toMatchObject({
        appId: app,
        secretHash: 'h1',
        revoked: false,
        appDeleted: false,
      });

      expect((await keys.replaceSecret(db, app, id, 'h2'))?.secretHash).toBe('h2');
      expect(await keys.replaceSecret(db, 'app_other', id, 'h3')).toBeNull();
      expect(await keys.find(db, 'app_other', id)).toBeNull();

      const now = new Date();
      await keys.touch(db, app, id, now, new Date(now.getTime() - 60_000));
      const later = new Date(now.getTime() + 1000);
      await keys.touch(db, app, id, later, new Date(later.getTime() - 60_000));
      expect((await keys.find(db, app, id))?.lastUsedAt?.getTime()).toBe(now.getTime());

      expect(await keys.revoke(db, app, id, new Date())).not.toBeNull();
      expect(await keys.revoke(db, app, id, new Date())).toBeNull();
      expect(await keys.replaceSecret(db, app, id, 'h4')).toBeNull();
      expect((await keys.findForAuth(db, id))?.revoked).toBe(true);
    });

    it('revokes every live key of an app and lists keys newest first', async () => {
      const ann = await insertUser(db);
      const app = await newApp(db, ann);
      const ids = [];
      for (const name of ['a', 'b', 'c']) {
        const id = nextId('key');
        ids.push(id);
        await keys.insert(
          db,
          { id, appId: app, name, scopes: ['apps:read'], secretHash: name, createdBy: null },
          new Date(),
        );
      }
      await keys.revoke(db, app, ids[0]!, new Date());
      expect((await keys.revokeAll(db, app, new Date())).sort()).toEqual([ids[1], ids[2]].sort());
      expect((await keys.list(db, app, 2)).map((k) => k.name)).toEqual(['c', 'b']);
      expect((await keys.list(db, app, 2, ids[1])).map((k) => k.name)).toEqual(['a']);
    });
  });

  describe('invitations', () => {
    it('accept once, only while open and unexpired', async () => {
      const ann = await insertUser(db);
      const bob = await insertUser(db);
      const app = await newApp(db, ann);
      const now = new Date();
      const inv = await invitations.insert(
        db,
        {
          id: newId('inv'),
          appId: app,
          email: 'Bob@Example.com',
          role: 'editor',
          tokenHash: newId('t'),
          invitedBy: ann,
          expiresAt: new Date(now.getTime() + 60_000),
        },
        now,
      );
      expect((await invitations.list(db, app, 10)).map((i) => i.id)).toEqual([inv.id]);
      expect(await invitations.markAccepted(db, app, inv.id, bob, new Date(now.getTime() + 60_000))).toBe(
        false,
      );
      expect(await invitations.markAccepted(db, 'app_other', inv.id, bob, now)).toBe(false);
      expect(await invitations.markAccepted(db, app, inv.id, bob, now)).toBe(true);
      expect(await invitations.markAccepted(db, app, inv.id, bob, now)).toBe(false);
      expect(await invitations.revoke(db, app, inv.id, now)).toBe(false);
    });

    it('revoke open invitations to one address case-insensitively and hide revoked ones', async () => {
      const ann = await insertUser(db);
      const app = await newApp(db, ann);
      const now = new Date();
      const make = (email: string) =>
        invitations.insert(
          db,
          {
            id: newId('inv'),
            appId: app,
            email,
            role: 'viewer',
            tokenHash: newId('t'),
            invitedBy: ann,
            expiresAt: new Date(now.getTime() + 60_000),
          },
          now,
        );
      const a = await make('Carol@Example.com');
      const b = await make('dave@example.com');
      expect(await invitations.revokeOpenFor(db, app, 'carol@EXAMPLE.com', now)).toEqual([a.id]);
      expect((await invitations.list(db, app, 10)).map((i) => i.id)).toEqual([b.id]);
      expect(await invitations.findByTokenHash(db, 'missing')).toBeNull();
      await invitations.revokeAllOpen(db, app, now);
      expect(await invitations.list(db, app, 10)).toEqual([]);
    });
  });

  describe('signing keys', () => {
    it('keep the first insert of a kid, list active keys only and count retired ones', async () => {
      const retiredBefore = await signing.countRetired(db);
      const kid = `test-${newId('k')}`;
      await signing.insertIfAbsent(
        db,
        { kid, alg: 'EdDSA', publicJwk: { x: '1' }, privateJwk: { d: '1' } },
        new Date(),
      );
      await signing.insertIfAbsent(
        db,
        { kid, alg: 'EdDSA', publicJwk: { x: '2' }, privateJwk: { d: '2' } },
        new Date(),
      );
      const active = await signing.active(db);
      expect(active.filter((k) => k.kid === kid).map((k) => k.publicJwk)).toEqual([{ x: '1' }]);
      await db.updateTable('signing_keys').set({ retired_at: new Date() }).where('kid', '=', kid).execute();
      expect((await signing.active(db)).some((k) => k.kid === kid)).toBe(false);
      expect(await signing.countRetired(db)).toBe(retiredBefore + 1);
      await db.deleteFrom('signing_keys').where('kid', '=', kid).execute();
    });
  });
});
