import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { LoadMore, useCursorList } from '../../app/lists.tsx';
import { Badge, Button, Card, EmptyState, ErrorAlert, Loading, Notice, PageHeader } from '../../app/ui.tsx';
import { EarningsChart } from './earnings-chart.tsx';
import { moneyApi, moneyKeys, moneyLists } from './money.api.ts';
import {
  bpsToPercent,
  formatCoins,
  formatSignedCoins,
  isoDay,
  newIdempotencyKey,
  PAYOUT_TONE,
  parseCoins,
  statementUrl,
} from './money.format.ts';
import { kindLabel, payoutStatusLabel } from './money.labels.ts';
import type { Earnings, Payout } from './money.types.ts';
import './money.css';

/** A big number with its label. */
function Stat({
  label,
  value,
  testId,
  hint,
}: {
  label: string;
  value: string;
  testId: string;
  hint?: string;
}) {
  return (
    <div className="money-stat">
      <span className="muted small">{label}</span>
      <span className="money-stat-value" data-testid={testId}>
        {value}
      </span>
      {hint && <span className="muted small">{hint}</span>}
    </div>
  );
}

/** Ask to be paid some of the balance (at least the minimum). */
function PayoutForm({ earnings }: { earnings: Earnings }) {
  const api = useApi();
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const amountId = useId();
  const [invalid, setInvalid] = useState<string | null>(null);
  const request = useMutation({
    mutationFn: (coins: number) => moneyApi.requestPayout(api, coins, newIdempotencyKey()),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: moneyKeys.earnings });
      void queryClient.invalidateQueries({ queryKey: moneyKeys.payouts });
    },
  });
  const canRequest = earnings.balance >= earnings.payoutMinimum && earnings.balance > 0;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const coins = parseCoins(String(new FormData(form).get('coins') ?? ''));
    if (coins === null || coins < earnings.payoutMinimum || coins > earnings.balance) {
      setInvalid(
        t('money.payout.range', {
          min: formatCoins(earnings.payoutMinimum, locale),
          max: formatCoins(earnings.balance, locale),
        }),
      );
      return;
    }
    setInvalid(null);
    request.mutate(coins, { onSuccess: () => form.reset() });
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate data-testid="payout-form">
      <p className="muted small">
        {t('money.payout.minimum', { coins: formatCoins(earnings.payoutMinimum, locale) })}
      </p>
      <div className="form form-inline">
        <div className="field grow">
          <label htmlFor={amountId}>{t('money.payout.amount')}</label>
          <input
            id={amountId}
            name="coins"
            inputMode="numeric"
            defaultValue={canRequest ? String(earnings.balance) : ''}
            aria-invalid={invalid ? true : undefined}
            data-testid="payout-amount"
          />
        </div>
        <Button type="submit" busy={request.isPending} disabled={!canRequest} data-testid="payout-submit">
          {t('money.payout.request')}
        </Button>
      </div>
      {!canRequest && <p className="muted small">{t('money.payout.notYet')}</p>}
      {invalid && (
        <div className="alert alert-error" role="alert">
          {invalid}
        </div>
      )}
      {request.isSuccess && <Notice testId="payout-requested">{t('money.payout.requested')}</Notice>}
      <ErrorAlert error={request.error} testId="payout-error" />
    </form>
  );
}

/** A row of the payouts table. */
function PayoutRow({ payout }: { payout: Payout }) {
  const { t, locale, formatDate } = useI18n();
  return (
    <tr data-testid="payout-row" data-status={payout.status} data-payout-id={payout.id}>
      <td className="nowrap">{formatDate(payout.createdAt)}</td>
      <td className="num">{formatCoins(payout.coins, locale)}</td>
      <td>
        <Badge tone={PAYOUT_TONE[payout.status]} testId="payout-status">
          {payoutStatusLabel(t, payout.status)}
        </Badge>
      </td>
      <td className="small break">
        {payout.status === 'paid' &&
          payout.reference &&
          t('money.payout.reference', { reference: payout.reference })}
        {payout.status === 'rejected' && payout.reason}
        {payout.paidAt && <span className="muted block">{formatDate(payout.paidAt)}</span>}
      </td>
    </tr>
  );
}

/** A creator's earnings: balance, chart, payouts and statements. */
export function EarningsPage() {
  const api = useApi();
  const { t, locale, formatDate } = useI18n();
  useDocumentTitle(t('money.earnings.title'));
  const query = useQuery({ queryKey: moneyKeys.earnings, queryFn: () => moneyApi.earnings(api) });
  const payouts = useCursorList<Payout>(moneyKeys.payouts, moneyLists.payouts);
  const fromId = useId();
  const toId = useId();
  const [range, setRange] = useState(() => ({ from: isoDay(new Date(), 30), to: isoDay(new Date()) }));
  const earnings = query.data;

  return (
    <div className="page" data-testid="earnings-page">
      <PageHeader title={t('money.earnings.title')} subtitle={t('money.earnings.subtitle')} />
      {query.isPending && <Loading />}
      <ErrorAlert error={query.error} />
      {earnings && (
        <>
          <div className="money-stats">
            <Stat
              label={t('money.earnings.balance')}
              value={t('money.coinsCount', { coins: formatCoins(earnings.balance, locale) })}
              testId="earnings-balance"
            />
            <Stat
              label={t('money.earnings.lifetime')}
              value={t('money.coinsCount', { coins: formatCoins(earnings.lifetime, locale) })}
              testId="earnings-lifetime"
            />
            <Stat
              label={t('money.earnings.split')}
              value={`${bpsToPercent(earnings.creatorBps)} %`}
              hint={t('money.earnings.splitHint', { platform: bpsToPercent(10_000 - earnings.creatorBps) })}
              testId="earnings-split"
            />
          </div>
          <Card title={t('money.earnings.last30')} testId="earnings-chart-card">
            <EarningsChart daily={earnings.daily} />
          </Card>
          <div className="money-two-col">
            <Card title={t('money.payout.title')} testId="payout-card">
              <PayoutForm earnings={earnings} />
            </Card>
            <Card title={t('money.earnings.recent')} testId="earnings-recent">
              {earnings.recent.length === 0 ? (
                <EmptyState title={t('money.earnings.recentEmpty')} />
              ) : (
                <ul className="list" data-testid="earnings-recent-list">
                  {earnings.recent.map((entry) => (
                    <li
                      key={entry.id}
                      className="list-row"
                      data-testid="earnings-recent-row"
                      data-kind={entry.kind}
                    >
                      <div className="list-main">
                        <Badge>{kindLabel(t, entry.kind)}</Badge>{' '}
                        <span className="break">{entry.description}</span>
                        <span className="muted small block">{formatDate(entry.createdAt)}</span>
                      </div>
                      <span
                        className={`num money-amount ${entry.amount < 0 ? 'money-debit' : 'money-credit'}`}
                      >
                        {formatSignedCoins(entry.amount, locale)}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          </div>
        </>
      )}
      <Card title={t('money.payout.list')} testId="payouts">
        {payouts.isPending && <Loading />}
        <ErrorAlert error={payouts.error} />
        {payouts.isSuccess && payouts.items.length === 0 && <EmptyState title={t('money.payout.empty')} />}
        {payouts.items.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="payout-list">
              <thead>
                <tr>
                  <th scope="col">{t('money.date')}</th>
                  <th scope="col" className="num">
                    {t('money.coins')}
                  </th>
                  <th scope="col">{t('common.status')}</th>
                  <th scope="col">{t('money.details')}</th>
                </tr>
              </thead>
              <tbody>
                {payouts.items.map((payout) => (
                  <PayoutRow key={payout.id} payout={payout} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <LoadMore list={payouts} />
      </Card>
      <Card title={t('money.statement.title')} testId="statement">
        <div className="form form-inline">
          <div className="field">
            <label htmlFor={fromId}>{t('money.statement.from')}</label>
            <input
              id={fromId}
              type="date"
              value={range.from}
              onChange={(event) => setRange((old) => ({ ...old, from: event.target.value }))}
            />
          </div>
          <div className="field">
            <label htmlFor={toId}>{t('money.statement.to')}</label>
            <input
              id={toId}
              type="date"
              value={range.to}
              onChange={(event) => setRange((old) => ({ ...old, to: event.target.value }))}
            />
          </div>
          <a
            className="btn btn-secondary"
            href={statementUrl(range)}
            download
            data-testid="statement-download"
          >
            {t('money.statement.download')}
          </a>
        </div>
      </Card>
    </div>
  );
}
