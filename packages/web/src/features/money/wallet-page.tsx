import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { LoadMore, useCursorList } from '../../app/lists.tsx';
import { Badge, Card, EmptyState, ErrorAlert, Loading, Notice, PageHeader } from '../../app/ui.tsx';
import { moneyApi, moneyKeys, moneyLists } from './money.api.ts';
import { BUY_COINS_PATH, formatCoins, formatPrice, formatSignedCoins } from './money.format.ts';
import { useWallet } from './money.hooks.ts';
import { kindLabel, orderStatusLabel } from './money.labels.ts';
import type { Order, WalletEntry } from './money.types.ts';
import { CoinMark } from './money.ui.tsx';
import './money.css';

/** How many times a pending order is checked again, and how often, before the page stops asking. */
const ORDER_POLLS = 10;
const ORDER_POLL_MS = 2_000;

/** The outcome of the order the member just came back from (`/wallet?order=<id>`). */
function OrderStatusNotice({ orderId, cancelled }: { orderId: string; cancelled: boolean }) {
  const api = useApi();
  const { t, locale } = useI18n();
  const polls = useRef(0);
  const query = useQuery({
    queryKey: moneyKeys.order(orderId),
    queryFn: () => {
      polls.current += 1;
      return moneyApi.order(api, orderId);
    },
    refetchInterval: (q) =>
      q.state.data?.order.status === 'pending' && q.state.dataUpdateCount < ORDER_POLLS
        ? ORDER_POLL_MS
        : false,
  });
  const queryClient = useQueryClient();
  const order: Order | undefined = query.data?.order;
  const status = order?.status;
  const stillPending = status === 'pending' && polls.current < ORDER_POLLS;

  // A paid order changed the balance and the history: reload both once the order shows paid.
  useEffect(() => {
    if (status === 'paid') void queryClient.invalidateQueries({ queryKey: moneyKeys.wallet });
  }, [status, queryClient]);

  if (query.isPending) return <Loading label={t('money.order.checking')} />;
  if (query.error) return <ErrorAlert error={query.error} />;
  if (!order) return null;
  const summary = t('money.order.summary', {
    coins: formatCoins(order.coins, locale),
    price: formatPrice(order.amountMinor, order.currency, locale),
  });
  if (status === 'paid') {
    return (
      <Notice tone="success" testId="order-paid">
        <strong>{t('money.order.paid')}</strong> {summary}
      </Notice>
    );
  }
  if (status === 'pending' && cancelled) {
    return (
      <Notice tone="info" testId="order-cancelled">
        {t('money.order.cancelled')} {summary}
      </Notice>
    );
  }
  if (status === 'pending') {
    return (
      <Notice tone="info" testId="order-pending">
        {stillPending && <span className="pulse money-inline-pulse" aria-hidden="true" />}
        <strong>{t('money.order.pending')}</strong> {summary} {!stillPending && t('money.order.pendingLater')}
      </Notice>
    );
  }
  return (
    <div className="alert alert-error" role="alert" data-testid="order-failed" data-status={status}>
      <strong>{t('money.order.notPaid', { status: orderStatusLabel(t, order.status) })}</strong> {summary}
    </div>
  );
}

/** One line of the wallet history. */
function HistoryRow({ entry }: { entry: WalletEntry }) {
  const { t, locale, formatDate } = useI18n();
  return (
    <tr data-testid="wallet-history-row" data-kind={entry.kind}>
      <td className="nowrap">{formatDate(entry.createdAt)}</td>
      <td>
        <Badge tone="neutral">{kindLabel(t, entry.kind)}</Badge>
      </td>
      <td className="break">{entry.description}</td>
      <td className={`num money-amount ${entry.amount < 0 ? 'money-debit' : 'money-credit'}`}>
        {formatSignedCoins(entry.amount, locale)}
      </td>
    </tr>
  );
}

/** The member's coins: balance, the order just paid, and every movement. */
export function WalletPage() {
  const { t, locale } = useI18n();
  useDocumentTitle(t('money.wallet.title'));
  const [params] = useSearchParams();
  const orderId = params.get('order');
  const wallet = useWallet();
  const history = useCursorList<WalletEntry>(moneyKeys.history, moneyLists.history);

  return (
    <div className="page" data-testid="wallet-page">
      <PageHeader
        title={t('money.wallet.title')}
        subtitle={t('money.wallet.subtitle')}
        actions={
          <Link to={BUY_COINS_PATH} className="btn btn-primary" data-testid="wallet-buy">
            {t('money.wallet.buy')}
          </Link>
        }
      />
      {orderId && <OrderStatusNotice orderId={orderId} cancelled={params.has('cancelled')} />}
      <Card testId="wallet-balance-card">
        {wallet.isPending && <Loading />}
        <ErrorAlert error={wallet.error} />
        {wallet.data && (
          <div className="money-balance">
            <span className="muted">{t('money.wallet.balance')}</span>
            <span
              className="money-balance-value"
              data-testid="wallet-balance"
              data-balance={wallet.data.balance}
            >
              <CoinMark large /> {formatCoins(wallet.data.balance, locale)}{' '}
              <span className="money-unit">{t('money.coins')}</span>
            </span>
          </div>
        )}
        {wallet.data?.locked && (
          <Notice tone="warning" testId="wallet-locked">
            {t('money.wallet.locked')}
          </Notice>
        )}
      </Card>
      <Card title={t('money.wallet.history')} testId="wallet-history">
        {history.isPending && <Loading />}
        <ErrorAlert error={history.error} />
        {history.isSuccess && history.items.length === 0 && (
          <EmptyState title={t('money.wallet.historyEmpty')}>
            <Link to={BUY_COINS_PATH}>{t('money.wallet.buyFirst')}</Link>
          </EmptyState>
        )}
        {history.items.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="wallet-history-list">
              <thead>
                <tr>
                  <th scope="col">{t('money.date')}</th>
                  <th scope="col">{t('money.kind')}</th>
                  <th scope="col">{t('money.description')}</th>
                  <th scope="col" className="num">
                    {t('money.amount')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {history.items.map((entry) => (
                  <HistoryRow key={entry.id} entry={entry} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <LoadMore list={history} testId="wallet-history-more" />
      </Card>
    </div>
  );
}
