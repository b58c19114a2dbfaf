import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/api-context.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { type CursorList, LoadMore } from '../../app/lists.tsx';
import type { Delivery } from '../../app/types.ts';
import { Badge, Button, EmptyState, ErrorAlert, Loading } from '../../app/ui.tsx';
import { DELIVERY_POLL_MS, DELIVERY_TONE, hasPending, lastResponse } from './deliveries.ts';
import { webhooksApi } from './webhooks.api.ts';

/** One delivery row with its status badge and a replay button. */
function DeliveryRow({
  delivery,
  appId,
  endpointId,
  canReplay,
}: {
  delivery: Delivery;
  appId: string;
  endpointId: string;
  canReplay: boolean;
}) {
  const { t, formatDate } = useI18n();
  const api = useApi();
  const queryClient = useQueryClient();
  const replay = useMutation({
    mutationFn: () => webhooksApi.replay(api, appId, endpointId, delivery.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['deliveries', appId, endpointId] }),
  });

  return (
    <tr data-testid="delivery-row" data-delivery-id={delivery.id} data-status={delivery.status}>
      <th scope="row">
        <code>{delivery.eventType}</code>
        <span className="muted small block mono break" title={t('deliveries.messageId')}>
          {delivery.messageId}
        </span>
      </th>
      <td>
        <Badge tone={DELIVERY_TONE[delivery.status]} testId="delivery-status">
          {t(`deliveries.status.${delivery.status}`)}
        </Badge>
      </td>
      <td className="num">{delivery.attempts}</td>
      <td className="mono break">{lastResponse(delivery)}</td>
      <td className="nowrap">{formatDate(delivery.lastAttemptAt)}</td>
      <td className="nowrap">{delivery.status === 'pending' ? formatDate(delivery.nextAttemptAt) : '—'}</td>
      <td className="nowrap">{formatDate(delivery.createdAt)}</td>
      <td className="actions-cell">
        {canReplay && delivery.status !== 'pending' && (
          <Button
            variant="secondary"
            small
            busy={replay.isPending}
            onClick={() => replay.mutate()}
            data-testid={`delivery-replay-${delivery.id}`}
          >
            {t('deliveries.replay')}
          </Button>
        )}
        {replay.isSuccess && !replay.isPending && (
          <span className="sr-only" role="status">
            {t('deliveries.replayed')}
          </span>
        )}
        <ErrorAlert error={replay.error} />
      </td>
    </tr>
  );
}

/** Deliveries of one endpoint, newest first, with a live "refreshing" indicator while any is pending. */
export function DeliveriesTable({
  list,
  appId,
  endpointId,
  canReplay,
}: {
  list: CursorList<Delivery>;
  appId: string;
  endpointId: string;
  canReplay: boolean;
}) {
  const { t } = useI18n();
  const polling = hasPending(list.items);
  return (
    <div className="stack">
      <div className="toolbar" aria-live="polite">
        {polling ? (
          <span className="polling" data-testid="deliveries-polling">
            <span className="pulse" aria-hidden="true" />{' '}
            {t('deliveries.polling', { seconds: DELIVERY_POLL_MS / 1000 })}
          </span>
        ) : (
          <span className="muted small">{t('deliveries.settled')}</span>
        )}
        <Button
          variant="ghost"
          small
          busy={list.isRefetching && !list.isFetchingNextPage}
          onClick={() => void list.refetch()}
          data-testid="deliveries-refresh"
        >
          {t('common.refresh')}
        </Button>
      </div>
      {list.isPending && <Loading />}
      <ErrorAlert error={list.error} />
      {list.isSuccess && list.items.length === 0 && (
        <EmptyState title={t('deliveries.empty')} testId="delivery-list-empty">
          <p className="muted">{t('deliveries.emptyHint')}</p>
        </EmptyState>
      )}
      {list.items.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="delivery-list">
            <thead>
              <tr>
                <th scope="col">{t('deliveries.event')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col" className="num">
                  {t('deliveries.attempts')}
                </th>
                <th scope="col">{t('deliveries.lastResponse')}</th>
                <th scope="col">{t('deliveries.lastAttempt')}</th>
                <th scope="col">{t('deliveries.nextAttempt')}</th>
                <th scope="col">{t('common.created')}</th>
                <th scope="col">
                  <span className="sr-only">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((delivery) => (
                <DeliveryRow
                  key={delivery.id}
                  delivery={delivery}
                  appId={appId}
                  endpointId={endpointId}
                  canReplay={canReplay}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore list={list as CursorList<unknown>} testId="deliveries-load-more" />
    </div>
  );
}
