import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Link, Navigate, useNavigate } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { useSession } from '../../app/session.tsx';
import { Button, ErrorAlert, TextField } from '../../app/ui.tsx';
import { AuthCard } from './auth-card.tsx';
import { identityApi, MIN_PASSWORD_LENGTH } from './identity.api.ts';

/** Where sign-up sends the new user; the page reads `signedUpEmail` to show "we sent you a mail". */
export interface SignedUpState {
  signedUpEmail: string;
}

/**
 * Account creation: the server mails a link that creates the account (or, for a taken address, says
 * so), so the page always continues to "check your inbox".
 */
export function SignupPage() {
  const { t } = useI18n();
  const api = useApi();
  const { status } = useSession();
  const navigate = useNavigate();
  useDocumentTitle(t('signup.title'));

  const signup = useMutation({
    mutationFn: (input: { email: string; password: string; displayName: string }) =>
      identityApi.register(api, input),
    onSuccess: (_accepted, input) => {
      const state: SignedUpState = { signedUpEmail: input.email.trim() };
      navigate('/verify-email', { state });
    },
  });

  if (status === 'authenticated' && !signup.isSuccess && !signup.isPending)
    return <Navigate to="/profile" replace />;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    signup.mutate({
      displayName: formText(form, 'displayName'),
      email: formText(form, 'email'),
      password: formText(form, 'password', true),
    });
  }

  return (
    <AuthCard
      title={t('signup.title')}
      subtitle={t('signup.subtitle')}
      footer={
        <>
          {t('signup.haveAccount')} <Link to="/login">{t('signup.loginLink')}</Link>
        </>
      }
    >
      <form className="form" onSubmit={onSubmit} data-testid="signup-form">
        <TextField
          label={t('field.displayName')}
          name="displayName"
          autoComplete="nickname"
          required
          maxLength={80}
          data-testid="signup-display-name"
        />
        <TextField
          label={t('field.email')}
          name="email"
          type="email"
          autoComplete="email"
          required
          data-testid="signup-email"
        />
        <TextField
          label={t('field.password')}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          hint={t('field.passwordHint', { min: MIN_PASSWORD_LENGTH })}
          data-testid="signup-password"
        />
        <ErrorAlert error={signup.error} testId="signup-error" />
        <Button type="submit" busy={signup.isPending} className="btn-block" data-testid="signup-submit">
          {signup.isPending ? t('signup.submitting') : t('signup.submit')}
        </Button>
      </form>
    </AuthCard>
  );
}
