import { NavLink } from 'react-router-dom';
import { useI18n } from '../../app/i18n-context.tsx';
import { formatCoins, WALLET_PATH } from './money.format.ts';
import { useWallet } from './money.hooks.ts';
import { CoinMark } from './money.ui.tsx';
import './money.css';

/** The header's link to the wallet, showing the coin balance. */
export function WalletLink() {
  const { t, locale } = useI18n();
  const wallet = useWallet();
  const balance = wallet.data?.balance;
  return (
    <NavLink
      to={WALLET_PATH}
      end
      className="money-wallet-link"
      data-testid="nav-wallet"
      aria-label={
        balance === undefined
          ? t('money.wallet.title')
          : t('money.wallet.linkLabel', { coins: formatCoins(balance, locale) })
      }
    >
      <CoinMark />
      <span data-testid="nav-wallet-balance">
        {balance === undefined ? '…' : formatCoins(balance, locale)}
      </span>
    </NavLink>
  );
}
