import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { LoadMore, useCursorList } from '../../app/lists.tsx';
import type { App } from '../../app/types.ts';
import {
  Badge,
  Button,
  Card,
  EmptyState,
  ErrorAlert,
  Loading,
  PageHeader,
  TextField,
} from '../../app/ui.tsx';
import { tenantLists, tenantsApi } from './tenants.api.ts';

/** "New app" form; opens the new app's console once it exists. */
function CreateAppForm() {
  const { t } = useI18n();
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (name: string) => tenantsApi.createApp(api, name),
    onSuccess: ({ app }) => {
      void queryClient.invalidateQueries({ queryKey: ['apps'] });
      queryClient.setQueryData(['app', app.id], { app });
      navigate(`/developer/apps/${encodeURIComponent(app.id)}`);
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate(formText(event.currentTarget, 'name'));
  }

  return (
    <Card title={t('apps.createTitle')}>
      <form className="form form-inline" onSubmit={onSubmit} data-testid="create-app-form">
        <TextField
          label={t('apps.name')}
          name="name"
          required
          maxLength={100}
          placeholder={t('apps.namePlaceholder')}
          data-testid="create-app-name"
          className="grow"
        />
        <Button type="submit" busy={create.isPending} data-testid="create-app-submit">
          {create.isPending ? t('apps.creating') : t('apps.create')}
        </Button>
      </form>
      <ErrorAlert error={create.error} testId="create-app-error" />
    </Card>
  );
}

/** Developer console home: the apps the user belongs to, and a form to create one. */
export function DeveloperPage() {
  const { t, formatDate } = useI18n();
  const apps = useCursorList<App>(['apps'], tenantLists.apps);
  useDocumentTitle(t('apps.title'));

  return (
    <div className="page" data-testid="developer-page">
      <PageHeader
        title={t('apps.title')}
        subtitle={t('apps.subtitle')}
        actions={
          <a href="/api/docs" className="btn btn-ghost">
            {t('nav.apiDocs')}
          </a>
        }
      />
      <CreateAppForm />
      <section aria-labelledby="apps-heading" className="section">
        <h2 id="apps-heading">{t('apps.yours')}</h2>
        {apps.isPending && <Loading />}
        <ErrorAlert error={apps.error} />
        {apps.isSuccess && apps.items.length === 0 && (
          <EmptyState title={t('apps.empty')} testId="app-list-empty" />
        )}
        {apps.items.length > 0 && (
          <ul className="app-grid" data-testid="app-list">
            {apps.items.map((app) => (
              <li key={app.id} data-testid="app-item" data-app-id={app.id}>
                <Link to={`/developer/apps/${encodeURIComponent(app.id)}`} className="app-tile">
                  <span className="app-avatar" aria-hidden="true">
                    {app.name.trim().charAt(0).toUpperCase() || '?'}
                  </span>
                  <span className="app-tile-body">
                    <span className="app-tile-name">{app.name}</span>
                    <span className="muted small">
                      {t('apps.createdAt', { date: formatDate(app.createdAt) })}
                    </span>
                  </span>
                  <Badge tone={app.role === 'owner' ? 'primary' : 'neutral'}>
                    {t(`appRole.${app.role}`)}
                  </Badge>
                </Link>
              </li>
            ))}
          </ul>
        )}
        <LoadMore list={apps} />
      </section>
    </div>
  );
}
