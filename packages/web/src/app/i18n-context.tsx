import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import {
  DICTIONARIES,
  isLocale,
  LOCALE_STORAGE_KEY,
  type MessageKey,
  type MessageParams,
  pickLocale,
  translate,
} from './i18n.ts';
import type { Locale } from './types.ts';

/** What components get from useI18n(). */
export interface I18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: (key: MessageKey, params?: MessageParams) => string;
  /** Date and time in the current language; '—' for null. */
  formatDate: (iso: string | null) => string;
}

const I18nContext = createContext<I18n | null>(null);

function readStoredLocale(): string | null {
  try {
    return localStorage.getItem(LOCALE_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Holds the interface language: starts from localStorage or the browser, remembers every change. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() =>
    pickLocale(
      readStoredLocale(),
      typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]),
    ),
  );

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const setLocale = useCallback((next: Locale) => {
    if (!isLocale(next)) return;
    setLocaleState(next);
    try {
      localStorage.setItem(LOCALE_STORAGE_KEY, next);
    } catch {
      // Private mode or storage disabled: the choice just lasts for this visit.
    }
  }, []);

  const value = useMemo<I18n>(() => {
    const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    return {
      locale,
      setLocale,
      t: (key, params) => translate(DICTIONARIES[locale], key, params),
      formatDate: (iso) => {
        if (!iso) return '—';
        const date = new Date(iso);
        return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
      },
    };
  }, [locale, setLocale]);

  return <I18nContext value={value}>{children}</I18nContext>;
}

/** The current language, its translator and formatters. */
export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useI18n must be used inside I18nProvider');
  return context;
}
