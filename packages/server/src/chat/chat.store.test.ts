import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { APP_WIDE, ChatStore } from './chat.store.ts';

describe.each(testDatabases().map((f) => [f.name, f]))('chat store on %s', (_name, factory) => {
  let handle: DatabaseHandle;
  const store = new ChatStore();
  const now = new Date('2030-01-01T00:00:00Z');
  const later = (s: number) => new Date(now.getTime() + s * 1000);

  beforeAll(async () => {
    handle = await factory.open();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('pages a channel newest first, skipping deleted messages and other channels', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = newId('msg', now.getTime() + i);
      ids.push(id);
      await store.insertMessage(handle.db, {
        id,
        app_id: SITE_APP_ID,
        channel: 'stream:s1',
        author_id: 'usr_a',
        author_name: 'A',
        body: `m${i}`,
        created_at: now,
      });
    }
    await store.insertMessage(handle.db, {
      id: newId('msg'),
      app_id: SITE_APP_ID,
      channel: 'stream:s2',
      author_id: 'usr_a',
      author_name: 'A',
      body: 'elsewhere',
      created_at: now,
    });
    expect(await store.markDeleted(handle.db, SITE_APP_ID, ids[3]!, 'usr_m', now)).toBe(true);
    expect(await store.markDeleted(handle.db, SITE_APP_ID, ids[3]!, 'usr_m', now)).toBe(false);
    const first = await store.listMessages(handle.db, SITE_APP_ID, 'stream:s1', { limit: 2 });
    expect(first.map((m) => m.body)).toEqual(['m4', 'm2']);
    const rest = await store.listMessages(handle.db, SITE_APP_ID, 'stream:s1', {
      limit: 10,
      cursor: first[1]!.id,
    });
    expect(rest.map((m) => m.body)).toEqual(['m1', 'm0']);
    expect(await store.findMessage(handle.db, SITE_APP_ID, 'stream:s1', ids[3]!)).toBeUndefined();
  });

  it('finds channel and app-wide bans while they last, and ignores timeouts and expired bans', async () => {
    const ban = (user: string, channel: string, kind: 'ban' | 'timeout', expires: Date | null) =>
      store.upsertBan(handle.db, {
        app_id: SITE_APP_ID,
        channel,
        user_id: user,
        kind,
        banned_by: 'usr_m',
        created_at: now,
        expires_at: expires,
      });
    await ban('usr_b1', 'community', 'ban', later(60));
    await ban('usr_b2', APP_WIDE, 'ban', null);
    await ban('usr_b3', 'community', 'timeout', later(60));
    await ban('usr_b4', 'community', 'ban', later(-1));
    const active = (user: string) => store.activeBan(handle.db, SITE_APP_ID, 'community', user, now);
    expect((await active('usr_b1'))?.channel).toBe('community');
    expect((await active('usr_b2'))?.channel).toBe(APP_WIDE);
    expect(await active('usr_b3')).toBeUndefined();
    expect(await active('usr_b4')).toBeUndefined();
    expect(await store.activeBan(handle.db, SITE_APP_ID, 'community', 'usr_b1', later(61))).toBeUndefined();
    // Banning again replaces the ban rather than adding a second one.
    await ban('usr_b1', 'community', 'ban', null);
    expect((await active('usr_b1'))?.expires_at).toBeNull();
    expect(await store.deleteBan(handle.db, SITE_APP_ID, 'community', 'usr_b1')).toBe(true);
    expect(await active('usr_b1')).toBeUndefined();
    expect(await store.deleteBan(handle.db, SITE_APP_ID, 'community', 'usr_b3')).toBe(false);
  });

  it('stores slow mode per channel, off by default', async () => {
    expect(await store.slowMode(handle.db, SITE_APP_ID, 'community')).toBe(0);
    await store.setSlowMode(handle.db, SITE_APP_ID, 'community', 10, now);
    await store.setSlowMode(handle.db, SITE_APP_ID, 'community', 20, now);
    expect(await store.slowMode(handle.db, SITE_APP_ID, 'community')).toBe(20);
    expect(await store.slowMode(handle.db, SITE_APP_ID, 'stream:s1')).toBe(0);
  });
});
