import { useI18n } from '../../app/i18n-context.tsx';
import { LoadMore, useCursorList } from '../../app/lists.tsx';
import type { AuditEntry } from '../../app/types.ts';
import { Card, EmptyState, ErrorAlert, Loading } from '../../app/ui.tsx';
import { adminLists } from './admin.api.ts';

/** The audit log, newest first. */
export function AuditTab() {
  const { t, formatDate } = useI18n();
  const entries = useCursorList<AuditEntry>(['admin', 'audit'], adminLists.audit);
  return (
    <Card testId="admin-audit" title={t('admin.audit.title')}>
      {entries.isPending && <Loading />}
      <ErrorAlert error={entries.error} />
      {entries.isSuccess && entries.items.length === 0 && <EmptyState title={t('admin.audit.empty')} />}
      {entries.items.length > 0 && (
        <div className="table-wrap">
          <table className="table table-compact" data-testid="admin-audit-list">
            <thead>
              <tr>
                <th scope="col">{t('admin.audit.when')}</th>
                <th scope="col">{t('admin.audit.action')}</th>
                <th scope="col">{t('admin.audit.actor')}</th>
                <th scope="col">{t('admin.audit.target')}</th>
                <th scope="col">{t('admin.audit.app')}</th>
                <th scope="col">{t('admin.audit.ip')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.items.map((entry) => (
                <tr key={entry.id} data-testid="admin-audit-row">
                  <td className="nowrap">{formatDate(entry.createdAt)}</td>
                  <th scope="row">
                    <code>{entry.action}</code>
                  </th>
                  <td className="mono small">
                    {entry.actorType}
                    {entry.actorId ? `:${entry.actorId}` : ''}
                  </td>
                  <td className="mono small">
                    {entry.targetType ?? '—'}
                    {entry.targetId ? `:${entry.targetId}` : ''}
                  </td>
                  <td className="mono small">{entry.appId ?? '—'}</td>
                  <td className="mono small">{entry.ip ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore list={entries} />
    </Card>
  );
}
