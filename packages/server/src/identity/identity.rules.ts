import type { UserRole } from '../platform/db/schema.ts';

/** Longest email we accept, characters (RFC 5321 path limit). */
export const EMAIL_MAX = 254;
/** Password length bounds, characters. The upper bound caps hashing cost per request. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
/** Display name length bounds, characters after trimming. */
export const DISPLAY_NAME_MAX = 64;

/** Emails compare by their trimmed, lower-cased form. */
export function normaliseEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Why `email` (already normalised) is not acceptable, or null. Deliberately loose: the mail link proves it. */
export function emailProblem(email: string): string | null {
  if (email.length === 0) return 'is required';
  if (email.length > EMAIL_MAX) return `must be at most ${EMAIL_MAX} characters`;
  if (!/^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u.test(email)) return 'is not an email address';
  const [local = ''] = email.split('@');
  if (local.length > 64) return 'has a local part longer than 64 characters';
  return null;
}

/** Why `password` is not acceptable, or null. Lengths count characters (code points), not bytes. */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  return null;
}

const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/** The display name to store (trimmed), or the reason it is refused. */
export function cleanDisplayName(raw: string): { ok: true; value: string } | { ok: false; problem: string } {
  const value = raw.trim();
  if (value.length === 0) return { ok: false, problem: 'must not be blank' };
  if ([...value].length > DISPLAY_NAME_MAX)
    return { ok: false, problem: `must be at most ${DISPLAY_NAME_MAX} characters` };
  if (CONTROL.test(value)) return { ok: false, problem: 'must not contain control characters' };
  return { ok: true, value };
}

const RANK: Record<UserRole, number> = { member: 0, creator: 1, moderator: 2, admin: 3 };

/** Whether `role` is `needed` or above it (member < creator < moderator < admin). */
export function roleAtLeast(role: UserRole, needed: UserRole): boolean {
  return RANK[role] >= RANK[needed];
}

/** Escapes LIKE wildcards so user input matches literally (with `ESCAPE '\'`). */
export function escapeLike(input: string): string {
  return input.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A display name for an account created from Telegram: the person's name, else the username. */
export function telegramDisplayName(fields: {
  first_name?: string;
  last_name?: string;
  username?: string;
}): string {
  const name = [fields.first_name, fields.last_name]
    .filter((part): part is string => Boolean(part))
    .join(' ')
    .replace(/[\p{Cc}\u2028\u2029]/gu, '')
    .trim();
  const chosen = name || fields.username?.trim() || 'Telegram user';
  return [...chosen].slice(0, DISPLAY_NAME_MAX).join('').trim() || 'Telegram user';
}
