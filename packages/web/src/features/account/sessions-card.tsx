import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/api-context.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { useSession } from '../../app/session.tsx';
import { Badge, Card, ErrorAlert, Loading, Notice } from '../../app/ui.tsx';
import { ConfirmButton } from '../../app/ui-confirm.tsx';
import { accountApi, accountKeys, type SessionItem } from './account.api.ts';

function deviceLabel(session: SessionItem, unknown: string): string {
  const { browser, os } = session.device;
  if (browser && os) return `${browser} · ${os}`;
  return browser ?? os ?? unknown;
}

/** The member's active sessions: where and when, "this device" marked; sign out one or all others. */
export function SessionsCard() {
  const { t, formatDate } = useI18n();
  const api = useApi();
  const { setSession } = useSession();
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: accountKeys.sessions, queryFn: () => accountApi.sessions(api) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: accountKeys.sessions });
  const revoke = useMutation({
    mutationFn: (session: SessionItem) => accountApi.revokeSession(api, session.id),
    onSuccess: (_data, session) => (session.current ? setSession(null) : refresh()),
  });
  const revokeOthers = useMutation({ mutationFn: () => accountApi.revokeOthers(api), onSuccess: refresh });
  const items = sessions.data?.items ?? [];

  return (
    <Card
      title={t('account.sessions.title')}
      testId="sessions-card"
      actions={
        items.length > 1 ? (
          <ConfirmButton
            label={t('account.sessions.revokeOthers')}
            question={t('account.sessions.revokeOthersQuestion')}
            confirmLabel={t('account.sessions.revokeOthers')}
            busy={revokeOthers.isPending}
            onConfirm={() => revokeOthers.mutate()}
            testId="sessions-revoke-others"
          />
        ) : null
      }
    >
      <p className="muted">{t('account.sessions.hint')}</p>
      {sessions.isPending && <Loading />}
      <ErrorAlert error={sessions.error ?? revoke.error ?? revokeOthers.error} testId="sessions-error" />
      {revokeOthers.data && (
        <Notice testId="sessions-revoked">
          {t('account.sessions.revoked', { count: revokeOthers.data.revoked })}
        </Notice>
      )}
      <ul className="list" data-testid="sessions-list">
        {items.map((session) => (
          <li key={session.id} className="list-row" data-testid="session-row" data-current={session.current}>
            <div className="stack-sm">
              <strong>
                {deviceLabel(session, t('account.sessions.unknownDevice'))}{' '}
                {session.current && (
                  <Badge tone="success" testId="session-current">
                    {t('account.sessions.thisDevice')}
                  </Badge>
                )}
              </strong>
              <span className="muted">
                {t('account.sessions.facts', {
                  ip: session.ip ?? '—',
                  created: formatDate(session.createdAt),
                  seen: formatDate(session.lastSeenAt),
                })}
              </span>
            </div>
            <ConfirmButton
              label={session.current ? t('account.sessions.signOutHere') : t('account.sessions.revoke')}
              question={t('account.sessions.revokeQuestion')}
              confirmLabel={t('account.sessions.revoke')}
              busy={revoke.isPending && revoke.variables?.id === session.id}
              onConfirm={() => revoke.mutate(session)}
              testId="session-revoke"
            />
          </li>
        ))}
      </ul>
    </Card>
  );
}
