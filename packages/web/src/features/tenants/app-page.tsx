import { useQuery } from '@tanstack/react-query';
import { Link, Outlet, useOutletContext, useParams } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import type { App } from '../../app/types.ts';
import { Badge, ErrorAlert, Loading, PageHeader } from '../../app/ui.tsx';
import { TabNav } from '../../app/ui-tabs.tsx';
import { tenantsApi } from './tenants.api.ts';

/** What the app page hands its tabs. */
export interface AppContext {
  app: App;
}

/** The current app, for components rendered inside an app page tab. */
export function useCurrentApp(): App {
  return useOutletContext<AppContext>().app;
}

/** One app in the developer console: header and the API keys / Webhooks / Team / Settings tabs. */
export function AppPage() {
  const { t } = useI18n();
  const api = useApi();
  const appId = useParams().appId ?? '';
  const query = useQuery({ queryKey: ['app', appId], queryFn: () => tenantsApi.getApp(api, appId) });
  const app = query.data?.app;
  useDocumentTitle(app ? app.name : t('apps.title'));

  const base = `/developer/apps/${encodeURIComponent(appId)}`;
  return (
    <div className="page" data-testid="app-page">
      <nav aria-label={t('nav.breadcrumb')} className="breadcrumb">
        <Link to="/developer">{t('apps.title')}</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{app?.name ?? '…'}</span>
      </nav>
      {query.isPending && <Loading />}
      <ErrorAlert error={query.error} testId="app-error" />
      {app && (
        <>
          <PageHeader
            title={<span data-testid="app-name">{app.name}</span>}
            subtitle={
              <>
                {t('apps.id')} <code data-testid="app-id">{app.id}</code>
              </>
            }
            actions={<Badge tone="primary">{t(`appRole.${app.role}`)}</Badge>}
          />
          <TabNav
            label={t('apps.sections')}
            items={[
              { to: base, end: true, label: t('keys.tab'), testId: 'tab-keys' },
              { to: `${base}/webhooks`, label: t('webhooks.tab'), testId: 'tab-webhooks' },
              { to: `${base}/team`, label: t('team.tab'), testId: 'tab-team' },
              { to: `${base}/settings`, label: t('settings.tab'), testId: 'tab-settings' },
            ]}
          />
          <div className="tab-panel">
            <Outlet context={{ app } satisfies AppContext} />
          </div>
        </>
      )}
    </div>
  );
}
