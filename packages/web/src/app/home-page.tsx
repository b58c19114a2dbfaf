import { Link } from 'react-router-dom';
import { useBranding, useDocumentTitle } from './branding.tsx';
import type { MessageKey } from './i18n.ts';
import { useI18n } from './i18n-context.tsx';
import { useSession } from './session.tsx';

const FEATURES: { title: MessageKey; body: MessageKey; icon: string }[] = [
  { title: 'home.feature.live.title', body: 'home.feature.live.body', icon: '◉' },
  { title: 'home.feature.community.title', body: 'home.feature.community.body', icon: '✦' },
  { title: 'home.feature.developers.title', body: 'home.feature.developers.body', icon: '⌘' },
];

/** Landing page: what the platform is, and where to go next. */
export function HomePage() {
  const { t } = useI18n();
  const { name } = useBranding();
  const { user } = useSession();
  useDocumentTitle(null);

  return (
    <div className="home" data-testid="home">
      <section className="hero">
        <p className="eyebrow">{t('home.eyebrow')}</p>
        <h1 className="hero-title">{t('home.title', { name })}</h1>
        <p className="hero-lead">{t('home.lead')}</p>
        <div className="hero-actions">
          <Link to="/live" className="btn btn-primary btn-large" data-testid="home-live">
            {t('live.home.cta')}
          </Link>
          {user ? (
            <>
              <Link to="/developer" className="btn btn-primary btn-large" data-testid="home-developer">
                {t('home.ctaConsole')}
              </Link>
              <Link to="/profile" className="btn btn-secondary btn-large">
                {t('home.ctaProfile')}
              </Link>
            </>
          ) : (
            <>
              <Link to="/signup" className="btn btn-primary btn-large" data-testid="home-signup">
                {t('home.ctaSignup')}
              </Link>
              <Link to="/login" className="btn btn-secondary btn-large" data-testid="home-login">
                {t('home.ctaLogin')}
              </Link>
            </>
          )}
          <Link to="/community" className="btn btn-secondary btn-large" data-testid="home-community">
            {t('chat.home.community')}
          </Link>
          <a href="/api/docs" className="btn btn-ghost btn-large">
            {t('nav.apiDocs')}
          </a>
        </div>
      </section>
      <section className="feature-grid" aria-label={t('home.featuresLabel')}>
        {FEATURES.map((feature) => (
          <article className="card feature" key={feature.title}>
            <span className="feature-icon" aria-hidden="true">
              {feature.icon}
            </span>
            <h2>{t(feature.title)}</h2>
            <p className="muted">{t(feature.body)}</p>
          </article>
        ))}
      </section>
    </div>
  );
}
