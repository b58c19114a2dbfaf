import { describe, expect, it } from 'vitest';
import { loginPath, safeNext } from './navigation.ts';

describe('safeNext', () => {
  it('keeps same-origin paths with their query', () => {
    expect(safeNext('/developer/apps/a1?tab=keys')).toBe('/developer/apps/a1?tab=keys');
  });

  it('refuses anything that could leave the site', () => {
    for (const next of [
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      '/x\n',
    ]) {
      expect(safeNext(next, '/home'), next).toBe('/home');
    }
  });

  it('uses the fallback when there is no next', () => {
    expect(safeNext(null)).toBe('/');
  });
});

describe('loginPath', () => {
  it('round-trips the return path through the query string', () => {
    const path = '/invitations/accept?token=a&b=c';
    const next = new URLSearchParams(loginPath(path).split('?')[1]).get('next');
    expect(safeNext(next)).toBe(path);
  });
});
