import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useMemo } from 'react';
import { useApi } from './api-context.tsx';
import type { Session, User } from './types.ts';

/** Query key of the current session; its data is a Session or null when logged out. */
export const SESSION_KEY = ['session'] as const;

/** What components get from useSession(). */
export interface SessionState {
  status: 'loading' | 'anonymous' | 'authenticated';
  user: User | null;
  /** Stores a session the server just returned (login, sign-up, Telegram) or null after logout. */
  setSession: (session: Session | null) => void;
  /** Replaces the user in the current session (after a profile change or e-mail verification). */
  updateUser: (user: User) => void;
  logout: () => Promise<void>;
}

/** Queries whose data is the same for every visitor, kept across login and logout. */
const SHARED_QUERIES = new Set(['branding', 'session', 'auth-config', 'scopes', 'events']);

const SessionContext = createContext<SessionState | null>(null);

/** Loads GET /auth/session and keeps the API client's CSRF token in step with it. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: SESSION_KEY,
    queryFn: () => api.fetchSession(),
    staleTime: 5 * 60_000,
  });

  const setSession = useCallback(
    (session: Session | null) => {
      // Set the token synchronously: the next click may already be a mutating request.
      api.setSession(session);
      // Whoever was signed in before, their cached apps, keys and lists must not leak into this session.
      queryClient.removeQueries({ predicate: (q) => !SHARED_QUERIES.has(String(q.queryKey[0])) });
      queryClient.setQueryData(SESSION_KEY, session);
    },
    [api, queryClient],
  );

  const updateUser = useCallback(
    (user: User) => {
      queryClient.setQueryData<Session | null>(SESSION_KEY, (old) => (old ? { ...old, user } : old));
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    try {
      await api.post('/auth/logout');
    } finally {
      setSession(null);
    }
  }, [api, setSession]);

  const session = query.data ?? null;
  const value = useMemo<SessionState>(
    () => ({
      status: query.isPending ? 'loading' : session ? 'authenticated' : 'anonymous',
      user: session?.user ?? null,
      setSession,
      updateUser,
      logout,
    }),
    [query.isPending, session, setSession, updateUser, logout],
  );
  return <SessionContext value={value}>{children}</SessionContext>;
}

/** The signed-in user (if any) and the actions that change the session. */
export function useSession(): SessionState {
  const context = useContext(SessionContext);
  if (!context) throw new Error('useSession must be used inside SessionProvider');
  return context;
}
