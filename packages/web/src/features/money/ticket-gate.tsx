import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { useSession } from '../../app/session.tsx';
import { Button, Loading } from '../../app/ui.tsx';
import { moneyApi, moneyKeys } from './money.api.ts';
import { formatCoins, newIdempotencyKey } from './money.format.ts';
import { useBalanceUpdate, useWallet } from './money.hooks.ts';
import { CoinMark, Coins, LoginToSpend, SpendError } from './money.ui.tsx';
import './money.css';

/** Props of the ticket gate shown instead of the player on a ticketed stream. */
export interface TicketGateProps {
  streamId: string;
  priceCoins: number | null;
  /** Called once the viewer holds a ticket, so the player can fetch its playback token. */
  onUnlocked: () => void;
}

/** Pay-per-view access to a ticketed stream. */
export function TicketGate({ streamId, priceCoins, onUnlocked }: TicketGateProps) {
  const api = useApi();
  const { t, locale } = useI18n();
  const { status } = useSession();
  const signedIn = status === 'authenticated';
  const wallet = useWallet();
  const setBalance = useBalanceUpdate();
  const unlockedRef = useRef(onUnlocked);
  unlockedRef.current = onUnlocked;
  const ticket = useQuery({
    queryKey: moneyKeys.ticket(streamId),
    queryFn: () => moneyApi.ticket(api, streamId),
    enabled: signedIn,
  });
  // The idempotency key lives as long as the gate, so a retried click cannot buy twice.
  const keyRef = useRef<string | null>(null);
  const buy = useMutation({
    mutationFn: () => {
      keyRef.current ??= newIdempotencyKey();
      return moneyApi.buyTicket(api, streamId, keyRef.current);
    },
    onSuccess: ({ balance }) => {
      setBalance(balance);
      unlockedRef.current();
    },
  });

  // Bought earlier (another tab, another device): nothing to pay.
  const owned = ticket.data?.owned === true;
  useEffect(() => {
    if (owned) unlockedRef.current();
  }, [owned]);

  const price = priceCoins ?? ticket.data?.priceCoins ?? null;
  const balance = wallet.data?.balance ?? null;
  const short = price !== null && balance !== null && balance < price;

  return (
    <section className="money-ticket-gate" data-testid="ticket-gate" aria-labelledby={`ticket-${streamId}`}>
      <CoinMark large />
      <h2 id={`ticket-${streamId}`}>{t('money.ticket.title')}</h2>
      <p className="muted">{t('money.ticket.hint')}</p>
      {price !== null && (
        <p className="money-ticket-price" data-testid="ticket-price">
          {t('money.coinsCount', { coins: formatCoins(price, locale) })}
        </p>
      )}
      {!signedIn && status !== 'loading' && (
        <LoginToSpend label={t('money.ticket.login')} testId="ticket-login" />
      )}
      {signedIn && (
        <>
          {balance !== null && (
            <p className="small">
              {t('money.ticket.balance')} <Coins value={balance} testId="ticket-balance" />
            </p>
          )}
          {ticket.isPending && <Loading />}
          <Button
            className="btn-large"
            busy={buy.isPending}
            disabled={price === null || owned || wallet.data?.locked}
            onClick={() => buy.mutate()}
            data-testid="ticket-buy"
          >
            {price === null
              ? t('money.ticket.buy')
              : t('money.ticket.buyFor', { coins: formatCoins(price, locale) })}
          </Button>
          {short && !buy.error && <p className="muted small">{t('money.ticket.short')}</p>}
          <SpendError error={buy.error} testId="ticket-error" />
        </>
      )}
    </section>
  );
}
