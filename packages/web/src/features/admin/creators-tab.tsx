import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { LoadMore, useCursorList } from '../../app/lists.tsx';
import type { CreatorApplication } from '../../app/types.ts';
import { Badge, Button, Card, EmptyState, ErrorAlert, Loading } from '../../app/ui.tsx';
import { APPLICATION_TONE } from '../identity/creator-application.tsx';
import { adminApi, adminLists } from './admin.api.ts';

const STATUSES: CreatorApplication['status'][] = ['pending', 'approved', 'rejected'];

/** One application with approve, and reject with a reason. */
function ApplicationItem({ application }: { application: CreatorApplication }) {
  const { t, formatDate } = useI18n();
  const api = useApi();
  const queryClient = useQueryClient();
  const reasonId = useId();
  const [rejecting, setRejecting] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin', 'creators'] });
  const approve = useMutation({
    mutationFn: () => adminApi.approveCreator(api, application.id),
    onSuccess: refresh,
  });
  const reject = useMutation({
    mutationFn: (reason: string) => adminApi.rejectCreator(api, application.id, reason),
    onSuccess: refresh,
  });

  function onReject(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    reject.mutate(formText(event.currentTarget, 'reason'));
  }

  return (
    <li
      className="list-row list-row-top"
      data-testid="admin-creator-row"
      data-application-id={application.id}
    >
      <div className="list-main stack-sm">
        <div>
          <strong>{application.user.displayName}</strong>{' '}
          <span className="muted">{application.user.email}</span>{' '}
          <Badge tone={APPLICATION_TONE[application.status]}>
            {t(`creator.status.${application.status}`)}
          </Badge>
        </div>
        <p className="quote pre-wrap">{application.note}</p>
        <p className="muted small">
          {t('creator.submittedAt', { date: formatDate(application.createdAt) })}
          {application.decidedAt &&
            ` · ${t('admin.creators.decidedAt', { date: formatDate(application.decidedAt) })}`}
        </p>
        {application.reason && (
          <p className="small">
            {t('creator.reason')} {application.reason}
          </p>
        )}
        {rejecting && (
          <form
            className="form form-inline"
            onSubmit={onReject}
            data-testid={`creator-reject-form-${application.id}`}
          >
            <div className="field grow">
              <label htmlFor={reasonId}>{t('admin.creators.reason')}</label>
              <input
                id={reasonId}
                name="reason"
                required
                maxLength={500}
                data-testid="creator-reject-reason"
              />
            </div>
            <Button
              type="submit"
              variant="danger"
              busy={reject.isPending}
              data-testid="creator-reject-submit"
            >
              {t('admin.creators.reject')}
            </Button>
            <Button variant="ghost" onClick={() => setRejecting(false)}>
              {t('common.cancel')}
            </Button>
          </form>
        )}
        <ErrorAlert error={approve.error ?? reject.error} />
      </div>
      {application.status === 'pending' && !rejecting && (
        <div className="row-actions">
          <Button
            small
            busy={approve.isPending}
            onClick={() => approve.mutate()}
            data-testid={`creator-approve-${application.id}`}
          >
            {t('admin.creators.approve')}
          </Button>
          <Button
            small
            variant="secondary"
            onClick={() => setRejecting(true)}
            data-testid={`creator-reject-${application.id}`}
          >
            {t('admin.creators.reject')}
          </Button>
        </div>
      )}
    </li>
  );
}

/** Creator applications, filtered by status (pending first). */
export function CreatorsTab() {
  const { t } = useI18n();
  const statusId = useId();
  const [status, setStatus] = useState<CreatorApplication['status']>('pending');
  const list = useCursorList<CreatorApplication>(
    ['admin', 'creators', status],
    adminLists.creatorApplications,
    {
      status,
    },
  );

  return (
    <Card testId="admin-creators">
      <div className="field field-inline">
        <label htmlFor={statusId}>{t('common.status')}</label>
        <select
          id={statusId}
          value={status}
          onChange={(event) => setStatus(event.target.value as CreatorApplication['status'])}
          data-testid="admin-creator-status"
        >
          {STATUSES.map((value) => (
            <option key={value} value={value}>
              {t(`creator.status.${value}`)}
            </option>
          ))}
        </select>
      </div>
      {list.isPending && <Loading />}
      <ErrorAlert error={list.error} />
      {list.isSuccess && list.items.length === 0 && <EmptyState title={t('admin.creators.empty')} />}
      {list.items.length > 0 && (
        <ul className="list" data-testid="admin-creator-list">
          {list.items.map((application) => (
            <ApplicationItem key={application.id} application={application} />
          ))}
        </ul>
      )}
      <LoadMore list={list} />
    </Card>
  );
}
