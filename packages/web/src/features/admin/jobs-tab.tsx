import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/api-context.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { LoadMore, useCursorList } from '../../app/lists.tsx';
import type { Job } from '../../app/types.ts';
import { Button, Card, EmptyState, ErrorAlert, Loading } from '../../app/ui.tsx';
import { adminApi, adminLists } from './admin.api.ts';

/** One dead job with a retry button. */
function JobRow({ job }: { job: Job }) {
  const { t, formatDate } = useI18n();
  const api = useApi();
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: () => adminApi.retryJob(api, job.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'jobs'] }),
  });
  return (
    <tr data-testid="admin-job-row" data-job-id={job.id}>
      <th scope="row">
        <code>{job.kind}</code>
        <span className="muted small block mono">{job.id}</span>
      </th>
      <td className="num">{job.attempts}</td>
      <td className="mono break small">{job.lastError ?? '—'}</td>
      <td>{formatDate(job.updatedAt)}</td>
      <td className="actions-cell">
        <Button
          small
          variant="secondary"
          busy={retry.isPending}
          onClick={() => retry.mutate()}
          data-testid={`job-retry-${job.id}`}
        >
          {t('admin.jobs.retry')}
        </Button>
        <ErrorAlert error={retry.error} />
      </td>
    </tr>
  );
}

/** Background jobs that ran out of attempts, with a way to retry them. */
export function JobsTab() {
  const { t } = useI18n();
  const jobs = useCursorList<Job>(['admin', 'jobs'], adminLists.jobs, { status: 'dead' });
  return (
    <Card testId="admin-jobs" title={t('admin.jobs.title')}>
      {jobs.isPending && <Loading />}
      <ErrorAlert error={jobs.error} />
      {jobs.isSuccess && jobs.items.length === 0 && <EmptyState title={t('admin.jobs.empty')} />}
      {jobs.items.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="admin-job-list">
            <thead>
              <tr>
                <th scope="col">{t('admin.jobs.kind')}</th>
                <th scope="col" className="num">
                  {t('deliveries.attempts')}
                </th>
                <th scope="col">{t('admin.jobs.lastError')}</th>
                <th scope="col">{t('admin.jobs.updated')}</th>
                <th scope="col">
                  <span className="sr-only">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.items.map((job) => (
                <JobRow key={job.id} job={job} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore list={jobs} />
    </Card>
  );
}
