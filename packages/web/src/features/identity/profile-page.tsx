import { Link } from 'react-router-dom';
import { useDocumentTitle } from '../../app/branding.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { useSession } from '../../app/session.tsx';
import { Badge, Card, Loading, PageHeader } from '../../app/ui.tsx';
import { CreatorApplicationCard } from './creator-application.tsx';
import { PasswordForm, ProfileForm } from './profile-forms.tsx';
import { TwoFactorCard } from './two-factor-card.tsx';
import { ResendVerification } from './verify-email-page.tsx';

/** The signed-in user's account: details, language, password and creator application. */
export function ProfilePage() {
  const { t, formatDate } = useI18n();
  const { user } = useSession();
  useDocumentTitle(t('profile.title'));
  if (!user) return <Loading />;

  return (
    <div className="page" data-testid="profile-page">
      <PageHeader
        title={t('profile.title')}
        subtitle={user.email}
        actions={
          <Link to="/account" data-testid="account-settings-link">
            {t('account.link')}
          </Link>
        }
      />
      <div className="grid-2">
        <div className="stack">
          <Card title={t('profile.accountTitle')} testId="account-card">
            <dl className="facts">
              <dt>{t('field.email')}</dt>
              <dd data-testid="profile-email">
                {user.email}{' '}
                {user.emailVerified ? (
                  <Badge tone="success" testId="email-verified">
                    {t('profile.verified')}
                  </Badge>
                ) : (
                  <Badge tone="warning" testId="email-unverified">
                    {t('profile.unverified')}
                  </Badge>
                )}
              </dd>
              <dt>{t('profile.role')}</dt>
              <dd>
                <Badge tone="primary" testId="profile-role">
                  {t(`role.${user.role}`)}
                </Badge>
              </dd>
              <dt>{t('profile.telegram')}</dt>
              <dd>
                {user.telegram
                  ? user.telegram.username
                    ? `@${user.telegram.username}`
                    : String(user.telegram.id)
                  : t('profile.telegramNone')}
              </dd>
              <dt>{t('profile.memberSince')}</dt>
              <dd>{formatDate(user.createdAt)}</dd>
            </dl>
            {!user.emailVerified && (
              <div className="stack-sm">
                <p className="muted">{t('profile.verifyHint')}</p>
                <ResendVerification />
              </div>
            )}
          </Card>
          <ProfileForm user={user} />
        </div>
        <div className="stack">
          <CreatorApplicationCard user={user} />
          <PasswordForm />
          <TwoFactorCard />
        </div>
      </div>
    </div>
  );
}
