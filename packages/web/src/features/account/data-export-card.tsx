import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/api-context.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { Badge, Button, Card, ErrorAlert } from '../../app/ui.tsx';
import { accountApi, accountKeys, type DataExport, exportDownloadUrl } from './account.api.ts';
import './account.css';

/** How often the card asks for progress while an export is being built, ms. */
const POLL_MS = 1000;

function isBusy(item: DataExport | undefined): boolean {
  return item?.status === 'queued' || item?.status === 'running';
}

/** "Your data": ask for an export of everything the member owns, follow its progress, download it. */
export function DataExportCard() {
  const { t, formatDate } = useI18n();
  const api = useApi();
  const queryClient = useQueryClient();
  const exports = useQuery({
    queryKey: accountKeys.exports,
    queryFn: () => accountApi.exports(api),
    refetchInterval: (q) => (isBusy(q.state.data?.items[0]) ? POLL_MS : false),
  });
  const request = useMutation({
    mutationFn: () => accountApi.requestExport(api),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accountKeys.exports }),
  });
  const latest = exports.data?.items[0];
  const busy = isBusy(latest);

  return (
    <Card title={t('account.export.title')} testId="export-card">
      <p className="muted">{t('account.export.hint')}</p>
      <ErrorAlert error={exports.error ?? request.error} testId="export-error" />
      {latest && (
        <div className="stack-sm" data-testid="export-latest" data-status={latest.status}>
          <p>
            <Badge
              tone={latest.status === 'ready' ? 'success' : latest.status === 'failed' ? 'danger' : 'info'}
            >
              {t(`account.export.status.${latest.status}`)}
            </Badge>{' '}
            <span className="muted">{formatDate(latest.createdAt)}</span>
          </p>
          {busy && (
            <progress
              className="account-progress"
              max={100}
              value={latest.progress}
              aria-label={t('account.export.progress')}
              data-testid="export-progress"
            />
          )}
          {latest.status === 'ready' && (
            <p>
              <a
                className="btn btn-secondary"
                href={exportDownloadUrl(latest.id)}
                download
                data-testid="export-download"
              >
                {t('account.export.download')}
              </a>{' '}
              <span className="muted">
                {t('account.export.until', { date: formatDate(latest.expiresAt) })}
              </span>
            </p>
          )}
        </div>
      )}
      <div className="form-actions">
        <Button
          onClick={() => request.mutate()}
          busy={request.isPending}
          disabled={busy}
          variant={latest ? 'secondary' : 'primary'}
          data-testid="export-request"
        >
          {latest ? t('account.export.again') : t('account.export.request')}
        </Button>
      </div>
    </Card>
  );
}
