import { Link } from 'react-router-dom';
import { useDocumentTitle } from './branding.tsx';
import { useI18n } from './i18n-context.tsx';

/** Shown for any address the app does not know. */
export function NotFoundPage() {
  const { t } = useI18n();
  useDocumentTitle(t('notFound.title'));
  return (
    <div className="center-page" data-testid="not-found">
      <p className="big-code" aria-hidden="true">
        404
      </p>
      <h1>{t('notFound.title')}</h1>
      <p className="muted">{t('notFound.body')}</p>
      <Link to="/" className="btn btn-primary">
        {t('notFound.home')}
      </Link>
    </div>
  );
}
