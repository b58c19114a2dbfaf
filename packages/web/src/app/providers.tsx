import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { ApiClient, ApiError } from './api.ts';
import { ApiContext } from './api-context.tsx';
import { BrandingProvider } from './branding.tsx';
import { I18nProvider } from './i18n-context.tsx';
import { SESSION_KEY, SessionProvider } from './session.tsx';

/** Client errors are final: retrying a 4xx only delays the message; network and 5xx get two more tries. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        // A 401 anywhere but the session probe means the session expired: re-check it so guards redirect.
        if (error instanceof ApiError && error.status === 401 && query.queryKey[0] !== SESSION_KEY[0]) {
          void client.invalidateQueries({ queryKey: SESSION_KEY });
        }
      },
    }),
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 10_000, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
  return client;
}

/** Everything the pages rely on: query cache, API client, language, branding and session. */
export function AppProviders({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  const [api] = useState(() => new ApiClient());
  return (
    <QueryClientProvider client={queryClient}>
      <ApiContext value={api}>
        <I18nProvider>
          <BrandingProvider>
            <SessionProvider>{children}</SessionProvider>
          </BrandingProvider>
        </I18nProvider>
      </ApiContext>
    </QueryClientProvider>
  );
}
