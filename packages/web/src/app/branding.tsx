import { useQuery } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useLayoutEffect } from 'react';
import { useApi } from './api-context.tsx';
import { DEFAULT_BRANDING, normalizeBranding, themeVariables } from './theme.ts';
import type { Branding } from './types.ts';

const BrandingContext = createContext<Branding>(DEFAULT_BRANDING);

/**
 * Loads GET /branding once and writes its colors into CSS variables on <html>, so an operator's
 * branding restyles the whole app. Until it answers (or if it fails) the built-in defaults apply.
 */
export function BrandingProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const query = useQuery({
    queryKey: ['branding'],
    queryFn: async () => normalizeBranding(await api.get<unknown>('/branding')),
    staleTime: Number.POSITIVE_INFINITY,
    retry: 1,
  });
  const branding = query.data ?? DEFAULT_BRANDING;

  useLayoutEffect(() => {
    const root = document.documentElement;
    const variables = themeVariables(branding);
    for (const [name, value] of Object.entries(variables)) root.style.setProperty(name, value);
    root.style.colorScheme = variables['--color-scheme'] ?? 'dark';
  }, [branding]);

  return <BrandingContext value={branding}>{children}</BrandingContext>;
}

/** The site's branding (defaults until the server answered). */
export function useBranding(): Branding {
  return useContext(BrandingContext);
}

/** Sets the tab title to "`title` · site name". */
export function useDocumentTitle(title: string | null): void {
  const { name } = useBranding();
  useEffect(() => {
    document.title = title ? `${title} · ${name}` : name;
  }, [title, name]);
}
