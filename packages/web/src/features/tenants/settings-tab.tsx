import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { Button, Card, ErrorAlert, Notice, TextField } from '../../app/ui.tsx';
import { ConfirmButton } from '../../app/ui-confirm.tsx';
import { useCurrentApp } from './app-page.tsx';
import { canManage, tenantsApi } from './tenants.api.ts';

/** Rename the app; the owner can also delete it. */
export function SettingsTab() {
  const { t } = useI18n();
  const api = useApi();
  const app = useCurrentApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const rename = useMutation({
    mutationFn: (name: string) => tenantsApi.renameApp(api, app.id, name),
    onSuccess: (data) => {
      queryClient.setQueryData(['app', app.id], data);
      void queryClient.invalidateQueries({ queryKey: ['apps'] });
    },
  });
  const remove = useMutation({
    mutationFn: () => tenantsApi.deleteApp(api, app.id),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: ['app', app.id] });
      void queryClient.invalidateQueries({ queryKey: ['apps'] });
      navigate('/developer', { replace: true });
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    rename.mutate(formText(event.currentTarget, 'name'));
  }

  return (
    <div className="stack" data-testid="settings-tab">
      <Card title={t('settings.generalTitle')}>
        <form className="form form-inline" onSubmit={onSubmit} data-testid="app-settings-form">
          <TextField
            label={t('apps.name')}
            name="name"
            defaultValue={app.name}
            required
            maxLength={100}
            disabled={!canManage(app.role)}
            className="grow"
            data-testid="app-settings-name"
          />
          <Button
            type="submit"
            busy={rename.isPending}
            disabled={!canManage(app.role)}
            data-testid="app-settings-submit"
          >
            {t('common.save')}
          </Button>
        </form>
        <ErrorAlert error={rename.error} testId="app-settings-error" />
        {rename.isSuccess && <Notice testId="app-settings-saved">{t('settings.saved')}</Notice>}
      </Card>
      {app.role === 'owner' && (
        <Card title={t('settings.dangerTitle')} className="card-danger">
          <p className="muted">{t('settings.deleteHint')}</p>
          <ConfirmButton
            label={t('settings.delete')}
            question={t('settings.deleteQuestion', { name: app.name })}
            confirmLabel={t('settings.deleteConfirm')}
            busy={remove.isPending}
            onConfirm={() => remove.mutate()}
            testId="app-delete"
          />
          <ErrorAlert error={remove.error} testId="app-delete-error" />
        </Card>
      )}
    </div>
  );
}
