/** An app's look: the web app turns the colours into CSS variables. */
export interface Branding {
  name: string;
  colors: { primary: string; background: string; surface: string; text: string; accent: string };
  logoUrl: string | null;
}

/** The built-in look, used for every field an operator has not set. */
export const DEFAULT_BRANDING: Readonly<Branding> = Object.freeze({
  name: 'PNPtv',
  colors: Object.freeze({
    primary: '#7c3aed',
    background: '#0e0e11',
    surface: '#18181d',
    text: '#efeff1',
    accent: '#22d3ee',
  }),
  logoUrl: null,
});

/** What an operator stored; any field may be missing. */
export type BrandingOverrides = Partial<Pick<Branding, 'name' | 'logoUrl'>> & {
  colors?: Partial<Branding['colors']>;
};

/** The effective branding: the app's name, then stored overrides, over the defaults. */
export function resolveBranding(appName: string | null, overrides: BrandingOverrides | null): Branding {
  return {
    name: overrides?.name ?? appName ?? DEFAULT_BRANDING.name,
    colors: { ...DEFAULT_BRANDING.colors, ...(overrides?.colors ?? {}) },
    logoUrl: overrides?.logoUrl ?? null,
  };
}
