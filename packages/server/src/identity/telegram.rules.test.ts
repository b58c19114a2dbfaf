import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkTelegramLogin,
  type TelegramLoginData,
  telegramDataCheckString,
  telegramHash,
} from './telegram.rules.ts';

const TOKEN = '110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const NOW_S = 1_700_000_000;

/** Telegram's documented algorithm, spelled out independently of the code under test. */
function reference(fields: Record<string, string | number>, token: string): string {
  const check = Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('\n');
  return createHmac('sha256', createHash('sha256').update(token).digest()).update(check).digest('hex');
}

function signed(fields: Omit<TelegramLoginData, 'hash'>, token = TOKEN): TelegramLoginData {
  return { ...fields, hash: reference(fields as Record<string, string | number>, token) };
}

describe('telegramDataCheckString', () => {
  it('sorts the fields, leaves out hash, and joins key=value lines with newlines', () => {
    expect(
      telegramDataCheckString({ username: 'u', id: 42, hash: 'h', auth_date: 100, first_name: 'F' }),
    ).toBe('auth_date=100\nfirst_name=F\nid=42\nusername=u');
  });
});

describe('telegramHash', () => {
  it('equals HMAC-SHA256 keyed with SHA-256 of the bot token', () => {
    const fields = { id: 1234, first_name: 'Ana', auth_date: NOW_S };
    expect(telegramHash(fields, TOKEN)).toBe(reference(fields, TOKEN));
    expect(telegramHash(fields, TOKEN)).not.toBe(reference(fields, `${TOKEN}x`));
  });
});

describe('checkTelegramLogin', () => {
  const base = {
    id: 987654321,
    first_name: 'Ana',
    last_name: 'Díaz',
    username: 'ana_d',
    photo_url: 'https://t.me/i/userpic/320/x.jpg',
    auth_date: NOW_S - 10,
  };

  it('accepts data signed with the bot token', () => {
    expect(checkTelegramLogin(signed(base), TOKEN, NOW_S * 1000, 86_400)).toEqual({ ok: true });
  });

  it('accepts data carrying only the required fields', () => {
    expect(checkTelegramLogin(signed({ id: 5, auth_date: NOW_S }), TOKEN, NOW_S * 1000, 86_400)).toEqual({
      ok: true,
    });
  });

  it('refuses a hash made with another bot token', () => {
    expect(checkTelegramLogin(signed(base, '1:other'), TOKEN, NOW_S * 1000, 86_400)).toEqual({
      ok: false,
      reason: 'signature',
    });
  });

  it.each([
    ['a changed id', { id: 1 }],
    ['a changed name', { first_name: 'Eve' }],
    ['a removed field and a changed one', { last_name: undefined, username: 'admin' }],
    ['a later auth_date', { auth_date: NOW_S }],
  ])('refuses %s', (_label, change) => {
    const data = { ...signed(base), ...change } as TelegramLoginData;
    expect(checkTelegramLogin(data, TOKEN, NOW_S * 1000, 86_400)).toEqual({ ok: false, reason: 'signature' });
  });

  it('refuses a dropped field', () => {
    const { photo_url: _dropped, ...rest } = signed(base);
    expect(checkTelegramLogin(rest, TOKEN, NOW_S * 1000, 86_400)).toEqual({ ok: false, reason: 'signature' });
  });

  it.each(['', 'zz', 'A'.repeat(64), '0'.repeat(63)])('refuses the malformed hash %j', (hash) => {
    expect(checkTelegramLogin({ ...signed(base), hash }, TOKEN, NOW_S * 1000, 86_400)).toEqual({
      ok: false,
      reason: 'signature',
    });
  });

  it('refuses data older than the maximum age and accepts it exactly at the limit', () => {
    const data = signed({ ...base, auth_date: NOW_S - 3600 });
    expect(checkTelegramLogin(data, TOKEN, NOW_S * 1000, 3600)).toEqual({ ok: true });
    expect(checkTelegramLogin(data, TOKEN, (NOW_S + 1) * 1000, 3600)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('tolerates up to 60 s of clock skew into the future, not more', () => {
    expect(
      checkTelegramLogin(signed({ ...base, auth_date: NOW_S + 60 }), TOKEN, NOW_S * 1000, 86_400),
    ).toEqual({ ok: true });
    expect(
      checkTelegramLogin(signed({ ...base, auth_date: NOW_S + 61 }), TOKEN, NOW_S * 1000, 86_400),
    ).toEqual({ ok: false, reason: 'future' });
  });
});
