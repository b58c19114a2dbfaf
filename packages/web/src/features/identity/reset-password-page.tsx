import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { Button, ErrorAlert, Notice, TextField } from '../../app/ui.tsx';
import { AuthCard } from './auth-card.tsx';
import { identityApi, MIN_PASSWORD_LENGTH } from './identity.api.ts';

/** Sets a new password from the emailed `?token=`. */
export function ResetPasswordPage() {
  const { t } = useI18n();
  const api = useApi();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [mismatch, setMismatch] = useState(false);
  useDocumentTitle(t('reset.title'));
  const reset = useMutation({
    mutationFn: (password: string) => identityApi.confirmPasswordReset(api, token, password),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const password = formText(form, 'password', true);
    const same = password === formText(form, 'confirm', true);
    setMismatch(!same);
    if (same) reset.mutate(password);
  }

  if (!token) {
    return (
      <AuthCard title={t('reset.title')} footer={<Link to="/forgot-password">{t('reset.requestNew')}</Link>}>
        <div
          className="alert alert-error"
          role="alert"
          data-code="TOKEN_MISSING"
          data-testid="reset-password-error"
        >
          {t('reset.missingToken')}
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard title={t('reset.title')} subtitle={t('reset.subtitle')}>
      {reset.isSuccess ? (
        <Notice testId="reset-password-done">
          {t('reset.done')}{' '}
          <Link to="/login" data-testid="reset-password-login">
            {t('reset.loginNow')}
          </Link>
        </Notice>
      ) : (
        <form className="form" onSubmit={onSubmit} data-testid="reset-password-form">
          <TextField
            label={t('field.newPassword')}
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            hint={t('field.passwordHint', { min: MIN_PASSWORD_LENGTH })}
            data-testid="reset-password-password"
          />
          <TextField
            label={t('field.confirmPassword')}
            name="confirm"
            type="password"
            autoComplete="new-password"
            required
            data-testid="reset-password-confirm"
          />
          {mismatch && (
            <div className="alert alert-error" role="alert" data-code="PASSWORD_MISMATCH">
              {t('field.passwordMismatch')}
            </div>
          )}
          <ErrorAlert error={reset.error} testId="reset-password-error" />
          <Button
            type="submit"
            busy={reset.isPending}
            className="btn-block"
            data-testid="reset-password-submit"
          >
            {t('reset.submit')}
          </Button>
        </form>
      )}
    </AuthCard>
  );
}
