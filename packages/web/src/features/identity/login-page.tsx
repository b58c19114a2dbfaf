import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { safeNext } from '../../app/navigation.ts';
import { useSession } from '../../app/session.tsx';
import type { Session } from '../../app/types.ts';
import { Button, ErrorAlert, Notice, TextField } from '../../app/ui.tsx';
import { pendingDeletion } from '../account/account.api.ts';
import { CancelDeletion } from '../account/cancel-deletion.tsx';
import { AuthCard } from './auth-card.tsx';
import { identityApi } from './identity.api.ts';
import { TelegramLogin } from './telegram-login.tsx';

/** Email + password login (and Telegram when configured); returns to `?next=` afterwards. */
export function LoginPage() {
  const { t } = useI18n();
  const api = useApi();
  const { status, setSession } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  useDocumentTitle(t('login.title'));

  const onSession = (session: Session) => {
    setSession(session);
    navigate(next, { replace: true });
  };
  const login = useMutation({
    mutationFn: (input: { email: string; password: string }) => identityApi.login(api, input),
    onSuccess: onSession,
  });

  if (status === 'authenticated' && login.isIdle) return <Navigate to={next} replace />;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    login.mutate({ email: formText(form, 'email'), password: formText(form, 'password', true) });
  }

  return (
    <AuthCard
      title={t('login.title')}
      subtitle={t('login.subtitle')}
      footer={
        <>
          {t('login.noAccount')} <Link to="/signup">{t('login.signupLink')}</Link>
        </>
      }
    >
      {params.get('next') && (
        <Notice tone="info" testId="login-required">
          {t('login.required')}
        </Notice>
      )}
      <form className="form" onSubmit={onSubmit} data-testid="login-form">
        <TextField
          label={t('field.email')}
          name="email"
          type="email"
          autoComplete="username"
          required
          data-testid="login-email"
        />
        <TextField
          label={t('field.password')}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          data-testid="login-password"
        />
        <div className="form-row-end">
          <Link to="/forgot-password" data-testid="forgot-password-link">
            {t('login.forgot')}
          </Link>
        </div>
        {pendingDeletion(login.error) ? (
          <CancelDeletion pending={pendingDeletion(login.error)!} onSession={onSession} />
        ) : (
          <ErrorAlert error={login.error} testId="login-error" />
        )}
        <Button type="submit" busy={login.isPending} className="btn-block" data-testid="login-submit">
          {login.isPending ? t('login.submitting') : t('login.submit')}
        </Button>
      </form>
      <TelegramLogin onSession={onSession} />
    </AuthCard>
  );
}
