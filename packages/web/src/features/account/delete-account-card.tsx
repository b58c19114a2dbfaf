import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { Button, Card, ErrorAlert, Loading, Notice, TextField } from '../../app/ui.tsx';
import { accountApi, accountKeys, type DeletionPreview } from './account.api.ts';
import './account.css';

/** The rules, stated before anything is deleted: coins forfeited, earnings, grace period, content. */
function DeletionRules({ preview }: { preview: DeletionPreview }) {
  const { t } = useI18n();
  return (
    <ul className="stack-sm" data-testid="delete-rules">
      <li data-testid="delete-coins">{t('account.delete.ruleCoins', { coins: preview.walletBalance })}</li>
      <li>{t('account.delete.ruleEarnings', { minimum: preview.payoutMinimum })}</li>
      <li>{t('account.delete.ruleGrace', { days: preview.graceDays })}</li>
      <li>{t('account.delete.ruleStreams')}</li>
      <li>{t('account.delete.ruleContent')}</li>
    </ul>
  );
}

/** "Delete account": a confirm dialog that states the rules and the coin balance, then asks for the password. */
export function DeleteAccountCard() {
  const { t } = useI18n();
  const api = useApi();
  const navigate = useNavigate();
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const preview = useQuery({
    queryKey: accountKeys.deletion,
    queryFn: () => accountApi.deletionPreview(api),
  });
  const remove = useMutation({
    mutationFn: (password: string) => accountApi.requestDeletion(api, password),
    // The next page drops the session: dropping it here would make this signed-in page redirect
    // to sign-in before the navigation (a transition) lands.
    onSuccess: ({ deleteAfter }) =>
      navigate(`/account/deleted?until=${encodeURIComponent(deleteAfter)}`, {
        replace: true,
        state: { signedOut: true },
      }),
  });

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    remove.mutate(formText(event.currentTarget, 'password', true));
  }

  const blockers = preview.data?.blockers ?? [];
  return (
    <Card title={t('account.delete.title')} testId="delete-card" className="card-danger">
      <p className="muted">{t('account.delete.hint')}</p>
      {preview.isPending && <Loading />}
      <ErrorAlert error={preview.error} />
      {blockers.length > 0 && (
        <Notice tone="info" testId="delete-blockers">
          {blockers.map((b) => (
            <span key={b} className="block">
              {t(`account.delete.blocker.${b}`)}
            </span>
          ))}
        </Notice>
      )}
      <div className="form-actions">
        <Button
          variant="danger"
          disabled={!preview.data || blockers.length > 0}
          onClick={() => setOpen(true)}
          data-testid="delete-open"
        >
          {t('account.delete.open')}
        </Button>
      </div>
      <dialog
        ref={dialog}
        className="account-dialog"
        aria-labelledby="delete-dialog-title"
        onClose={() => setOpen(false)}
        data-testid="delete-dialog"
      >
        <form className="form" onSubmit={onSubmit}>
          <h2 id="delete-dialog-title">{t('account.delete.confirmTitle')}</h2>
          {preview.data && <DeletionRules preview={preview.data} />}
          <TextField
            label={t('account.delete.password')}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            data-testid="delete-password"
          />
          <ErrorAlert error={remove.error} testId="delete-error" />
          <div className="form-actions">
            <Button
              variant="secondary"
              type="button"
              onClick={() => setOpen(false)}
              data-testid="delete-cancel"
            >
              {t('common.cancel')}
            </Button>
            <Button variant="danger" type="submit" busy={remove.isPending} data-testid="delete-confirm">
              {t('account.delete.confirm')}
            </Button>
          </div>
        </form>
      </dialog>
    </Card>
  );
}
