import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Outlet } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { LoadMore, useCursorList } from '../../app/lists.tsx';
import { useSession } from '../../app/session.tsx';
import {
  Badge,
  Button,
  Card,
  EmptyState,
  ErrorAlert,
  Loading,
  PageHeader,
  TextField,
} from '../../app/ui.tsx';
import { TabNav } from '../../app/ui-tabs.tsx';
import { useDebounced } from '../../app/use-debounced.ts';
import { isPlatformModerator } from './chat.model.ts';
import {
  ADMIN_LOG_PATH,
  ADMIN_REPORTS_PATH,
  type ChatReport,
  filterLog,
  MODERATION_ACTIONS,
  type ModerationLogEntry,
} from './community.api.ts';
import './chat.css';

/** The moderation area (moderators and admins): the moderation log and the reports queue. */
export function ModerationPage() {
  const { t } = useI18n();
  const { user } = useSession();
  useDocumentTitle(t('moderation.title'));
  if (!isPlatformModerator(user?.role)) {
    return (
      <EmptyState title={t('moderation.forbidden')} testId="moderation-forbidden">
        <p className="muted">{t('moderation.forbiddenHint')}</p>
      </EmptyState>
    );
  }
  const tabs = [
    { to: '/moderation', label: t('moderation.tab.log'), testId: 'moderation-tab-log', end: true },
  ];
  if (user?.role === 'admin')
    tabs.push({
      to: '/moderation/reports',
      label: t('moderation.tab.reports'),
      testId: 'moderation-tab-reports',
      end: false,
    });
  return (
    <div className="page" data-testid="moderation-page">
      <PageHeader title={t('moderation.title')} subtitle={t('moderation.subtitle')} />
      <TabNav items={tabs} label={t('moderation.tabsLabel')} />
      <Outlet />
    </div>
  );
}

/** The moderation log, filtered by channel (on the server), actor and action. */
export function ModerationLogTab() {
  const { t, formatDate } = useI18n();
  const [channel, setChannel] = useState('');
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const actionId = useId();
  const wantedChannel = useDebounced(channel.trim(), 300);
  const entries = useCursorList<ModerationLogEntry>(['moderation', 'log', wantedChannel], ADMIN_LOG_PATH, {
    channel: wantedChannel || undefined,
  });
  const shown = filterLog(entries.items, { actor, action });

  return (
    <Card title={t('moderation.log.title')} testId="moderation-log">
      <div className="filters">
        <TextField
          label={t('moderation.filter.channel')}
          value={channel}
          onChange={(event) => setChannel(event.target.value)}
          placeholder={t('moderation.filter.allChannels')}
          data-testid="moderation-filter-channel"
        />
        <TextField
          label={t('moderation.filter.actor')}
          value={actor}
          onChange={(event) => setActor(event.target.value)}
          data-testid="moderation-filter-actor"
        />
        <div className="field">
          <label htmlFor={actionId}>{t('moderation.filter.action')}</label>
          <select
            id={actionId}
            value={action}
            onChange={(event) => setAction(event.target.value)}
            data-testid="moderation-filter-action"
          >
            <option value="">{t('moderation.filter.anyAction')}</option>
            {MODERATION_ACTIONS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {entries.isPending && <Loading />}
      <ErrorAlert error={entries.error} />
      {entries.isSuccess && shown.length === 0 && <EmptyState title={t('moderation.log.empty')} />}
      {shown.length > 0 && (
        <div className="table-wrap">
          <table className="table table-compact" data-testid="moderation-log-list">
            <thead>
              <tr>
                <th scope="col">{t('moderation.log.when')}</th>
                <th scope="col">{t('moderation.log.action')}</th>
                <th scope="col">{t('moderation.log.channel')}</th>
                <th scope="col">{t('moderation.log.actor')}</th>
                <th scope="col">{t('moderation.log.target')}</th>
                <th scope="col">{t('moderation.log.details')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((entry) => (
                <tr key={entry.id} data-testid="moderation-log-row">
                  <td className="nowrap">{formatDate(entry.createdAt)}</td>
                  <th scope="row">
                    <code>{entry.action}</code>
                  </th>
                  <td className="mono small">{entry.channel}</td>
                  <td>
                    <span className="chat-presence-name">{entry.actorName || entry.actorId}</span>
                  </td>
                  <td className="mono small">{entry.targetId ?? '—'}</td>
                  <td className="mono small">{entry.data ? JSON.stringify(entry.data) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore list={entries} />
    </Card>
  );
}

/** The admin queue of chat reports: resolve or dismiss each. */
export function ReportsTab() {
  const { t, formatDate } = useI18n();
  const api = useApi();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<ChatReport['status']>('open');
  const statusId = useId();
  const reports = useCursorList<ChatReport>(['moderation', 'reports', status], ADMIN_REPORTS_PATH, {
    status,
  });
  const resolve = useMutation({
    mutationFn: (input: { id: string; status: 'resolved' | 'dismissed' }) =>
      api.post(`${ADMIN_REPORTS_PATH}/${encodeURIComponent(input.id)}/resolve`, { status: input.status }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['moderation', 'reports'] }),
  });
  return (
    <Card title={t('moderation.reports.title')} testId="moderation-reports">
      <div className="filters">
        <div className="field">
          <label htmlFor={statusId}>{t('common.status')}</label>
          <select
            id={statusId}
            value={status}
            onChange={(event) => setStatus(event.target.value as ChatReport['status'])}
            data-testid="moderation-reports-status"
          >
            <option value="open">{t('moderation.reports.open')}</option>
            <option value="resolved">{t('moderation.reports.resolved')}</option>
            <option value="dismissed">{t('moderation.reports.dismissed')}</option>
          </select>
        </div>
      </div>
      <ErrorAlert error={resolve.error} />
      {reports.isPending && <Loading />}
      <ErrorAlert error={reports.error} />
      {reports.isSuccess && reports.items.length === 0 && (
        <EmptyState title={t('moderation.reports.empty')} />
      )}
      {reports.items.length > 0 && (
        <div className="table-wrap">
          <table className="table table-compact" data-testid="moderation-reports-list">
            <thead>
              <tr>
                <th scope="col">{t('moderation.log.when')}</th>
                <th scope="col">{t('moderation.log.channel')}</th>
                <th scope="col">{t('moderation.reports.reason')}</th>
                <th scope="col">{t('moderation.reports.message')}</th>
                <th scope="col">{t('common.status')}</th>
                {status === 'open' && <th scope="col">{t('common.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {reports.items.map((report) => (
                <tr key={report.id} data-testid="moderation-report">
                  <td className="nowrap">{formatDate(report.createdAt)}</td>
                  <td className="mono small">{report.channel}</td>
                  <td className="chat-text">{report.reason}</td>
                  <td className="chat-text">{report.messageText ?? report.targetUserId ?? '—'}</td>
                  <td>
                    <Badge tone={report.status === 'open' ? 'warning' : 'neutral'}>
                      {t(`moderation.reports.${report.status}`)}
                    </Badge>
                  </td>
                  {status === 'open' && (
                    <td>
                      <div className="member-row-actions">
                        <Button
                          small
                          onClick={() => resolve.mutate({ id: report.id, status: 'resolved' })}
                          data-testid="moderation-report-resolve"
                        >
                          {t('moderation.reports.resolve')}
                        </Button>
                        <Button
                          small
                          variant="secondary"
                          onClick={() => resolve.mutate({ id: report.id, status: 'dismissed' })}
                          data-testid="moderation-report-dismiss"
                        >
                          {t('moderation.reports.dismiss')}
                        </Button>
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore list={reports} />
    </Card>
  );
}
