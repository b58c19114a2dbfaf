import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { formText } from '../../app/forms.ts';
import { isLocale, LOCALE_NAMES, LOCALES } from '../../app/i18n.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { useSession } from '../../app/session.tsx';
import type { Locale, User } from '../../app/types.ts';
import { Button, Card, ErrorAlert, Notice, TextField } from '../../app/ui.tsx';
import { identityApi, MIN_PASSWORD_LENGTH } from './identity.api.ts';

/** Display name and preferred language (which also switches the interface and the server's mails). */
export function ProfileForm({ user }: { user: User }) {
  const { t, setLocale } = useI18n();
  const api = useApi();
  const { updateUser } = useSession();
  const localeId = useId();
  const save = useMutation({
    mutationFn: (patch: { displayName: string; locale: Locale }) => identityApi.updateMe(api, patch),
    onSuccess: ({ user: updated }) => {
      updateUser(updated);
      setLocale(updated.locale);
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const locale = formText(form, 'locale');
    save.mutate({
      displayName: formText(form, 'displayName'),
      locale: isLocale(locale) ? locale : user.locale,
    });
  }

  return (
    <Card title={t('profile.detailsTitle')} testId="profile-card">
      <form className="form" onSubmit={onSubmit} data-testid="profile-form">
        <TextField
          label={t('field.displayName')}
          name="displayName"
          defaultValue={user.displayName}
          required
          maxLength={80}
          autoComplete="nickname"
          data-testid="profile-display-name"
        />
        <div className="field">
          <label htmlFor={localeId}>{t('field.locale')}</label>
          <select id={localeId} name="locale" defaultValue={user.locale} data-testid="profile-locale">
            {LOCALES.map((code) => (
              <option key={code} value={code}>
                {LOCALE_NAMES[code]}
              </option>
            ))}
          </select>
          <p className="field-hint">{t('field.localeHint')}</p>
        </div>
        <ErrorAlert error={save.error} testId="profile-error" />
        {save.isSuccess && <Notice testId="profile-saved">{t('profile.saved')}</Notice>}
        <div className="form-actions">
          <Button type="submit" busy={save.isPending} data-testid="profile-submit">
            {t('common.save')}
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** Change password: asks for the current one, and the new one twice. */
export function PasswordForm() {
  const { t } = useI18n();
  const api = useApi();
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    mutationFn: (input: { current: string; next: string }) =>
      identityApi.changePassword(api, input.current, input.next),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const next = formText(form, 'newPassword', true);
    const same = next === formText(form, 'confirm', true);
    setMismatch(!same);
    if (!same) return;
    change.mutate(
      { current: formText(form, 'currentPassword', true), next },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <Card title={t('profile.passwordTitle')} testId="password-card">
      <form className="form" onSubmit={onSubmit} data-testid="password-form">
        <TextField
          label={t('field.currentPassword')}
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          data-testid="password-current"
        />
        <TextField
          label={t('field.newPassword')}
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          hint={t('field.passwordHint', { min: MIN_PASSWORD_LENGTH })}
          data-testid="password-new"
        />
        <TextField
          label={t('field.confirmPassword')}
          name="confirm"
          type="password"
          autoComplete="new-password"
          required
          data-testid="password-confirm"
        />
        {mismatch && (
          <div className="alert alert-error" role="alert" data-code="PASSWORD_MISMATCH">
            {t('field.passwordMismatch')}
          </div>
        )}
        <ErrorAlert error={change.error} testId="password-error" />
        {change.isSuccess && <Notice testId="password-changed">{t('profile.passwordChanged')}</Notice>}
        <div className="form-actions">
          <Button type="submit" busy={change.isPending} data-testid="password-submit">
            {t('profile.passwordSubmit')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
