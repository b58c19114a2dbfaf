import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { Link } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { useSession } from '../../app/session.tsx';
import { Button, ErrorAlert, Loading, Notice } from '../../app/ui.tsx';
import { moneyApi, moneyKeys } from './money.api.ts';
import { BUY_COINS_PATH, formatCoins, newIdempotencyKey, parseCoins } from './money.format.ts';
import { useBalanceUpdate, useWallet } from './money.hooks.ts';
import type { Gift, GiftSent } from './money.types.ts';
import { CoinMark, Coins, LoginToSpend, SpendError } from './money.ui.tsx';
import './money.css';

/** Props of the gift panel shown beside a live player. */
export interface GiftPanelProps {
  streamId: string;
  creatorId: string | null;
  /** Called with each gift this viewer sent, e.g. to play its animation at once. */
  onSent?: (gift: GiftSent) => void;
}

/** The stream's biggest gifters. */
function TopGifters({ streamId }: { streamId: string }) {
  const api = useApi();
  const { t, locale } = useI18n();
  const query = useQuery({
    queryKey: moneyKeys.topGifters(streamId),
    queryFn: () => moneyApi.topGifters(api, streamId, 5),
    refetchInterval: 30_000,
  });
  const items = query.data?.items ?? [];
  return (
    <section className="money-top-gifters" aria-labelledby={`top-gifters-${streamId}`}>
      <h3 id={`top-gifters-${streamId}`}>{t('money.gift.top')}</h3>
      {query.isPending && <Loading />}
      {query.isSuccess && items.length === 0 && <p className="muted small">{t('money.gift.topEmpty')}</p>}
      {items.length > 0 && (
        <ol className="money-top-list" data-testid="top-gifters">
          {items.map((gifter, index) => (
            <li key={gifter.userId} data-testid="top-gifter">
              <span className={`money-rank money-rank-${index + 1}`}>{index + 1}</span>
              <span className="money-top-name">{gifter.name}</span>
              <span className="num">
                {t('money.coinsCount', { coins: formatCoins(gifter.coins, locale) })}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** A tip: any number of coins and an optional message. */
function TipForm({ streamId, disabled }: { streamId: string; disabled: boolean }) {
  const api = useApi();
  const { t, locale } = useI18n();
  const amountId = useId();
  const messageId = useId();
  const setBalance = useBalanceUpdate();
  const queryClient = useQueryClient();
  const [invalid, setInvalid] = useState(false);
  const tip = useMutation({
    mutationFn: (input: { coins: number; message: string }) =>
      moneyApi.tip(api, streamId, input.coins, input.message, newIdempotencyKey()),
    onSuccess: ({ balance }) => {
      setBalance(balance);
      void queryClient.invalidateQueries({ queryKey: moneyKeys.topGifters(streamId) });
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const coins = parseCoins(String(data.get('coins') ?? ''));
    setInvalid(coins === null);
    if (coins === null) return;
    tip.mutate(
      { coins, message: String(data.get('message') ?? '').trim() },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <form className="money-tip-form" onSubmit={onSubmit} data-testid="tip-form" noValidate>
      <h3>{t('money.tip.title')}</h3>
      <div className="money-tip-row">
        <div className="field money-tip-amount">
          <label htmlFor={amountId}>{t('money.tip.amount')}</label>
          <input
            id={amountId}
            name="coins"
            inputMode="numeric"
            pattern="[0-9]*"
            required
            placeholder="100"
            aria-invalid={invalid || undefined}
            data-testid="tip-amount"
          />
        </div>
        <div className="field grow">
          <label htmlFor={messageId}>{t('money.tip.message')}</label>
          <input id={messageId} name="message" maxLength={200} data-testid="tip-message" />
        </div>
      </div>
      {invalid && (
        <p className="field-error small" role="alert">
          {t('money.tip.invalid')}
        </p>
      )}
      <Button
        type="submit"
        variant="secondary"
        busy={tip.isPending}
        disabled={disabled}
        data-testid="tip-submit"
      >
        {t('money.tip.send')}
      </Button>
      {tip.isSuccess && (
        <Notice testId="tip-sent">
          {t('money.tip.sent', { coins: formatCoins(tip.variables?.coins ?? 0, locale) })}
        </Notice>
      )}
      <SpendError error={tip.error} testId="tip-error" />
    </form>
  );
}

/** Gifts and tips for the creator of a live stream. */
export function GiftPanel({ streamId, creatorId, onSent }: GiftPanelProps) {
  const api = useApi();
  const { t } = useI18n();
  const { status, user } = useSession();
  const wallet = useWallet();
  const setBalance = useBalanceUpdate();
  const queryClient = useQueryClient();
  const gifts = useQuery({
    queryKey: moneyKeys.gifts,
    queryFn: () => moneyApi.gifts(api),
    staleTime: 5 * 60_000,
  });
  const send = useMutation({
    mutationFn: (gift: Gift) => moneyApi.sendGift(api, streamId, gift.id, newIdempotencyKey()),
    onSuccess: ({ gift, balance }) => {
      setBalance(balance);
      void queryClient.invalidateQueries({ queryKey: moneyKeys.topGifters(streamId) });
      onSent?.(gift);
    },
  });
  const ownStream = creatorId !== null && user?.id === creatorId;
  const signedIn = status === 'authenticated';
  const canSend = signedIn && !ownStream && !wallet.data?.locked;
  const catalogue = (gifts.data?.items ?? []).filter((gift) => gift.active);
  const balance = wallet.data?.balance ?? null;

  return (
    <section
      className="card money-gift-panel"
      data-testid="gift-panel"
      aria-labelledby={`gift-panel-${streamId}`}
    >
      <div className="card-header">
        <h2 id={`gift-panel-${streamId}`}>{t('money.gift.title')}</h2>
        {signedIn && balance !== null && (
          <Link to={BUY_COINS_PATH} className="money-balance-chip" title={t('money.wallet.buy')}>
            <Coins value={balance} testId="gift-panel-balance" />
            <span className="money-plus" aria-hidden="true">
              +
            </span>
            <span className="sr-only">{t('money.wallet.buy')}</span>
          </Link>
        )}
      </div>
      {status === 'anonymous' && (
        <div className="stack-sm">
          <p className="muted">{t('money.gift.loginHint')}</p>
          <LoginToSpend label={t('money.gift.login')} testId="gift-login" />
        </div>
      )}
      {ownStream && <p className="muted small">{t('money.gift.ownStream')}</p>}
      {wallet.data?.locked && (
        <Notice tone="warning" testId="gift-wallet-locked">
          {t('money.wallet.locked')}
        </Notice>
      )}
      {gifts.isPending && <Loading />}
      <ErrorAlert error={gifts.error} />
      {catalogue.length > 0 && (
        <ul className="money-gift-grid" data-testid="gift-catalogue">
          {catalogue.map((gift) => {
            const cannotAfford = balance !== null && gift.coins > balance;
            return (
              <li key={gift.id}>
                <button
                  type="button"
                  className={`money-gift ${cannotAfford ? 'money-gift-dim' : ''}`}
                  disabled={!canSend || send.isPending}
                  aria-busy={(send.isPending && send.variables?.id === gift.id) || undefined}
                  onClick={() => send.mutate(gift)}
                  aria-label={t('money.gift.sendNamed', { gift: gift.name, coins: gift.coins })}
                  data-testid={`gift-${gift.id}`}
                  data-gift-name={gift.name}
                >
                  <span className="money-gift-icon" aria-hidden="true">
                    {gift.icon}
                  </span>
                  <span className="money-gift-name">{gift.name}</span>
                  <span className="money-gift-price">
                    <CoinMark /> {gift.coins}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {send.isSuccess && send.data && (
        <Notice testId="gift-sent">
          {t('money.gift.sent', { gift: send.data.gift.giftName, icon: send.data.gift.icon })}
        </Notice>
      )}
      <SpendError error={send.error} testId="gift-error" />
      {signedIn && !ownStream && <TipForm streamId={streamId} disabled={!canSend} />}
      <TopGifters streamId={streamId} />
    </section>
  );
}
