import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { LoadMore, useCursorList } from '../../app/lists.tsx';
import { Badge, Button, Card, EmptyState, ErrorAlert, Loading } from '../../app/ui.tsx';
import { moneyAdminApi, moneyLists } from './money.api.ts';
import { formatCoins, PAYOUT_STATUSES, PAYOUT_TONE } from './money.format.ts';
import { payoutStatusLabel } from './money.labels.ts';
import type { Payout, PayoutStatus } from './money.types.ts';
import './money.css';

/** One payout request: approve, reject with a reason, or mark paid with the transfer's reference. */
function PayoutItem({ payout }: { payout: Payout }) {
  const api = useApi();
  const { t, locale, formatDate } = useI18n();
  const queryClient = useQueryClient();
  const inputId = useId();
  const [form, setForm] = useState<'reject' | 'paid' | null>(null);
  const refresh = () => {
    setForm(null);
    void queryClient.invalidateQueries({ queryKey: ['admin', 'payouts'] });
  };
  const approve = useMutation({
    mutationFn: () => moneyAdminApi.approvePayout(api, payout.id),
    onSuccess: refresh,
  });
  const reject = useMutation({
    mutationFn: (reason: string) => moneyAdminApi.rejectPayout(api, payout.id, reason),
    onSuccess: refresh,
  });
  const markPaid = useMutation({
    mutationFn: (reference: string) => moneyAdminApi.markPayoutPaid(api, payout.id, reference),
    onSuccess: refresh,
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = formText(event.currentTarget, 'value');
    if (form === 'reject') reject.mutate(value);
    if (form === 'paid') markPaid.mutate(value);
  }

  const open = payout.status === 'requested' || payout.status === 'approved';
  return (
    <li
      className="list-row list-row-top"
      data-testid="admin-payout-row"
      data-payout-id={payout.id}
      data-status={payout.status}
    >
      <div className="list-main stack-sm">
        <div>
          <strong>{payout.creatorName}</strong>{' '}
          <span className="money-payout-coins">
            {t('money.coinsCount', { coins: formatCoins(payout.coins, locale) })}
          </span>{' '}
          <Badge tone={PAYOUT_TONE[payout.status]} testId="admin-payout-status">
            {payoutStatusLabel(t, payout.status)}
          </Badge>
        </div>
        <p className="muted small">
          {t('money.payout.requestedAt', { date: formatDate(payout.createdAt) })}
          {payout.decidedAt && ` · ${t('money.payout.decidedAt', { date: formatDate(payout.decidedAt) })}`}
          {payout.paidAt && ` · ${t('money.payout.paidAt', { date: formatDate(payout.paidAt) })}`}
        </p>
        {payout.reference && (
          <p className="small">{t('money.payout.reference', { reference: payout.reference })}</p>
        )}
        {payout.reason && (
          <p className="small">
            {t('money.payout.reasonLabel')} {payout.reason}
          </p>
        )}
        {form && (
          <form className="form form-inline" onSubmit={onSubmit} data-testid={`payout-${form}-form`}>
            <div className="field grow">
              <label htmlFor={inputId}>
                {form === 'reject' ? t('money.payout.reason') : t('money.payout.referenceLabel')}
              </label>
              <input
                id={inputId}
                name="value"
                required
                maxLength={500}
                data-testid={`payout-${form}-input`}
              />
            </div>
            <Button
              type="submit"
              variant={form === 'reject' ? 'danger' : 'primary'}
              busy={reject.isPending || markPaid.isPending}
              data-testid={`payout-${form}-submit`}
            >
              {form === 'reject' ? t('money.payout.reject') : t('money.payout.markPaid')}
            </Button>
            <Button variant="ghost" onClick={() => setForm(null)}>
              {t('common.cancel')}
            </Button>
          </form>
        )}
        <ErrorAlert error={approve.error ?? reject.error ?? markPaid.error} />
      </div>
      {open && !form && (
        <div className="row-actions wrap">
          {payout.status === 'requested' && (
            <Button
              small
              busy={approve.isPending}
              onClick={() => approve.mutate()}
              data-testid={`payout-approve-${payout.id}`}
            >
              {t('money.payout.approve')}
            </Button>
          )}
          {payout.status === 'approved' && (
            <Button small onClick={() => setForm('paid')} data-testid={`payout-paid-${payout.id}`}>
              {t('money.payout.markPaid')}
            </Button>
          )}
          <Button
            small
            variant="secondary"
            onClick={() => setForm('reject')}
            data-testid={`payout-reject-${payout.id}`}
          >
            {t('money.payout.reject')}
          </Button>
        </div>
      )}
    </li>
  );
}

/** Creators' payouts of every status, newest first, with a status filter that counts each status. */
export function AdminPayoutsTab() {
  const { t } = useI18n();
  const api = useApi();
  const statusId = useId();
  const [status, setStatus] = useState<PayoutStatus | ''>('');
  const list = useCursorList<Payout>(['admin', 'payouts', status], moneyLists.adminPayouts, { status });
  const counts = useQuery({
    queryKey: ['admin', 'payouts', 'counts'],
    queryFn: () => moneyAdminApi.payoutCounts(api),
  });
  const count = (value: PayoutStatus) => counts.data?.counts[value];
  const total = counts.data
    ? PAYOUT_STATUSES.reduce((sum, value) => sum + (count(value) ?? 0), 0)
    : undefined;
  const withCount = (label: string, n: number | undefined) => (n === undefined ? label : `${label} (${n})`);
  return (
    <Card testId="admin-payouts">
      <div className="field field-inline">
        <label htmlFor={statusId}>{t('common.status')}</label>
        <select
          id={statusId}
          value={status}
          onChange={(event) => setStatus(event.target.value as PayoutStatus | '')}
          data-testid="admin-payout-filter"
        >
          <option value="">{withCount(t('money.admin.allStatuses'), total)}</option>
          {PAYOUT_STATUSES.map((value) => (
            <option key={value} value={value} data-count={count(value)}>
              {withCount(payoutStatusLabel(t, value), count(value))}
            </option>
          ))}
        </select>
      </div>
      {list.isPending && <Loading />}
      <ErrorAlert error={list.error} />
      {list.isSuccess && list.items.length === 0 && <EmptyState title={t('money.admin.payoutsEmpty')} />}
      {list.items.length > 0 && (
        <ul className="list" data-testid="admin-payout-list">
          {list.items.map((payout) => (
            <PayoutItem key={payout.id} payout={payout} />
          ))}
        </ul>
      )}
      <LoadMore list={list} />
    </Card>
  );
}
