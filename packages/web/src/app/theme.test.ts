import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BRANDING,
  isSafeColor,
  isSafeLogoUrl,
  luminance,
  normalizeBranding,
  readableTextOn,
  themeVariables,
} from './theme.ts';

describe('isSafeColor', () => {
  it('accepts hex, color functions and keywords', () => {
    for (const color of [
      '#fff',
      '#a1b2c3',
      '#a1b2c3cc',
      'rgb(10, 20, 30)',
      'hsl(260 80% 60% / 0.5)',
      'rebeccapurple',
    ]) {
      expect(isSafeColor(color), color).toBe(true);
    }
  });

  it('rejects values that could inject other CSS', () => {
    for (const color of [
      'red; background: url(x)',
      'url(http://x)',
      '#fff}',
      'expression(alert(1))',
      42,
      '',
    ]) {
      expect(isSafeColor(color), String(color)).toBe(false);
    }
  });
});

describe('isSafeLogoUrl', () => {
  it('allows http(s) and same-origin paths only', () => {
    expect(isSafeLogoUrl('https://cdn.example.com/logo.svg')).toBe(true);
    expect(isSafeLogoUrl('/brand/logo.png')).toBe(true);
    expect(isSafeLogoUrl('javascript:alert(1)')).toBe(false);
    expect(isSafeLogoUrl('data:image/svg+xml,<svg/>')).toBe(false);
    expect(isSafeLogoUrl('//evil.example/logo.png')).toBe(false);
  });
});

describe('normalizeBranding', () => {
  it('keeps valid fields and replaces invalid ones with defaults', () => {
    const branding = normalizeBranding({
      name: '  Club Live ',
      colors: { primary: '#ff0066', background: 'url(x)', text: '#000' },
      logoUrl: 'javascript:alert(1)',
    });
    expect(branding.name).toBe('Club Live');
    expect(branding.colors.primary).toBe('#ff0066');
    expect(branding.colors.background).toBe(DEFAULT_BRANDING.colors.background);
    expect(branding.colors.text).toBe('#000');
    expect(branding.logoUrl).toBeNull();
  });

  it('returns the defaults for a reply that is not an object', () => {
    expect(normalizeBranding(null)).toEqual(DEFAULT_BRANDING);
    expect(normalizeBranding('oops')).toEqual(DEFAULT_BRANDING);
  });
});

describe('contrast', () => {
  it('measures black as 0 and white as 1', () => {
    expect(luminance('#000')).toBe(0);
    expect(luminance('#ffffff')).toBeCloseTo(1, 5);
  });

  it('puts dark text on light buttons and white text on dark ones', () => {
    expect(readableTextOn('#fde047')).not.toBe('#ffffff');
    expect(readableTextOn('#4c1d95')).toBe('#ffffff');
  });

  it('derives every variable the stylesheet reads', () => {
    const vars = themeVariables(DEFAULT_BRANDING);
    for (const name of [
      '--color-primary',
      '--color-bg',
      '--color-surface',
      '--color-text',
      '--color-muted',
    ]) {
      expect(vars[name], name).toBeTruthy();
    }
    expect(vars['--color-accent']).toBe(DEFAULT_BRANDING.colors.accent);
    expect(vars['--color-scheme']).toBe('dark');
  });
});
