import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { Badge, Button, Card, EmptyState, ErrorAlert, Loading, PageHeader } from '../../app/ui.tsx';
import { ConfirmButton } from '../../app/ui-confirm.tsx';
import { moneyApi, moneyKeys } from './money.api.ts';
import { formatCoins, isActiveMembership, newIdempotencyKey } from './money.format.ts';
import { useBalanceUpdate } from './money.hooks.ts';
import type { MySubscription } from './money.types.ts';
import { SpendError } from './money.ui.tsx';
import './money.css';

/** The PRIME membership: perks, price, join or cancel. */
function PrimeCard() {
  const api = useApi();
  const { t, locale, formatDate } = useI18n();
  const queryClient = useQueryClient();
  const setBalance = useBalanceUpdate();
  const query = useQuery({ queryKey: moneyKeys.prime, queryFn: () => moneyApi.prime(api) });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: moneyKeys.prime });
  const join = useMutation({
    mutationFn: () => moneyApi.joinPrime(api, newIdempotencyKey()),
    onSuccess: () => {
      setBalance();
      refresh();
    },
  });
  const cancel = useMutation({ mutationFn: () => moneyApi.cancelPrime(api), onSuccess: refresh });
  const prime = query.data;
  const membership = prime?.membership ?? null;
  const active = isActiveMembership(membership, new Date());

  return (
    <section className="card money-prime" data-testid="prime-card" aria-labelledby="prime-title">
      <div className="card-header">
        <h2 id="prime-title">
          <span className="money-prime-mark" aria-hidden="true" /> {t('money.prime.title')}
        </h2>
        {active && (
          <Badge tone="success" testId="prime-active">
            {t('money.prime.member')}
          </Badge>
        )}
      </div>
      {query.isPending && <Loading />}
      <ErrorAlert error={query.error} />
      {prime && (
        <>
          <p className="money-prime-price">
            {t('money.perMonth', {
              price: t('money.coinsCount', { coins: formatCoins(prime.priceCoins, locale) }),
            })}
          </p>
          {prime.perks.length > 0 && (
            <ul className="money-perks" data-testid="prime-perks">
              {prime.perks.map((perk) => (
                <li key={perk}>{perk}</li>
              ))}
            </ul>
          )}
          {active && membership ? (
            <div className="stack-sm">
              <p className="muted small">
                {membership.cancelAtPeriodEnd
                  ? t('money.subscribe.endsOn', { date: formatDate(membership.currentPeriodEnd) })
                  : t('money.subscribe.renewsOn', { date: formatDate(membership.currentPeriodEnd) })}
              </p>
              {!membership.cancelAtPeriodEnd && (
                <ConfirmButton
                  label={t('money.prime.cancel')}
                  question={t('money.subscribe.cancelQuestion', {
                    date: formatDate(membership.currentPeriodEnd),
                  })}
                  confirmLabel={t('money.subscribe.cancelConfirm')}
                  onConfirm={() => cancel.mutate()}
                  busy={cancel.isPending}
                  testId="prime-cancel"
                />
              )}
            </div>
          ) : (
            <Button busy={join.isPending} onClick={() => join.mutate()} data-testid="prime-join">
              {t('money.prime.join')}
            </Button>
          )}
          <SpendError error={join.error ?? cancel.error} testId="prime-error" />
        </>
      )}
    </section>
  );
}

/** One creator subscription with its renewal date and a cancel button. */
function SubscriptionRow({ item }: { item: MySubscription }) {
  const api = useApi();
  const { t, locale, formatDate } = useI18n();
  const queryClient = useQueryClient();
  const cancel = useMutation({
    mutationFn: () => moneyApi.cancelSubscription(api, item.creatorId),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: moneyKeys.subscriptions });
      void queryClient.invalidateQueries({ queryKey: moneyKeys.creatorSubscription(item.creatorId) });
    },
  });
  const active = isActiveMembership(item, new Date());
  const date = formatDate(item.currentPeriodEnd);
  return (
    <li className="list-row" data-testid="subscription-row" data-creator-id={item.creatorId}>
      <div className="list-main">
        <strong>{item.creatorName}</strong>{' '}
        <Badge tone={active ? 'success' : 'neutral'}>
          {active ? t('money.subscribe.subscribed') : t('money.subscribe.ended')}
        </Badge>
        <p className="muted small">
          {t('money.perMonth', {
            price: t('money.coinsCount', { coins: formatCoins(item.priceCoins, locale) }),
          })}{' '}
          ·{' '}
          {!active
            ? t('money.subscribe.endedOn', { date })
            : item.cancelAtPeriodEnd
              ? t('money.subscribe.endsOn', { date })
              : t('money.subscribe.renewsOn', { date })}
        </p>
        <ErrorAlert error={cancel.error} />
      </div>
      {active && !item.cancelAtPeriodEnd && (
        <ConfirmButton
          label={t('money.subscribe.cancel')}
          question={t('money.subscribe.cancelQuestion', { date })}
          confirmLabel={t('money.subscribe.cancelConfirm')}
          onConfirm={() => cancel.mutate()}
          busy={cancel.isPending}
          testId={`subscription-cancel-${item.creatorId}`}
        />
      )}
    </li>
  );
}

/** My creator subscriptions and the PRIME membership. */
export function SubscriptionsPage() {
  const api = useApi();
  const { t } = useI18n();
  useDocumentTitle(t('money.subscriptions.title'));
  const query = useQuery({ queryKey: moneyKeys.subscriptions, queryFn: () => moneyApi.subscriptions(api) });
  const items = query.data?.items ?? [];
  return (
    <div className="page" data-testid="subscriptions-page">
      <PageHeader title={t('money.subscriptions.title')} subtitle={t('money.subscriptions.subtitle')} />
      <div className="money-two-col">
        <Card title={t('money.subscriptions.mine')} testId="my-subscriptions">
          {query.isPending && <Loading />}
          <ErrorAlert error={query.error} />
          {query.isSuccess && items.length === 0 && <EmptyState title={t('money.subscriptions.empty')} />}
          {items.length > 0 && (
            <ul className="list">
              {items.map((item) => (
                <SubscriptionRow key={item.creatorId} item={item} />
              ))}
            </ul>
          )}
        </Card>
        <PrimeCard />
      </div>
    </div>
  );
}
