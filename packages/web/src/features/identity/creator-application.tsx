import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import type { CreatorApplication, User } from '../../app/types.ts';
import { Badge, type BadgeTone, Button, Card, ErrorAlert, Loading } from '../../app/ui.tsx';
import { identityApi } from './identity.api.ts';

/** Badge colour per application status. */
export const APPLICATION_TONE: Record<CreatorApplication['status'], BadgeTone> = {
  pending: 'warning',
  approved: 'success',
  rejected: 'danger',
};

/** The user's creator application: its status, or a form to apply (again, after a rejection). */
export function CreatorApplicationCard({ user }: { user: User }) {
  const { t, formatDate } = useI18n();
  const api = useApi();
  const queryClient = useQueryClient();
  const noteId = useId();
  const query = useQuery({
    queryKey: ['me', 'creator-application'],
    queryFn: () => identityApi.creatorApplication(api),
  });
  const apply = useMutation({
    mutationFn: (note: string) => identityApi.applyAsCreator(api, note),
    onSuccess: (data) => queryClient.setQueryData(['me', 'creator-application'], data),
  });

  const application = query.data?.application ?? null;
  const isCreator = user.role !== 'member';
  const canApply = !isCreator && (!application || application.status === 'rejected');

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    apply.mutate(formText(event.currentTarget, 'note'));
  }

  return (
    <Card title={t('creator.title')} testId="creator-application">
      {query.isPending && <Loading />}
      <ErrorAlert error={query.error} />
      {isCreator && (
        <p data-testid="creator-is-creator">{t('creator.alreadyRole', { role: t(`role.${user.role}`) })}</p>
      )}
      {application && (
        <div className="stack-sm" data-testid="creator-status" data-status={application.status}>
          <p>
            {t('creator.statusLabel')}{' '}
            <Badge tone={APPLICATION_TONE[application.status]}>
              {t(`creator.status.${application.status}`)}
            </Badge>
          </p>
          <p className="muted">{t('creator.submittedAt', { date: formatDate(application.createdAt) })}</p>
          {application.status === 'rejected' && application.reason && (
            <p data-testid="creator-reason">
              {t('creator.reason')} <span className="quote">{application.reason}</span>
            </p>
          )}
        </div>
      )}
      {query.isSuccess && canApply && (
        <form className="form" onSubmit={onSubmit} data-testid="creator-form">
          <p className="muted">{t('creator.pitch')}</p>
          <div className="field">
            <label htmlFor={noteId}>{t('creator.note')}</label>
            <textarea id={noteId} name="note" rows={4} required maxLength={2000} data-testid="creator-note" />
          </div>
          <ErrorAlert error={apply.error} testId="creator-error" />
          <div className="form-actions">
            <Button type="submit" busy={apply.isPending} data-testid="creator-apply-submit">
              {t('creator.apply')}
            </Button>
          </div>
        </form>
      )}
    </Card>
  );
}
