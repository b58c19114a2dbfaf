import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { Badge, Button, ErrorAlert, Loading } from '../../app/ui.tsx';
import { moneyApi, moneyKeys } from './money.api.ts';
import { formatCoins, formatPrice, inAppPath, isInAppUrl, ORDER_TONE, WALLET_PATH } from './money.format.ts';
import { orderStatusLabel } from './money.labels.ts';
import './money.css';

type Outcome = 'accept' | 'reject' | 'pending';

/** The built-in sandbox provider's hosted checkout: a test page that pays, declines or leaves an order pending. */
export function SandboxCheckoutPage() {
  const { orderId = '' } = useParams();
  const { t, locale, formatDate } = useI18n();
  useDocumentTitle(t('money.sandbox.title'));
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: ['sandbox-order', orderId],
    queryFn: () => moneyApi.sandboxOrder(api, orderId),
  });
  const complete = useMutation({
    mutationFn: (outcome: Outcome) => moneyApi.sandboxComplete(api, orderId, outcome),
    onSuccess: ({ returnUrl }) => {
      void queryClient.invalidateQueries({ queryKey: moneyKeys.wallet });
      const target = returnUrl || `${WALLET_PATH}?order=${encodeURIComponent(orderId)}`;
      if (isInAppUrl(target, window.location.origin)) navigate(inAppPath(target, window.location.origin));
      else window.location.assign(target);
    },
  });
  const order = query.data?.order;
  const open = order?.status === 'pending';

  return (
    <div className="money-sandbox-page" data-testid="sandbox-checkout">
      <div className="money-sandbox-banner" role="note" data-testid="sandbox-banner">
        <strong>{t('money.sandbox.banner')}</strong> {t('money.sandbox.bannerHint')}
      </div>
      <section className="card money-sandbox-card">
        <div className="card-header">
          <h1>{t('money.sandbox.title')}</h1>
          {order && (
            <Badge tone={ORDER_TONE[order.status]} testId="sandbox-status">
              {orderStatusLabel(t, order.status)}
            </Badge>
          )}
        </div>
        {query.isPending && <Loading />}
        <ErrorAlert error={query.error} />
        {order && (
          <>
            <dl className="facts">
              <dt>{t('money.sandbox.package')}</dt>
              <dd data-testid="sandbox-package">{query.data?.packageName}</dd>
              <dt>{t('money.coins')}</dt>
              <dd>{formatCoins(order.coins, locale)}</dd>
              <dt>{t('money.amount')}</dt>
              <dd className="money-sandbox-amount" data-testid="sandbox-amount">
                {formatPrice(order.amountMinor, order.currency, locale)}
              </dd>
              <dt>{t('money.sandbox.order')}</dt>
              <dd className="mono small">{order.id}</dd>
              <dt>{t('common.created')}</dt>
              <dd>{formatDate(order.createdAt)}</dd>
            </dl>
            {!open && <p className="muted">{t('money.sandbox.closed')}</p>}
            <div className="money-sandbox-actions">
              <Button
                disabled={!open || (complete.isPending && complete.variables !== 'accept')}
                busy={complete.isPending && complete.variables === 'accept'}
                onClick={() => complete.mutate('accept')}
                data-testid="sandbox-pay"
              >
                {t('money.sandbox.pay', { price: formatPrice(order.amountMinor, order.currency, locale) })}
              </Button>
              <Button
                variant="danger"
                disabled={!open || (complete.isPending && complete.variables !== 'reject')}
                busy={complete.isPending && complete.variables === 'reject'}
                onClick={() => complete.mutate('reject')}
                data-testid="sandbox-decline"
              >
                {t('money.sandbox.decline')}
              </Button>
              <Button
                variant="secondary"
                disabled={!open || (complete.isPending && complete.variables !== 'pending')}
                busy={complete.isPending && complete.variables === 'pending'}
                onClick={() => complete.mutate('pending')}
                data-testid="sandbox-leave-pending"
              >
                {t('money.sandbox.leavePending')}
              </Button>
            </div>
            {!open && (
              <Button
                variant="ghost"
                onClick={() => navigate(`${WALLET_PATH}?order=${encodeURIComponent(order.id)}`)}
                data-testid="sandbox-back"
              >
                {t('money.sandbox.back')}
              </Button>
            )}
          </>
        )}
        <ErrorAlert error={complete.error} />
      </section>
    </div>
  );
}
