import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/api-context.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { useSession } from '../../app/session.tsx';
import { Badge, Button } from '../../app/ui.tsx';
import { ConfirmButton } from '../../app/ui-confirm.tsx';
import { moneyApi, moneyKeys } from './money.api.ts';
import { formatCoins, isActiveMembership, newIdempotencyKey } from './money.format.ts';
import { useBalanceUpdate } from './money.hooks.ts';
import { LoginToSpend, SpendError } from './money.ui.tsx';
import './money.css';

/** Props of the subscribe button shown on a creator's stream. */
export interface SubscribeButtonProps {
  creatorId: string;
}

/** Subscribe to (or manage a subscription to) a creator. */
export function SubscribeButton({ creatorId }: SubscribeButtonProps) {
  const api = useApi();
  const { t, locale, formatDate } = useI18n();
  const { status, user } = useSession();
  const queryClient = useQueryClient();
  const setBalance = useBalanceUpdate();
  const query = useQuery({
    queryKey: moneyKeys.creatorSubscription(creatorId),
    queryFn: () => moneyApi.creatorSubscription(api, creatorId),
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: moneyKeys.creatorSubscription(creatorId) });
    void queryClient.invalidateQueries({ queryKey: moneyKeys.subscriptions });
  };
  const subscribe = useMutation({
    mutationFn: () => moneyApi.subscribe(api, creatorId, newIdempotencyKey()),
    onSuccess: ({ balance }) => {
      setBalance(balance);
      refresh();
    },
  });
  const cancel = useMutation({
    mutationFn: () => moneyApi.cancelSubscription(api, creatorId),
    onSuccess: refresh,
  });

  const plan = query.data?.plan ?? null;
  if (!plan || user?.id === creatorId) return null;
  const price = t('money.coinsCount', { coins: formatCoins(plan.priceCoins, locale) });
  const subscription = query.data?.subscription ?? null;
  const active = isActiveMembership(subscription, new Date());

  if (status !== 'authenticated') {
    return (
      <div className="money-subscribe" data-testid="subscribe">
        <LoginToSpend label={t('money.subscribe.cta', { price })} testId="subscribe-login" />
      </div>
    );
  }

  if (active && subscription) {
    const date = formatDate(subscription.currentPeriodEnd);
    return (
      <div className="money-subscribe" data-testid="subscribe" data-state="subscribed">
        <Badge tone="success" testId="subscribed-badge">
          {t('money.subscribe.subscribed')}
        </Badge>
        <span className="muted small" data-testid="subscription-renewal">
          {subscription.cancelAtPeriodEnd
            ? t('money.subscribe.endsOn', { date })
            : t('money.subscribe.renewsOn', { date })}
        </span>
        {!subscription.cancelAtPeriodEnd && (
          <ConfirmButton
            label={t('money.subscribe.cancel')}
            question={t('money.subscribe.cancelQuestion', { date })}
            confirmLabel={t('money.subscribe.cancelConfirm')}
            onConfirm={() => cancel.mutate()}
            busy={cancel.isPending}
            testId="subscription-cancel"
          />
        )}
        <SpendError error={cancel.error} />
      </div>
    );
  }

  return (
    <div className="money-subscribe" data-testid="subscribe" data-state="none">
      <Button busy={subscribe.isPending} onClick={() => subscribe.mutate()} data-testid="subscribe-button">
        {t('money.subscribe.cta', { price })}
      </Button>
      <SpendError error={subscribe.error} testId="subscribe-error" />
    </div>
  );
}
