import { describe, expect, it } from 'vitest';
import { linkify } from './linkify.ts';

const joined = (text: string) =>
  linkify(text)
    .map((segment) => segment.text)
    .join('');
const links = (text: string) =>
  linkify(text).flatMap((segment) => (segment.type === 'link' ? [segment.href] : []));

describe('linkify', () => {
  it('finds the verification link in a mail', () => {
    const text =
      'Hi Ana,\n\nConfirm your address: http://localhost:8080/verify-email?token=abc_123\n\nThanks';
    expect(links(text)).toEqual(['http://localhost:8080/verify-email?token=abc_123']);
  });

  it('leaves sentence punctuation and unopened brackets out of the link', () => {
    expect(links('Go to https://x.test/a. Or (see https://x.test/b).')).toEqual([
      'https://x.test/a',
      'https://x.test/b',
    ]);
    expect(links('Wiki https://x.test/Foo_(bar) page')).toEqual(['https://x.test/Foo_(bar)']);
  });

  it('keeps every character of the text, links included', () => {
    for (const text of [
      '',
      'no links here',
      'a https://x.test/1, b https://x.test/2!',
      'https://only.test',
    ]) {
      expect(joined(text)).toBe(text);
    }
  });

  it('treats HTML in the mail as text, not as links', () => {
    const segments = linkify('<a href="javascript:alert(1)">click</a> <b>bold</b>');
    expect(segments).toEqual([{ type: 'text', text: '<a href="javascript:alert(1)">click</a> <b>bold</b>' }]);
  });

  it('only ever links http and https addresses', () => {
    expect(links('javascript:alert(1) ftp://x.test mailto:a@b.test https://ok.test')).toEqual([
      'https://ok.test',
    ]);
  });
});
