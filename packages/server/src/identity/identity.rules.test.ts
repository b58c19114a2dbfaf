import { describe, expect, it } from 'vitest';
import {
  cleanDisplayName,
  emailProblem,
  escapeLike,
  normaliseEmail,
  passwordProblem,
  roleAtLeast,
  telegramDisplayName,
} from './identity.rules.ts';

describe('normaliseEmail', () => {
  it('trims and lower-cases', () => {
    expect(normaliseEmail('  Ana.Diaz@Example.COM \n')).toBe('ana.diaz@example.com');
  });
});

describe('emailProblem', () => {
  it.each(['a@b.co', 'first.last+tag@sub.example.org', 'ñandú@ejemplo.es'])('accepts %s', (email) => {
    expect(emailProblem(email)).toBeNull();
  });
  it.each([
    ['empty', ''],
    ['no at sign', 'example.com'],
    ['two at signs', 'a@b@example.com'],
    ['no dot in the domain', 'a@localhost'],
    ['inner whitespace', 'a b@example.com'],
    ['a control character', 'a\u0000@example.com'],
    ['a local part over 64 characters', `${'a'.repeat(65)}@example.com`],
    ['over 254 characters', `${'a'.repeat(60)}@${'d'.repeat(190)}.com`],
  ])('refuses %s', (_label, email) => {
    expect(emailProblem(email)).not.toBeNull();
  });
});

describe('passwordProblem', () => {
  it('accepts 8 to 256 characters', () => {
    expect(passwordProblem('12345678')).toBeNull();
    expect(passwordProblem('x'.repeat(256))).toBeNull();
  });
  it('refuses fewer than 8 or more than 256 characters', () => {
    expect(passwordProblem('1234567')).toMatch(/at least 8/);
    expect(passwordProblem('x'.repeat(257))).toMatch(/at most 256/);
  });
  it('counts characters, not UTF-16 units', () => {
    expect(passwordProblem('🔑🔑🔑🔑')).toMatch(/at least 8/);
    expect(passwordProblem('🔑'.repeat(8))).toBeNull();
  });
});

describe('cleanDisplayName', () => {
  it('trims surrounding whitespace', () => {
    expect(cleanDisplayName('  Ana  ')).toEqual({ ok: true, value: 'Ana' });
  });
  it.each([
    ['blank', '   '],
    ['a newline', 'two\nlines'],
    ['a bell character', 'ding\u0007'],
    ['a line separator', 'a\u2028b'],
    ['65 characters', 'x'.repeat(65)],
  ])('refuses %s', (_label, name) => {
    expect(cleanDisplayName(name).ok).toBe(false);
  });
  it('allows 64 characters, emoji counted once', () => {
    expect(cleanDisplayName('😀'.repeat(64)).ok).toBe(true);
  });
});

describe('roleAtLeast', () => {
  it('orders member < creator < moderator < admin', () => {
    expect(roleAtLeast('admin', 'moderator')).toBe(true);
    expect(roleAtLeast('moderator', 'creator')).toBe(true);
    expect(roleAtLeast('creator', 'creator')).toBe(true);
    expect(roleAtLeast('creator', 'moderator')).toBe(false);
    expect(roleAtLeast('member', 'creator')).toBe(false);
  });
});

describe('escapeLike', () => {
  it('escapes %, _ and the escape character itself', () => {
    expect(escapeLike('50%_off\\')).toBe('50\\%\\_off\\\\');
    expect(escapeLike('plain')).toBe('plain');
  });
});

describe('telegramDisplayName', () => {
  it('joins first and last name', () => {
    expect(telegramDisplayName({ first_name: 'Ana', last_name: 'Díaz' })).toBe('Ana Díaz');
  });
  it('falls back to the username, then to a generic name', () => {
    expect(telegramDisplayName({ username: 'ana_d' })).toBe('ana_d');
    expect(telegramDisplayName({})).toBe('Telegram user');
  });
  it('drops control characters and cuts to 64 characters', () => {
    expect(telegramDisplayName({ first_name: 'A\u0000na' })).toBe('Ana');
    expect([...telegramDisplayName({ first_name: 'n'.repeat(100) })]).toHaveLength(64);
  });
});
