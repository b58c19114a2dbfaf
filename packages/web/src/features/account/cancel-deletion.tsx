import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../app/api-context.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import type { Session } from '../../app/types.ts';
import { Button, ErrorAlert } from '../../app/ui.tsx';
import { accountApi } from './account.api.ts';

/** Shown instead of a sign-in error when the account waits for deletion: offers to cancel it. */
export function CancelDeletion({
  pending,
  onSession,
}: {
  pending: { deleteAfter: string; token: string };
  onSession: (session: Session) => void;
}) {
  const { t, formatDate } = useI18n();
  const api = useApi();
  const cancel = useMutation({
    mutationFn: () => accountApi.cancelDeletion(api, pending.token),
    onSuccess: onSession,
  });
  return (
    <div className="alert alert-warning stack-sm" role="alert" data-testid="deletion-pending">
      <p>{t('account.pending.body', { date: formatDate(pending.deleteAfter) })}</p>
      <ErrorAlert error={cancel.error} testId="deletion-cancel-error" />
      <Button onClick={() => cancel.mutate()} busy={cancel.isPending} data-testid="deletion-cancel">
        {t('account.pending.cancel')}
      </Button>
    </div>
  );
}
