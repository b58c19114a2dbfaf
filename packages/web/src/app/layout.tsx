import { useEffect, useId, useRef, useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { WalletLink } from '../features/money/wallet-link.tsx';
import { useBranding } from './branding.tsx';
import { isLocale, LOCALE_NAMES, LOCALES } from './i18n.ts';
import { useI18n } from './i18n-context.tsx';
import { useSession } from './session.tsx';

/** Logo (or a play mark) plus the site name from the branding. */
function Brand() {
  const { name, logoUrl } = useBranding();
  return (
    <Link to="/" className="brand" data-testid="brand">
      {logoUrl ? (
        <img src={logoUrl} alt="" className="brand-logo" />
      ) : (
        <span className="brand-mark" aria-hidden="true">
          ▶
        </span>
      )}
      <span className="brand-name">{name}</span>
    </Link>
  );
}

/** The language picker; the choice is remembered in localStorage. */
function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  const id = useId();
  return (
    <div className="language-switch">
      <label htmlFor={id} className="sr-only">
        {t('nav.language')}
      </label>
      <select
        id={id}
        value={locale}
        onChange={(event) => isLocale(event.target.value) && setLocale(event.target.value)}
        data-testid="language-switch"
      >
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LOCALE_NAMES[code]}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Account button with a small menu (profile, log out); closes on Escape, outside click and navigation. */
function UserMenu() {
  const { user, logout } = useSession();
  const { t } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const menuId = useId();

  // biome-ignore lint/correctness/useExhaustiveDependencies: close whenever the route changes.
  useEffect(() => setOpen(false), [location.pathname]);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        rootRef.current?.querySelector<HTMLButtonElement>('.user-button')?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  if (!user) return null;
  const initial = (user.displayName || user.email).trim().charAt(0).toUpperCase();

  async function onLogout() {
    setLeaving(true);
    try {
      await logout();
    } finally {
      setLeaving(false);
      navigate('/');
    }
  }

  return (
    <div className="user-menu" ref={rootRef}>
      <button
        type="button"
        className="user-button"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((value) => !value)}
        data-testid="user-menu"
      >
        <span className="avatar" aria-hidden="true">
          {initial}
        </span>
        <span className="user-name">{user.displayName}</span>
      </button>
      {open && (
        <div className="menu" id={menuId}>
          <p className="menu-email">{user.email}</p>
          <Link to="/profile" className="menu-item" data-testid="menu-profile">
            {t('nav.profile')}
          </Link>
          <Link to="/wallet" className="menu-item" data-testid="menu-wallet">
            {t('money.nav.wallet')}
          </Link>
          <Link to="/subscriptions" className="menu-item" data-testid="menu-subscriptions">
            {t('money.nav.subscriptions')}
          </Link>
          {(user.role === 'creator' || user.role === 'admin') && (
            <Link to="/creator/earnings" className="menu-item" data-testid="menu-earnings">
              {t('money.nav.earnings')}
            </Link>
          )}
          <button
            type="button"
            className="menu-item"
            onClick={onLogout}
            disabled={leaving}
            data-testid="logout-button"
          >
            {leaving ? t('nav.loggingOut') : t('nav.logout')}
          </button>
        </div>
      )}
    </div>
  );
}

/** Page frame: skip link, header with navigation, main content, footer. */
export function Layout() {
  const { t } = useI18n();
  const { status, user } = useSession();
  const { name } = useBranding();

  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        {t('nav.skip')}
      </a>
      <header className="site-header">
        <div className="header-inner">
          <Brand />
          <nav className="main-nav" aria-label={t('nav.main')}>
            <NavLink to="/live" className="nav-link" data-testid="nav-live">
              {t('live.nav.discover')}
            </NavLink>
            <NavLink to="/videos" className="nav-link" data-testid="nav-videos">
              {t('live.nav.videos')}
            </NavLink>
            {(user?.role === 'creator' || user?.role === 'admin') && (
              <NavLink to="/studio" className="nav-link" data-testid="nav-studio">
                {t('live.nav.studio')}
              </NavLink>
            )}
            <NavLink to="/community" className="nav-link" data-testid="nav-community">
              {t('chat.nav.community')}
            </NavLink>
            {(user?.role === 'moderator' || user?.role === 'admin') && (
              <NavLink to="/moderation" className="nav-link" data-testid="nav-moderation">
                {t('chat.nav.moderation')}
              </NavLink>
            )}
            <NavLink to="/developer" className="nav-link" data-testid="nav-developer">
              {t('nav.developer')}
            </NavLink>
            {user?.role === 'admin' && (
              <NavLink to="/admin" className="nav-link" data-testid="nav-admin">
                {t('nav.admin')}
              </NavLink>
            )}
          </nav>
          <div className="header-actions">
            <LanguageSwitch />
            {status === 'authenticated' && <WalletLink />}
            {status === 'authenticated' && <UserMenu />}
            {status === 'anonymous' && (
              <>
                <Link to="/login" className="btn btn-ghost btn-small" data-testid="nav-login">
                  {t('nav.login')}
                </Link>
                <Link to="/signup" className="btn btn-primary btn-small" data-testid="nav-signup">
                  {t('nav.signup')}
                </Link>
              </>
            )}
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <div className="footer-inner">
          <span>
            © {new Date().getFullYear()} {name}
          </span>
          <nav aria-label={t('nav.footer')} className="footer-nav">
            <a href="/api/docs" data-testid="footer-api-docs">
              {t('nav.apiDocs')}
            </a>
            <Link to="/developer">{t('nav.developer')}</Link>
          </nav>
        </div>
      </footer>
    </div>
  );
}
