import { Outlet } from 'react-router-dom';
import { useDocumentTitle } from '../../app/branding.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { PageHeader } from '../../app/ui.tsx';
import { TabNav } from '../../app/ui-tabs.tsx';

/** Platform administration: users, creator applications, dev outbox, dead jobs and the audit log. */
export function AdminPage() {
  const { t } = useI18n();
  useDocumentTitle(t('admin.title'));
  return (
    <div className="page" data-testid="admin-page">
      <PageHeader title={t('admin.title')} subtitle={t('admin.subtitle')} />
      <TabNav
        label={t('admin.sections')}
        items={[
          { to: '/admin/users', label: t('admin.users.tab'), testId: 'admin-tab-users' },
          { to: '/admin/creators', label: t('admin.creators.tab'), testId: 'admin-tab-creators' },
          { to: '/admin/mail', label: t('admin.mail.tab'), testId: 'admin-tab-mail' },
          { to: '/admin/jobs', label: t('admin.jobs.tab'), testId: 'admin-tab-jobs' },
          { to: '/admin/audit', label: t('admin.audit.tab'), testId: 'admin-tab-audit' },
        ]}
      />
      <div className="tab-panel">
        <Outlet />
      </div>
    </div>
  );
}
