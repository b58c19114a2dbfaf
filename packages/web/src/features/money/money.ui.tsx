import { Link, useLocation } from 'react-router-dom';
import { useI18n } from '../../app/i18n-context.tsx';
import { loginPath } from '../../app/navigation.ts';
import { ErrorAlert } from '../../app/ui.tsx';
import { BUY_COINS_PATH, formatCoins, isInsufficientFunds } from './money.format.ts';
import './money.css';

/** The coin symbol (drawn in CSS, so it looks the same on every system and follows the theme). */
export function CoinMark({ large = false }: { large?: boolean }) {
  return <span className={`money-coin-mark ${large ? 'money-coin-mark-large' : ''}`} aria-hidden="true" />;
}

/** A coin amount with its coin mark, e.g. "● 1,200". */
export function Coins({ value, testId }: { value: number; testId?: string }) {
  const { t, locale } = useI18n();
  return (
    <span className="money-coins" data-testid={testId} data-coins={value}>
      <CoinMark /> {formatCoins(value, locale)}
      <span className="sr-only"> {t('money.coins')}</span>
    </span>
  );
}

/** An error of a spend: "not enough coins" with a way to buy some, or the server's message. */
export function SpendError({ error, testId }: { error: unknown; testId?: string }) {
  const { t } = useI18n();
  if (!error) return null;
  if (isInsufficientFunds(error)) {
    return (
      <div className="alert alert-warning" role="alert" data-testid={testId ?? 'insufficient-funds'}>
        <p>
          {t('money.insufficient')}{' '}
          <Link to={BUY_COINS_PATH} data-testid="insufficient-buy-link">
            {t('money.wallet.buy')}
          </Link>
        </p>
      </div>
    );
  }
  return <ErrorAlert error={error} testId={testId} />;
}

/** A link to log in that comes back to this page. */
export function LoginToSpend({ label, testId }: { label: string; testId?: string }) {
  const location = useLocation();
  return (
    <Link
      to={loginPath(`${location.pathname}${location.search}`)}
      className="btn btn-primary"
      data-testid={testId ?? 'login-to-spend'}
    >
      {label}
    </Link>
  );
}
