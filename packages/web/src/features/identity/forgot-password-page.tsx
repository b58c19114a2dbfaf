import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { Button, ErrorAlert, Notice, TextField } from '../../app/ui.tsx';
import { AuthCard } from './auth-card.tsx';
import { identityApi } from './identity.api.ts';

/** Asks for a reset link; always answers the same way so it does not reveal which emails have accounts. */
export function ForgotPasswordPage() {
  const { t } = useI18n();
  const api = useApi();
  useDocumentTitle(t('forgot.title'));
  const request = useMutation({
    mutationFn: (email: string) => identityApi.requestPasswordReset(api, email),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    request.mutate(formText(event.currentTarget, 'email'));
  }

  return (
    <AuthCard
      title={t('forgot.title')}
      subtitle={t('forgot.subtitle')}
      footer={<Link to="/login">{t('forgot.backToLogin')}</Link>}
    >
      {request.isSuccess ? (
        <Notice testId="forgot-password-done">{t('forgot.done', { email: request.variables })}</Notice>
      ) : (
        <form className="form" onSubmit={onSubmit} data-testid="forgot-password-form">
          <TextField
            label={t('field.email')}
            name="email"
            type="email"
            autoComplete="email"
            required
            data-testid="forgot-password-email"
          />
          <ErrorAlert error={request.error} testId="forgot-password-error" />
          <Button
            type="submit"
            busy={request.isPending}
            className="btn-block"
            data-testid="forgot-password-submit"
          >
            {t('forgot.submit')}
          </Button>
        </form>
      )}
    </AuthCard>
  );
}
