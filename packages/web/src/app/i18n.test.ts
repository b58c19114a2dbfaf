import { describe, expect, it } from 'vitest';
import { DICTIONARIES, LOCALES, pickLocale, placeholders, translate } from './i18n.ts';

describe('dictionaries', () => {
  const reference = Object.keys(DICTIONARIES.en).sort();

  it('translate every English key into every language and nothing more', () => {
    for (const locale of LOCALES) {
      expect(Object.keys(DICTIONARIES[locale]).sort(), locale).toEqual(reference);
    }
  });

  it('keep the same placeholders in every translation', () => {
    for (const locale of LOCALES) {
      for (const key of reference) {
        const k = key as keyof typeof DICTIONARIES.en;
        expect(placeholders(DICTIONARIES[locale][k]), `${locale}:${key}`).toEqual(
          placeholders(DICTIONARIES.en[k]),
        );
      }
    }
  });

  it('have no empty messages', () => {
    for (const locale of LOCALES) {
      for (const [key, message] of Object.entries(DICTIONARIES[locale])) {
        expect(message.trim(), `${locale}:${key}`).not.toBe('');
      }
    }
  });
});

describe('pickLocale', () => {
  it('prefers a valid stored choice over the browser language', () => {
    expect(pickLocale('es', ['en-US'])).toBe('es');
  });

  it('ignores an unsupported stored value and uses the first supported browser language', () => {
    expect(pickLocale('fr', ['fr-FR', 'es-MX', 'en'])).toBe('es');
  });

  it('falls back to English', () => {
    expect(pickLocale(null, ['de-DE'])).toBe('en');
    expect(pickLocale(null, [])).toBe('en');
  });
});

describe('translate', () => {
  it('fills every placeholder of a message', () => {
    expect(translate(DICTIONARIES.en, 'team.removeQuestion', { name: 'Ana' })).toBe(
      DICTIONARIES.en['team.removeQuestion'].replace('{name}', 'Ana'),
    );
    expect(translate(DICTIONARIES.es, 'signup.done', { email: 'a@b.test' })).toContain('a@b.test');
  });

  it('leaves a placeholder visible when its value is missing', () => {
    expect(translate(DICTIONARIES.en, 'team.removeQuestion')).toContain('{name}');
    expect(translate(DICTIONARIES.en, 'team.removeQuestion', {})).toContain('{name}');
  });
});
