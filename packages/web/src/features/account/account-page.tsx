import { useEffect } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router-dom';
import { useDocumentTitle } from '../../app/branding.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { useSession } from '../../app/session.tsx';
import { Card, Notice, PageHeader } from '../../app/ui.tsx';
import { DataExportCard } from './data-export-card.tsx';
import { DeleteAccountCard } from './delete-account-card.tsx';
import { SessionsCard } from './sessions-card.tsx';

/** Account settings: sessions, "your data" (export) and account deletion. */
export function AccountPage() {
  const { t } = useI18n();
  useDocumentTitle(t('account.title'));
  return (
    <div className="page" data-testid="account-page">
      <PageHeader
        title={t('account.title')}
        subtitle={<Link to="/profile">{t('account.backToProfile')}</Link>}
      />
      <div className="grid-2">
        <div className="stack">
          <SessionsCard />
        </div>
        <div className="stack">
          <DataExportCard />
          <DeleteAccountCard />
        </div>
      </div>
    </div>
  );
}

/** Shown after a deletion request: when the data goes, and how to change one's mind. */
export function AccountDeletedPage() {
  const { t, formatDate } = useI18n();
  const [params] = useSearchParams();
  const location = useLocation();
  const { setSession } = useSession();
  const signedOut = (location.state as { signedOut?: boolean } | null)?.signedOut === true;
  useDocumentTitle(t('account.deleted.title'));
  // The server ended every session of the account; forget the one this page still holds.
  useEffect(() => {
    if (signedOut) setSession(null);
  }, [signedOut, setSession]);
  return (
    <div className="page" data-testid="account-deleted-page">
      <Card title={t('account.deleted.title')}>
        <Notice testId="account-deleted">
          {t('account.deleted.body', { date: formatDate(params.get('until')) })}
        </Notice>
        <p>
          <Link to="/login">{t('account.deleted.signIn')}</Link>
        </p>
      </Card>
    </div>
  );
}
