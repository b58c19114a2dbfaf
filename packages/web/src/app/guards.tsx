import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { useI18n } from './i18n-context.tsx';
import { loginPath } from './navigation.ts';
import { useSession } from './session.tsx';
import { EmptyState, Loading } from './ui.tsx';

/** Renders `children` for signed-in users; sends others to /login?next=<here>. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status } = useSession();
  const location = useLocation();
  if (status === 'loading') return <Loading />;
  if (status === 'anonymous') {
    return <Navigate to={loginPath(`${location.pathname}${location.search}`)} replace />;
  }
  return children;
}

/** Like RequireAuth, and shows "not allowed" to signed-in users who are not platform admins. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const { t } = useI18n();
  return (
    <RequireAuth>
      {user?.role === 'admin' ? (
        children
      ) : (
        <EmptyState title={t('admin.forbidden')} testId="admin-forbidden">
          <p className="muted">{t('admin.forbiddenHint')}</p>
        </EmptyState>
      )}
    </RequireAuth>
  );
}

/** Like RequireAuth, and shows "for creators" to signed-in users who are neither creators nor admins. */
export function RequireCreator({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const { t } = useI18n();
  return (
    <RequireAuth>
      {user?.role === 'creator' || user?.role === 'admin' ? (
        children
      ) : (
        <EmptyState title={t('live.studio.forbidden')} testId="creator-forbidden">
          <p className="muted">{t('live.studio.forbiddenHint')}</p>
        </EmptyState>
      )}
    </RequireAuth>
  );
}
