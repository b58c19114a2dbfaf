import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { LoadMore, useCursorList } from '../../app/lists.tsx';
import type { WebhookEndpoint } from '../../app/types.ts';
import { Badge, Card, EmptyState, ErrorAlert, Loading } from '../../app/ui.tsx';
import { SecretPanel } from '../../app/ui-secret.tsx';
import { useCurrentApp } from '../tenants/app-page.tsx';
import { canEdit } from '../tenants/tenants.api.ts';
import { EndpointForm, type EndpointFormValues } from './endpoint-form.tsx';
import { webhookLists, webhooksApi } from './webhooks.api.ts';

/** Enabled / disabled badge of an endpoint. */
export function EndpointStatus({ endpoint }: { endpoint: WebhookEndpoint }) {
  const { t } = useI18n();
  return endpoint.enabled ? (
    <Badge tone="success" testId="webhook-status">
      {t('webhooks.enabled')}
    </Badge>
  ) : (
    <Badge tone="danger" testId="webhook-status">
      {t('webhooks.disabled')}
    </Badge>
  );
}

/** Webhook endpoints of the current app: create (secret shown once) and list. */
export function WebhooksTab() {
  const { t, formatDate } = useI18n();
  const api = useApi();
  const app = useCurrentApp();
  const queryClient = useQueryClient();
  const endpoints = useCursorList<WebhookEndpoint>(['webhooks', app.id], webhookLists.endpoints(app.id));
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (values: EndpointFormValues) => webhooksApi.create(api, app.id, values),
    onSuccess: (result) => {
      setSecret(result.secret);
      void queryClient.invalidateQueries({ queryKey: ['webhooks', app.id] });
    },
  });
  const base = `/developer/apps/${encodeURIComponent(app.id)}/webhooks`;

  return (
    <div className="stack" data-testid="webhooks-tab">
      {secret && (
        <SecretPanel
          title={t('webhooks.secretTitle')}
          secret={secret}
          testId="webhook-secret"
          onDismiss={() => setSecret(null)}
        />
      )}
      {canEdit(app.role) && (
        <Card title={t('webhooks.createTitle')}>
          <EndpointForm
            submitLabel={create.isPending ? t('webhooks.creating') : t('webhooks.create')}
            busy={create.isPending}
            error={create.error}
            onSubmit={(values, done) => create.mutate(values, { onSuccess: done })}
            testId="create-webhook-form"
            eventPrefix="event"
            resetOnSuccess
          />
        </Card>
      )}
      <Card title={t('webhooks.listTitle')}>
        {endpoints.isPending && <Loading />}
        <ErrorAlert error={endpoints.error} />
        {endpoints.isSuccess && endpoints.items.length === 0 && (
          <EmptyState title={t('webhooks.empty')} testId="webhook-list-empty" />
        )}
        {endpoints.items.length > 0 && (
          <ul className="list" data-testid="webhook-list">
            {endpoints.items.map((endpoint) => (
              <li
                key={endpoint.id}
                className="list-row"
                data-testid="webhook-row"
                data-endpoint-id={endpoint.id}
              >
                <div className="list-main">
                  <Link
                    to={`${base}/${encodeURIComponent(endpoint.id)}`}
                    className="mono break"
                    data-testid="webhook-link"
                  >
                    {endpoint.url}
                  </Link>
                  <span className="muted small block">
                    {endpoint.description || t('webhooks.noDescription')} ·{' '}
                    {t('webhooks.eventCount', { count: endpoint.events.length })} ·{' '}
                    {formatDate(endpoint.createdAt)}
                  </span>
                </div>
                <EndpointStatus endpoint={endpoint} />
              </li>
            ))}
          </ul>
        )}
        <LoadMore list={endpoints} />
      </Card>
    </div>
  );
}
