import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { LoadMore, useCursorList } from '../../app/lists.tsx';
import { useSession } from '../../app/session.tsx';
import type { User, UserRole } from '../../app/types.ts';
import { Badge, Card, EmptyState, ErrorAlert, Loading } from '../../app/ui.tsx';
import { useDebounced } from '../../app/use-debounced.ts';
import { adminApi, adminLists, USER_ROLES } from './admin.api.ts';

/** One user with a role picker (admins cannot demote themselves here, to avoid locking themselves out). */
function UserRow({ user }: { user: User }) {
  const { t, formatDate } = useI18n();
  const api = useApi();
  const { user: me } = useSession();
  const queryClient = useQueryClient();
  const roleId = useId();
  const setRole = useMutation({
    mutationFn: (role: UserRole) => adminApi.setUserRole(api, user.id, role),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['admin', 'users'] }),
  });

  return (
    <tr data-testid="admin-user-row" data-user-id={user.id}>
      <th scope="row">
        {user.displayName}
        <span className="muted small block">{user.email}</span>
      </th>
      <td>
        {user.emailVerified ? (
          <Badge tone="success">{t('profile.verified')}</Badge>
        ) : (
          <Badge tone="warning">{t('profile.unverified')}</Badge>
        )}
      </td>
      <td>
        <label htmlFor={roleId} className="sr-only">
          {t('admin.users.roleOf', { name: user.displayName })}
        </label>
        <select
          id={roleId}
          value={setRole.isPending ? setRole.variables : user.role}
          disabled={setRole.isPending || user.id === me?.id}
          onChange={(event) => setRole.mutate(event.target.value as UserRole)}
          data-testid={`admin-user-role-${user.id}`}
        >
          {USER_ROLES.map((role) => (
            <option key={role} value={role}>
              {t(`role.${role}`)}
            </option>
          ))}
        </select>
        <ErrorAlert error={setRole.error} />
      </td>
      <td>{formatDate(user.createdAt)}</td>
    </tr>
  );
}

/** User search and role management. */
export function UsersTab() {
  const { t } = useI18n();
  const searchId = useId();
  const [search, setSearch] = useState('');
  const query = useDebounced(search.trim());
  const users = useCursorList<User>(['admin', 'users', query], adminLists.users, { query });

  return (
    <Card testId="admin-users">
      <div className="field search-field">
        <label htmlFor={searchId}>{t('admin.users.search')}</label>
        <input
          id={searchId}
          type="search"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          placeholder={t('admin.users.searchPlaceholder')}
          data-testid="admin-user-search"
        />
      </div>
      {users.isPending && <Loading />}
      <ErrorAlert error={users.error} />
      {users.isSuccess && users.items.length === 0 && <EmptyState title={t('admin.users.empty')} />}
      {users.items.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="admin-user-list">
            <thead>
              <tr>
                <th scope="col">{t('admin.users.user')}</th>
                <th scope="col">{t('admin.users.emailStatus')}</th>
                <th scope="col">{t('profile.role')}</th>
                <th scope="col">{t('common.created')}</th>
              </tr>
            </thead>
            <tbody>
              {users.items.map((user) => (
                <UserRow key={user.id} user={user} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore list={users} />
    </Card>
  );
}
