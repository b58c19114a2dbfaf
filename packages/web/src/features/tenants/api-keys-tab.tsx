import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { LoadMore, useCursorList } from '../../app/lists.tsx';
import type { ApiKey } from '../../app/types.ts';
import { Badge, Button, Card, EmptyState, ErrorAlert, Loading, TextField } from '../../app/ui.tsx';
import { CheckboxGroup } from '../../app/ui-checkboxes.tsx';
import { ConfirmButton } from '../../app/ui-confirm.tsx';
import { SecretPanel } from '../../app/ui-secret.tsx';
import { useCurrentApp } from './app-page.tsx';
import { canManage, type KeyWithSecret, tenantLists, tenantsApi } from './tenants.api.ts';

/** Form to create a key: a name and the scopes it grants. */
function CreateKeyForm({ onCreated }: { onCreated: (created: KeyWithSecret) => void }) {
  const { t } = useI18n();
  const api = useApi();
  const app = useCurrentApp();
  const [scopes, setScopes] = useState<string[]>([]);
  const scopeList = useQuery({
    queryKey: ['scopes'],
    queryFn: () => tenantsApi.scopes(api),
    staleTime: Infinity,
  });
  const create = useMutation({
    mutationFn: (name: string) => tenantsApi.createKey(api, app.id, name, scopes),
    onSuccess: onCreated,
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    create.mutate(formText(form, 'name'), {
      onSuccess: () => {
        form.reset();
        setScopes([]);
      },
    });
  }

  return (
    <Card title={t('keys.createTitle')}>
      <form className="form" onSubmit={onSubmit} data-testid="create-key-form">
        <TextField
          label={t('keys.name')}
          name="name"
          required
          maxLength={100}
          placeholder={t('keys.namePlaceholder')}
          data-testid="create-key-name"
        />
        {scopeList.isPending && <Loading label={t('keys.loadingScopes')} />}
        <ErrorAlert error={scopeList.error} />
        {scopeList.data && (
          <CheckboxGroup
            legend={t('keys.scopes')}
            options={scopeList.data.items}
            selected={scopes}
            onChange={setScopes}
            allLabel={t('keys.allScopes')}
            testIdPrefix="scope"
          />
        )}
        <ErrorAlert error={create.error} testId="create-key-error" />
        <div className="form-actions">
          <Button type="submit" busy={create.isPending} data-testid="create-key-submit">
            {create.isPending ? t('keys.creating') : t('keys.create')}
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** One key in the table, with rotate and revoke. */
function KeyRow({
  apiKey,
  manage,
  onRotated,
}: {
  apiKey: ApiKey;
  manage: boolean;
  onRotated: (r: KeyWithSecret) => void;
}) {
  const { t, formatDate } = useI18n();
  const api = useApi();
  const app = useCurrentApp();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['keys', app.id] });
  const rotate = useMutation({
    mutationFn: () => tenantsApi.rotateKey(api, app.id, apiKey.id),
    onSuccess: (result) => {
      onRotated(result);
      void refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: () => tenantsApi.revokeKey(api, app.id, apiKey.id),
    onSuccess: refresh,
  });
  const revoked = apiKey.revokedAt !== null;

  return (
    <tr data-testid="api-key-row" data-key-id={apiKey.id} className={revoked ? 'row-muted' : undefined}>
      <th scope="row">{apiKey.name}</th>
      <td>
        <div className="chips">
          {apiKey.scopes.length === 0 && <span className="muted">—</span>}
          {apiKey.scopes.map((scope) => (
            <code key={scope} className="chip">
              {scope}
            </code>
          ))}
        </div>
      </td>
      <td>{formatDate(apiKey.createdAt)}</td>
      <td>{apiKey.lastUsedAt ? formatDate(apiKey.lastUsedAt) : t('keys.neverUsed')}</td>
      <td>
        {revoked ? (
          <Badge tone="danger">{t('keys.revoked')}</Badge>
        ) : (
          <Badge tone="success">{t('keys.active')}</Badge>
        )}
      </td>
      <td className="actions-cell">
        {manage && !revoked && (
          <div className="row-actions">
            <ConfirmButton
              label={t('keys.rotate')}
              question={t('keys.rotateQuestion')}
              confirmLabel={t('keys.rotateConfirm')}
              variant="primary"
              busy={rotate.isPending}
              onConfirm={() => rotate.mutate()}
              testId={`api-key-rotate-${apiKey.id}`}
            />
            <ConfirmButton
              label={t('keys.revoke')}
              question={t('keys.revokeQuestion')}
              confirmLabel={t('keys.revokeConfirm')}
              busy={revoke.isPending}
              onConfirm={() => revoke.mutate()}
              testId={`api-key-revoke-${apiKey.id}`}
            />
          </div>
        )}
        <ErrorAlert error={rotate.error ?? revoke.error} />
      </td>
    </tr>
  );
}

/** API keys of the current app: create (secret shown once), list, rotate, revoke. */
export function ApiKeysTab() {
  const { t } = useI18n();
  const app = useCurrentApp();
  const queryClient = useQueryClient();
  const keys = useCursorList<ApiKey>(['keys', app.id], tenantLists.keys(app.id));
  const [secret, setSecret] = useState<{ title: string; value: string } | null>(null);
  const manage = canManage(app.role);

  const showSecret = (title: string) => (result: KeyWithSecret) => {
    setSecret({ title, value: result.secret });
    void queryClient.invalidateQueries({ queryKey: ['keys', app.id] });
  };

  return (
    <div className="stack" data-testid="api-keys-tab">
      {secret && (
        <SecretPanel
          title={secret.title}
          secret={secret.value}
          testId="api-key-secret"
          onDismiss={() => setSecret(null)}
        />
      )}
      {manage && <CreateKeyForm onCreated={showSecret(t('keys.createdTitle'))} />}
      <Card title={t('keys.listTitle')}>
        {keys.isPending && <Loading />}
        <ErrorAlert error={keys.error} />
        {keys.isSuccess && keys.items.length === 0 && (
          <EmptyState title={t('keys.empty')} testId="api-key-list-empty" />
        )}
        {keys.items.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="api-key-list">
              <thead>
                <tr>
                  <th scope="col">{t('keys.name')}</th>
                  <th scope="col">{t('keys.scopes')}</th>
                  <th scope="col">{t('common.created')}</th>
                  <th scope="col">{t('keys.lastUsed')}</th>
                  <th scope="col">{t('common.status')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.items.map((apiKey) => (
                  <KeyRow
                    key={apiKey.id}
                    apiKey={apiKey}
                    manage={manage}
                    onRotated={showSecret(t('keys.rotatedTitle'))}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <LoadMore list={keys} />
      </Card>
    </div>
  );
}
