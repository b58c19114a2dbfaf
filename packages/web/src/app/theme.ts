import type { Branding } from './types.ts';

/** The look used until (or unless) the server's branding arrives: a dark, violet-accented theme. */
export const DEFAULT_BRANDING: Branding = {
  name: 'PNPtv',
  colors: {
    primary: '#7c3aed',
    background: '#0e0e11',
    surface: '#18181d',
    text: '#efeff1',
    accent: '#22d3ee',
  },
  logoUrl: null,
};

const HEX = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const FUNCTION =
  /^(?:rgb|rgba|hsl|hsla|oklch|oklab|lab|lch)\([\d\s.,%/+-]+(?:deg|rad|turn)?[\d\s.,%/+-]*\)$/i;
const NAMED = /^[a-z]{3,20}$/i;

/** Whether `value` is a plain CSS color (hex, color function or keyword), so it cannot smuggle other CSS. */
export function isSafeColor(value: unknown): value is string {
  return typeof value === 'string' && (HEX.test(value) || FUNCTION.test(value) || NAMED.test(value));
}

/** Whether a logo address is http(s) or same-origin, never `javascript:` or `data:`. */
export function isSafeLogoUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value === '') return false;
  if (value.startsWith('/') && !value.startsWith('//')) return true;
  return /^https?:\/\/[^\s]+$/i.test(value);
}

/** Merges a server reply into the defaults, dropping any field that is missing or unsafe. */
export function normalizeBranding(raw: unknown): Branding {
  if (!raw || typeof raw !== 'object') return DEFAULT_BRANDING;
  const input = raw as { name?: unknown; colors?: Record<string, unknown> | null; logoUrl?: unknown };
  const colors = { ...DEFAULT_BRANDING.colors };
  for (const key of Object.keys(colors) as (keyof Branding['colors'])[]) {
    const candidate = input.colors?.[key];
    if (isSafeColor(candidate)) colors[key] = candidate;
  }
  const name =
    typeof input.name === 'string' && input.name.trim() ? input.name.trim() : DEFAULT_BRANDING.name;
  return { name, colors, logoUrl: isSafeLogoUrl(input.logoUrl) ? input.logoUrl : null };
}

/** Relative luminance (0 = black, 1 = white) of a #rgb / #rrggbb color, or null for other notations. */
export function luminance(color: string): number | null {
  const match = /^#([0-9a-f]{6}|[0-9a-f]{3})/i.exec(color);
  if (!match?.[1]) return null;
  const hex = match[1].length === 3 ? [...match[1]].map((c) => c + c).join('') : match[1];
  const [r, g, b] = [0, 2, 4].map((i) => {
    const channel = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Black or white, whichever reads better on `background` (white when the color can't be parsed). */
export function readableTextOn(background: string): string {
  const l = luminance(background);
  if (l === null) return '#ffffff';
  // Contrast against white is 1.05 / (l + 0.05); against black (l + 0.05) / 0.05. Pick the larger.
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#0b0b0e';
}

/** The CSS custom properties the stylesheet reads, derived from a branding. */
export function themeVariables(branding: Branding): Record<string, string> {
  const { colors } = branding;
  const isLight = (luminance(colors.background) ?? 0) > 0.5;
  return {
    '--color-primary': colors.primary,
    '--color-on-primary': readableTextOn(colors.primary),
    '--color-bg': colors.background,
    '--color-surface': colors.surface,
    '--color-text': colors.text,
    '--color-muted': `color-mix(in srgb, ${colors.text} 64%, ${colors.background})`,
    '--color-accent': colors.accent,
    '--color-danger': isLight ? '#c81e3a' : '#f87171',
    '--color-success': isLight ? '#15803d' : '#4ade80',
    '--color-warning': isLight ? '#a16207' : '#fbbf24',
    '--color-scheme': isLight ? 'light' : 'dark',
  };
}
