import { createContext, useContext } from 'react';
import type { ApiClient } from './api.ts';

/** The one ApiClient of the running app, created by AppProviders. */
export const ApiContext = createContext<ApiClient | null>(null);

/** The app's API client (it carries the session's CSRF token). */
export function useApi(): ApiClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error('useApi must be used inside ApiContext');
  return client;
}
