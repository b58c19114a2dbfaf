import { useMutation, useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { useSession } from '../../app/session.tsx';
import { Button, ErrorAlert, Loading, Notice, TextField } from '../../app/ui.tsx';
import { AuthCard } from './auth-card.tsx';
import { identityApi, MIN_PASSWORD_LENGTH } from './identity.api.ts';

/**
 * First-run page: creates the first admin with the one-time `?token=` the server prints at boot, signs them
 * in and opens the admin area. Once an admin exists the page only says so.
 */
export function SetupPage() {
  const { t } = useI18n();
  const api = useApi();
  const { user, setSession } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  useDocumentTitle(t('setup.title'));

  const status = useQuery({ queryKey: ['setup-status'], queryFn: () => identityApi.setupStatus(api) });
  const setup = useMutation({
    mutationFn: (input: { email: string; password: string; displayName: string }) =>
      identityApi.setup(api, { token, ...input }),
    onSuccess: (session) => {
      setSession(session);
      navigate('/admin', { replace: true });
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setup.mutate({
      displayName: formText(form, 'displayName'),
      email: formText(form, 'email'),
      password: formText(form, 'password', true),
    });
  }

  if (status.isPending) {
    return (
      <AuthCard title={t('setup.title')}>
        <Loading />
      </AuthCard>
    );
  }

  if (status.data?.open === false && !setup.isSuccess) {
    return (
      <AuthCard title={t('setup.closedTitle')}>
        <div className="stack">
          <Notice tone="info" testId="setup-closed">
            {t('setup.closed')}
          </Notice>
          <Link to={user ? '/admin' : '/login'} className="btn btn-primary btn-block">
            {user ? t('setup.toAdmin') : t('nav.login')}
          </Link>
        </div>
      </AuthCard>
    );
  }

  if (!token) {
    return (
      <AuthCard title={t('setup.title')}>
        <div className="alert alert-error" role="alert" data-code="TOKEN_MISSING" data-testid="setup-error">
          {t('setup.missingToken')}
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard title={t('setup.title')} subtitle={t('setup.subtitle')}>
      <ErrorAlert error={status.error} />
      <form className="form" onSubmit={onSubmit} data-testid="setup-form">
        <TextField
          label={t('field.displayName')}
          name="displayName"
          autoComplete="nickname"
          required
          maxLength={80}
          data-testid="setup-display-name"
        />
        <TextField
          label={t('field.email')}
          name="email"
          type="email"
          autoComplete="email"
          required
          data-testid="setup-email"
        />
        <TextField
          label={t('field.password')}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          hint={t('field.passwordHint', { min: MIN_PASSWORD_LENGTH })}
          data-testid="setup-password"
        />
        <ErrorAlert error={setup.error} testId="setup-error" />
        <Button type="submit" busy={setup.isPending} className="btn-block" data-testid="setup-submit">
          {setup.isPending ? t('setup.submitting') : t('setup.submit')}
        </Button>
      </form>
    </AuthCard>
  );
}
