import { accountMessages } from '../features/account/account.i18n.ts';
import { chatMessages } from '../features/chat/chat.i18n.ts';
import { identityMessages } from '../features/identity/identity.i18n.ts';
import { liveMessages } from '../features/live/live.i18n.ts';
import { restreamMessages } from '../features/live/restream.i18n.ts';
import { moneyMessages } from '../features/money/money.i18n.ts';
import { en as coreEn } from './i18n.en.ts';
import { es as coreEs } from './i18n.es.ts';
import type { Locale } from './types.ts';

/** English, the reference dictionary: the app shell's messages and each feature's. */
const en = {
  ...coreEn,
  ...liveMessages.en,
  ...chatMessages.en,
  ...moneyMessages.en,
  ...restreamMessages.en,
  ...accountMessages.en,
  ...identityMessages.en,
};

/** Every translatable message. */
export type MessageKey = keyof typeof en;

/** A complete translation: a missing or extra key is a type error. */
export type Dictionary = Record<MessageKey, string>;

/** Values substituted for `{name}` placeholders. */
export type MessageParams = Record<string, string | number>;

/** Languages the interface ships in, in switcher order. */
export const LOCALES: readonly Locale[] = ['en', 'es'];

/** Dictionaries by locale. */
export const DICTIONARIES: Record<Locale, Dictionary> = {
  en,
  es: {
    ...coreEs,
    ...liveMessages.es,
    ...chatMessages.es,
    ...moneyMessages.es,
    ...restreamMessages.es,
    ...accountMessages.es,
    ...identityMessages.es,
  },
};

/** Native names shown in the language switcher (not translated on purpose). */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', es: 'Español' };

/** localStorage key that remembers the chosen language. */
export const LOCALE_STORAGE_KEY = 'pnptv.locale';

/** Narrows an arbitrary string to a supported locale. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The language to start in: the stored choice if valid, else the first browser language we support
 * ('es-MX' counts as 'es'), else English.
 */
export function pickLocale(stored: string | null, browserLanguages: readonly string[]): Locale {
  if (isLocale(stored)) return stored;
  for (const language of browserLanguages) {
    const base = language.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return 'en';
}

/** Names of the `{placeholder}`s in a message, sorted, for comparing translations. */
export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '').sort();
}

/** Looks `key` up and fills its placeholders; unknown placeholders are left visible so they get noticed. */
export function translate(dictionary: Dictionary, key: MessageKey, params?: MessageParams): string {
  const message = dictionary[key] ?? en[key];
  if (!params) return message;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}
