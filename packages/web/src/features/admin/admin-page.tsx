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
          { to: '/admin/payments', label: t('money.admin.payments'), testId: 'admin-tab-payments' },
          { to: '/admin/payouts', label: t('money.admin.payouts'), testId: 'admin-tab-payouts' },
          { to: '/admin/coin-packages', label: t('money.admin.packages'), testId: 'admin-tab-coin-packages' },
          { to: '/admin/gifts', label: t('money.admin.gifts'), testId: 'admin-tab-gifts' },
          { to: '/admin/split', label: t('money.admin.split'), testId: 'admin-tab-split' },
          { to: '/admin/prime', label: t('money.admin.prime'), testId: 'admin-tab-prime' },
        ]}
      />
      <div className="tab-panel">
        <Outlet />
      </div>
    </div>
  );
}
