import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { LoadMore, useCursorList } from '../../app/lists.tsx';
import { Badge, Card, EmptyState, ErrorAlert, Loading } from '../../app/ui.tsx';
import { ConfirmButton } from '../../app/ui-confirm.tsx';
import { moneyAdminApi, moneyLists } from './money.api.ts';
import { formatCoins, formatPrice, ORDER_STATUSES, ORDER_TONE } from './money.format.ts';
import { orderStatusLabel } from './money.labels.ts';
import type { AdminOrder, OrderStatus } from './money.types.ts';
import './money.css';

/** One order with its refund button (paid orders only). */
function PaymentRow({ order }: { order: AdminOrder }) {
  const api = useApi();
  const { t, locale, formatDate } = useI18n();
  const queryClient = useQueryClient();
  const refund = useMutation({
    mutationFn: () => moneyAdminApi.refund(api, order.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'payments'] }),
  });
  return (
    <tr data-testid="admin-payment-row" data-order-id={order.id} data-status={order.status}>
      <td className="nowrap">{formatDate(order.createdAt)}</td>
      <th scope="row" className="break">
        {order.userEmail ?? order.userId}
        <span className="muted small block mono">{order.id}</span>
      </th>
      <td className="num">{formatCoins(order.coins, locale)}</td>
      <td className="num nowrap">{formatPrice(order.amountMinor, order.currency, locale)}</td>
      <td>{order.provider}</td>
      <td>
        <Badge tone={ORDER_TONE[order.status]}>{orderStatusLabel(t, order.status)}</Badge>
        {order.flagReason && <span className="small block money-flag">{order.flagReason}</span>}
      </td>
      <td className="actions-cell">
        {order.status === 'paid' && (
          <ConfirmButton
            label={t('money.admin.refund')}
            question={t('money.admin.refundQuestion', { coins: formatCoins(order.coins, locale) })}
            confirmLabel={t('money.admin.refund')}
            onConfirm={() => refund.mutate()}
            busy={refund.isPending}
            testId={`refund-${order.id}`}
          />
        )}
        <ErrorAlert error={refund.error} />
      </td>
    </tr>
  );
}

/** Every coin purchase on the site, filtered by status, with refunds. */
export function AdminPaymentsTab() {
  const { t } = useI18n();
  const statusId = useId();
  const [status, setStatus] = useState<OrderStatus | ''>('');
  const list = useCursorList<AdminOrder>(['admin', 'payments', status], moneyLists.adminPayments, { status });
  return (
    <Card testId="admin-payments">
      <div className="field field-inline">
        <label htmlFor={statusId}>{t('common.status')}</label>
        <select
          id={statusId}
          value={status}
          onChange={(event) => setStatus(event.target.value as OrderStatus | '')}
          data-testid="admin-payment-status"
        >
          <option value="">{t('money.admin.allStatuses')}</option>
          {ORDER_STATUSES.map((value) => (
            <option key={value} value={value}>
              {orderStatusLabel(t, value)}
            </option>
          ))}
        </select>
      </div>
      {list.isPending && <Loading />}
      <ErrorAlert error={list.error} />
      {list.isSuccess && list.items.length === 0 && <EmptyState title={t('money.admin.paymentsEmpty')} />}
      {list.items.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="admin-payment-list">
            <thead>
              <tr>
                <th scope="col">{t('money.date')}</th>
                <th scope="col">{t('money.admin.buyer')}</th>
                <th scope="col" className="num">
                  {t('money.coins')}
                </th>
                <th scope="col" className="num">
                  {t('money.amount')}
                </th>
                <th scope="col">{t('money.admin.provider')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col" className="actions-cell">
                  {t('common.actions')}
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((order) => (
                <PaymentRow key={order.id} order={order} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore list={list} />
    </Card>
  );
}
