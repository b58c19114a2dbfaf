import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { useSession } from '../../app/session.tsx';
import { Button, ErrorAlert, Loading, Notice } from '../../app/ui.tsx';
import { AuthCard } from './auth-card.tsx';
import { identityApi } from './identity.api.ts';
import type { SignedUpState } from './signup-page.tsx';

/** "Send the verification mail again", for a signed-in user whose address is not verified yet. */
export function ResendVerification() {
  const { t } = useI18n();
  const api = useApi();
  const resend = useMutation({ mutationFn: () => identityApi.resendVerification(api) });
  return (
    <div className="stack-sm">
      <Button
        variant="secondary"
        busy={resend.isPending}
        onClick={() => resend.mutate()}
        data-testid="resend-verification"
      >
        {t('verify.resend')}
      </Button>
      {resend.isSuccess && <Notice testId="resend-verification-done">{t('verify.resent')}</Notice>}
      <ErrorAlert error={resend.error} testId="resend-verification-error" />
    </div>
  );
}

/** Consumes `?token=` once (even under StrictMode's double effects) and shows the outcome. */
function VerifyToken({ token }: { token: string }) {
  const { t } = useI18n();
  const api = useApi();
  const { user, updateUser, setSession } = useSession();
  const started = useRef(false);
  const verify = useMutation({
    mutationFn: () => identityApi.verifyEmail(api, token),
    onSuccess: ({ user: verified, csrfToken }) => {
      // A sign-up link creates the account and signs it in.
      if (csrfToken) setSession({ user: verified, csrfToken });
      else if (user && user.id === verified.id) updateUser(verified);
    },
  });
  const mutate = verify.mutate;

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    mutate();
  }, [mutate]);

  if (verify.isSuccess) {
    const created = Boolean(verify.data.csrfToken);
    return (
      <>
        <Notice testId="verify-email-success">
          {created
            ? t('verify.accountCreated', { email: verify.data.user.email })
            : t('verify.success', { email: verify.data.user.email })}
        </Notice>
        <Link
          to={created ? '/' : user ? '/developer' : '/login'}
          className="btn btn-primary btn-block"
          data-testid="verify-email-continue"
        >
          {user || created ? t('verify.continue') : t('verify.loginNow')}
        </Link>
      </>
    );
  }
  if (verify.isError) {
    return (
      <>
        <ErrorAlert error={verify.error} testId="verify-email-error" />
        {user && !user.emailVerified && <ResendVerification />}
      </>
    );
  }
  return <Loading label={t('verify.verifying')} />;
}

/** Without a token: "check your inbox" (with a resend button); with one: verifies it. */
export function VerifyEmailPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const location = useLocation();
  const { user, status } = useSession();
  const token = params.get('token');
  const signedUp = (location.state as Partial<SignedUpState> | null)?.signedUpEmail;
  useDocumentTitle(t('verify.title'));

  if (token) {
    return (
      <AuthCard title={t('verify.title')}>
        <div className="stack" data-testid="verify-email-result" aria-live="polite">
          <VerifyToken token={token} />
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard title={t('verify.inboxTitle')} subtitle={t('verify.inboxBody')}>
      <div className="stack" data-testid="verify-email-inbox">
        {signedUp && <Notice testId="signup-notice">{t('signup.done', { email: signedUp })}</Notice>}
        {status === 'loading' && <Loading />}
        {user?.emailVerified && (
          <Notice tone="info" testId="verify-email-already">
            {t('verify.already')}
          </Notice>
        )}
        {user && !user.emailVerified && <ResendVerification />}
        {status === 'anonymous' && !signedUp && (
          <p className="muted">
            {t('verify.loginToResend')} <Link to="/login?next=%2Fverify-email">{t('nav.login')}</Link>
          </p>
        )}
        {user && (
          <Link to="/developer" className="btn btn-ghost" data-testid="verify-email-skip">
            {t('verify.later')}
          </Link>
        )}
      </div>
    </AuthCard>
  );
}
