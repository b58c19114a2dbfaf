import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { useCursorList } from '../../app/lists.tsx';
import type { Delivery, WebhookEndpoint } from '../../app/types.ts';
import { Button, Card, EmptyState, ErrorAlert, Loading, Notice } from '../../app/ui.tsx';
import { ConfirmButton } from '../../app/ui-confirm.tsx';
import { useCurrentApp } from '../tenants/app-page.tsx';
import { canEdit } from '../tenants/tenants.api.ts';
import { deliveriesRefetchInterval } from './deliveries.ts';
import { DeliveriesTable } from './deliveries-table.tsx';
import { EndpointForm } from './endpoint-form.tsx';
import { type EndpointPatch, webhookLists, webhooksApi } from './webhooks.api.ts';
import { EndpointStatus } from './webhooks-tab.tsx';

/** Header actions of an endpoint: send a test event, enable/disable, delete. */
function EndpointActions({ endpoint, onChanged }: { endpoint: WebhookEndpoint; onChanged: () => void }) {
  const { t } = useI18n();
  const api = useApi();
  const app = useCurrentApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const test = useMutation({
    mutationFn: () => webhooksApi.test(api, app.id, endpoint.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['deliveries', app.id, endpoint.id] }),
  });
  const toggle = useMutation({
    mutationFn: () => webhooksApi.update(api, app.id, endpoint.id, { enabled: !endpoint.enabled }),
    onSuccess: onChanged,
  });
  const remove = useMutation({
    mutationFn: () => webhooksApi.remove(api, app.id, endpoint.id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['webhooks', app.id] });
      navigate(`/developer/apps/${encodeURIComponent(app.id)}/webhooks`, { replace: true });
    },
  });

  return (
    <div className="stack-sm">
      <div className="row-actions wrap">
        <Button busy={test.isPending} onClick={() => test.mutate()} data-testid="webhook-test-send">
          {test.isPending ? t('webhooks.testSending') : t('webhooks.testSend')}
        </Button>
        <Button
          variant="secondary"
          busy={toggle.isPending}
          onClick={() => toggle.mutate()}
          data-testid="webhook-toggle"
        >
          {endpoint.enabled ? t('webhooks.disable') : t('webhooks.enable')}
        </Button>
        <ConfirmButton
          label={t('webhooks.delete')}
          question={t('webhooks.deleteQuestion')}
          confirmLabel={t('webhooks.deleteConfirm')}
          busy={remove.isPending}
          onConfirm={() => remove.mutate()}
          testId="webhook-delete"
          small={false}
        />
      </div>
      {test.isSuccess && <Notice testId="webhook-test-sent">{t('webhooks.testSent')}</Notice>}
      <ErrorAlert error={test.error ?? toggle.error ?? remove.error} testId="webhook-action-error" />
    </div>
  );
}

/** One webhook endpoint: status, actions, settings and its deliveries (auto-refreshing while pending). */
export function EndpointPage() {
  const { t } = useI18n();
  const api = useApi();
  const app = useCurrentApp();
  const queryClient = useQueryClient();
  const endpointId = useParams().endpointId ?? '';
  const endpointKey = ['webhook', app.id, endpointId];
  const query = useQuery({ queryKey: endpointKey, queryFn: () => webhooksApi.find(api, app.id, endpointId) });
  const deliveries = useCursorList<Delivery>(
    ['deliveries', app.id, endpointId],
    webhookLists.deliveries(app.id, endpointId),
    {},
    { refetchInterval: deliveriesRefetchInterval, enabled: Boolean(query.data) },
  );
  const save = useMutation({
    mutationFn: (patch: EndpointPatch) => webhooksApi.update(api, app.id, endpointId, patch),
    onSuccess: ({ endpoint }) => {
      queryClient.setQueryData(endpointKey, endpoint);
      void queryClient.invalidateQueries({ queryKey: ['webhooks', app.id] });
    },
  });
  const endpoint = query.data;
  useDocumentTitle(endpoint ? endpoint.url : t('webhooks.tab'));
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: endpointKey });
    void queryClient.invalidateQueries({ queryKey: ['webhooks', app.id] });
  };
  const back = `/developer/apps/${encodeURIComponent(app.id)}/webhooks`;

  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorAlert error={query.error} testId="webhook-error" />;
  if (!endpoint) {
    return (
      <EmptyState title={t('webhooks.notFound')} testId="webhook-not-found">
        <Link to={back}>{t('webhooks.back')}</Link>
      </EmptyState>
    );
  }

  return (
    <div className="stack" data-testid="webhook-endpoint-page" data-endpoint-id={endpoint.id}>
      <Link to={back} className="back-link">
        ← {t('webhooks.back')}
      </Link>
      <Card
        title={
          <span className="mono break" data-testid="webhook-url">
            {endpoint.url}
          </span>
        }
        actions={<EndpointStatus endpoint={endpoint} />}
      >
        {endpoint.description && <p className="muted">{endpoint.description}</p>}
        {!endpoint.enabled && endpoint.disabledReason && (
          <Notice tone="warning" testId="webhook-disabled-reason">
            {t('webhooks.disabledReason', { reason: endpoint.disabledReason })}
          </Notice>
        )}
        {canEdit(app.role) && <EndpointActions endpoint={endpoint} onChanged={refresh} />}
      </Card>
      <Card title={t('deliveries.title')} testId="deliveries-card">
        <DeliveriesTable
          list={deliveries}
          appId={app.id}
          endpointId={endpoint.id}
          canReplay={canEdit(app.role)}
        />
      </Card>
      {canEdit(app.role) && (
        <Card title={t('webhooks.editTitle')}>
          <EndpointForm
            key={`${endpoint.id}:${endpoint.url}:${endpoint.events.join(',')}`}
            initial={{ url: endpoint.url, description: endpoint.description, events: endpoint.events }}
            submitLabel={t('common.save')}
            busy={save.isPending}
            error={save.error}
            onSubmit={(values) => save.mutate(values)}
            testId="edit-webhook-form"
            eventPrefix="edit-event"
          />
          {save.isSuccess && <Notice testId="edit-webhook-saved">{t('webhooks.saved')}</Notice>}
        </Card>
      )}
    </div>
  );
}
