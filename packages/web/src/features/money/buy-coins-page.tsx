import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { Button, Card, EmptyState, ErrorAlert, Loading, PageHeader } from '../../app/ui.tsx';
import { moneyApi, moneyKeys } from './money.api.ts';
import { formatCoins, formatPrice, inAppPath, isInAppUrl, WALLET_PATH } from './money.format.ts';
import { useWallet } from './money.hooks.ts';
import type { CoinPackage } from './money.types.ts';
import { CoinMark } from './money.ui.tsx';
import './money.css';

/** Coin packages as cards, a payment provider choice, and the start of a checkout. */
export function BuyCoinsPage() {
  const { t, locale } = useI18n();
  useDocumentTitle(t('money.buy.title'));
  const api = useApi();
  const navigate = useNavigate();
  const providerName = useId();
  const wallet = useWallet();
  const packages = useQuery({ queryKey: moneyKeys.packages, queryFn: () => moneyApi.packages(api) });
  const providers = useQuery({ queryKey: moneyKeys.providers, queryFn: () => moneyApi.providers(api) });
  const [chosen, setChosen] = useState<string | null>(null);
  const providerList = providers.data?.items ?? [];
  const provider = chosen ?? providerList[0]?.id ?? null;

  const checkout = useMutation({
    mutationFn: (pack: CoinPackage) => moneyApi.checkout(api, pack.id, provider ?? ''),
    onSuccess: ({ redirectUrl }) => {
      if (isInAppUrl(redirectUrl, window.location.origin)) {
        navigate(inAppPath(redirectUrl, window.location.origin));
      } else {
        window.location.assign(redirectUrl);
      }
    },
  });

  const items = (packages.data?.items ?? []).filter((pack) => pack.active);
  // The best value is the package giving the most coins per unit of money (when all share one currency).
  const rate = (pack: CoinPackage) => pack.coins / Math.max(1, pack.priceMinor);
  const oneCurrency = items.every((pack) => pack.currency === items[0]?.currency);
  const best = items.length > 1 && oneCurrency ? items.reduce((a, b) => (rate(b) > rate(a) ? b : a)) : null;

  return (
    <div className="page" data-testid="buy-coins-page">
      <Link to={WALLET_PATH} className="back-link">
        ← {t('money.wallet.title')}
      </Link>
      <PageHeader
        title={t('money.buy.title')}
        subtitle={
          wallet.data
            ? t('money.buy.subtitleBalance', { coins: formatCoins(wallet.data.balance, locale) })
            : t('money.buy.subtitle')
        }
      />
      <Card title={t('money.buy.provider')} testId="buy-providers">
        {providers.isPending && <Loading />}
        <ErrorAlert error={providers.error} />
        {providers.isSuccess && providerList.length === 0 && (
          <EmptyState title={t('money.buy.noProviders')} />
        )}
        {providerList.length > 0 && (
          <fieldset className="money-providers">
            <legend className="sr-only">{t('money.buy.provider')}</legend>
            {providerList.map((item) => (
              <label
                key={item.id}
                className={`money-provider ${provider === item.id ? 'money-provider-active' : ''}`}
              >
                <input
                  type="radio"
                  name={providerName}
                  value={item.id}
                  checked={provider === item.id}
                  onChange={() => setChosen(item.id)}
                  data-testid={`provider-${item.id}`}
                />
                <span>{item.name}</span>
                {item.id === 'sandbox' && (
                  <span className="badge badge-warning">{t('money.buy.testMode')}</span>
                )}
              </label>
            ))}
          </fieldset>
        )}
      </Card>
      {packages.isPending && <Loading />}
      <ErrorAlert error={packages.error} />
      {packages.isSuccess && items.length === 0 && <EmptyState title={t('money.buy.noPackages')} />}
      {items.length > 0 && (
        <ul className="money-package-grid" data-testid="coin-packages">
          {items.map((pack) => (
            <li key={pack.id} className="money-package" data-testid="coin-package" data-package-id={pack.id}>
              {best?.id === pack.id && (
                <span className="money-package-ribbon">{t('money.buy.bestValue')}</span>
              )}
              <CoinMark large />
              <span className="money-package-coins">
                {formatCoins(pack.coins, locale)} <span className="money-unit">{t('money.coins')}</span>
              </span>
              <span className="money-package-name muted">{pack.name}</span>
              <span className="money-package-price" data-testid="coin-package-price">
                {formatPrice(pack.priceMinor, pack.currency, locale)}
              </span>
              <Button
                className="btn-block"
                disabled={!provider || (checkout.isPending && checkout.variables?.id !== pack.id)}
                busy={checkout.isPending && checkout.variables?.id === pack.id}
                onClick={() => checkout.mutate(pack)}
                aria-label={t('money.buy.buyPackage', {
                  coins: formatCoins(pack.coins, locale),
                  price: formatPrice(pack.priceMinor, pack.currency, locale),
                })}
                data-testid={`buy-package-${pack.id}`}
              >
                {t('money.buy.buy')}
              </Button>
            </li>
          ))}
        </ul>
      )}
      <ErrorAlert error={checkout.error} testId="checkout-error" />
    </div>
  );
}
