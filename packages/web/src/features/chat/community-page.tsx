import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Outlet, useOutletContext } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { useSession } from '../../app/session.tsx';
import { Badge, Button, Card, EmptyState, ErrorAlert, Loading, PageHeader } from '../../app/ui.tsx';
import { ConfirmButton } from '../../app/ui-confirm.tsx';
import { TabNav } from '../../app/ui-tabs.tsx';
import { useChannelEvents } from './chat.hooks.ts';
import { formatDuration, isPlatformModerator, utilisation } from './chat.model.ts';
import { RoleBadge } from './chat-labels.tsx';
import { ChatPanel } from './chat-panel.tsx';
import {
  applyMembersDiff,
  type CommunityJoin,
  type CommunityMember,
  type CommunityOccupancy,
  type CommunityStats,
  communityPaths,
  type LeaderboardEntry,
} from './community.api.ts';

/** The chat channel of the community room. */
export const COMMUNITY_CHANNEL = 'community';
/** Rows of the leaderboard. */
const LEADERBOARD_SIZE = 25;
/** How long a moderator's mute lasts, seconds. */
const MUTE_S = 10 * 60;

/** A seat is given back this long after the page closes, so a quick remount keeps it, ms. */
const LEAVE_DELAY_MS = 400;
let pendingLeave: ReturnType<typeof setTimeout> | null = null;

const KEYS = {
  occupancy: ['community', 'occupancy'] as const,
  stats: ['community', 'stats'] as const,
  leaderboard: ['community', 'leaderboard'] as const,
};

/** What the community room's tabs share. */
interface CommunityContext {
  occupancy: CommunityOccupancy | undefined;
  stats: CommunityStats | undefined;
  leaderboard: LeaderboardEntry[] | undefined;
  me: CommunityMember | null;
  moderator: boolean;
  loadError: unknown;
}

function useCommunity(): CommunityContext {
  return useOutletContext<CommunityContext>();
}

/**
 * The 24/7 community room: a seat is taken on open and given back on close; occupancy, stats
 * and the leaderboard arrive once by REST and then by push on the `community` channel.
 */
export function CommunityPage() {
  const { t } = useI18n();
  const api = useApi();
  const queryClient = useQueryClient();
  const { user } = useSession();
  useDocumentTitle(t('community.title'));

  const occupancy = useQuery({
    queryKey: KEYS.occupancy,
    queryFn: () => api.get<CommunityOccupancy>(communityPaths.occupancy),
  });
  const stats = useQuery({
    queryKey: KEYS.stats,
    queryFn: () => api.get<CommunityStats>(communityPaths.stats),
  });
  const leaderboard = useQuery({
    queryKey: KEYS.leaderboard,
    queryFn: () =>
      api.get<{ items: LeaderboardEntry[] }>(communityPaths.leaderboard, { limit: LEADERBOARD_SIZE }),
  });

  const join = useMutation({
    mutationFn: () => api.post<CommunityJoin>(communityPaths.join, {}),
    onSuccess: (res) => queryClient.setQueryData(KEYS.occupancy, res.occupancy),
  });
  const joinRef = useRef(join.mutate);
  joinRef.current = join.mutate;

  useEffect(() => {
    if (pendingLeave) clearTimeout(pendingLeave);
    pendingLeave = null;
    joinRef.current();
    // Closing the tab gives the seat back at once; the request outlives the page.
    const onPageHide = () => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (api.csrfToken) headers['x-csrf-token'] = api.csrfToken;
      void fetch(`/api/v1${communityPaths.leave}`, {
        method: 'POST',
        credentials: 'same-origin',
        keepalive: true,
        headers,
        body: '{}',
      }).catch(() => {});
    };
    window.addEventListener('pagehide', onPageHide);
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      pendingLeave = setTimeout(() => {
        pendingLeave = null;
        void api.post(communityPaths.leave, {}).catch(() => {});
      }, LEAVE_DELAY_MS);
    };
  }, [api]);

  useChannelEvents(COMMUNITY_CHANNEL, {
    any: (event) => {
      if (event.type === 'community.members')
        queryClient.setQueryData<CommunityOccupancy>(KEYS.occupancy, (current) =>
          current ? applyMembersDiff(current, event.data as Parameters<typeof applyMembersDiff>[1]) : current,
        );
      else if (event.type === 'community.stats')
        queryClient.setQueryData(KEYS.stats, event.data as CommunityStats);
      else if (event.type === 'community.leaderboard')
        queryClient.setQueryData(KEYS.leaderboard, event.data as { items: LeaderboardEntry[] });
    },
  });

  const me = join.data?.me ?? null;
  const moderator = me?.role === 'moderator' || isPlatformModerator(user?.role);
  const current = occupancy.data;
  const percent = current ? utilisation(current.activeUsers, current.maxCapacity) : 0;

  const context: CommunityContext = {
    occupancy: current,
    stats: stats.data,
    leaderboard: leaderboard.data?.items,
    me,
    moderator,
    loadError: occupancy.error ?? stats.error ?? leaderboard.error,
  };

  return (
    <div className="page" data-testid="community-page">
      <PageHeader
        title={t('community.title')}
        subtitle={t('community.subtitle')}
        actions={
          current && (
            <div className="community-occupancy" data-testid="community-occupancy">
              <Badge tone={percent >= 90 ? 'danger' : 'success'}>
                {t('community.occupancy', { active: current.activeUsers, capacity: current.maxCapacity })}
              </Badge>
            </div>
          )
        }
      />
      <section
        className="community-video-slot"
        aria-label={t('community.video.label')}
        data-testid="community-video-slot"
      >
        <strong>{t('community.video.title')}</strong>
        <span className="muted small">{t('community.video.body')}</span>
      </section>
      {join.isError && (
        <div className="community-occupancy">
          <ErrorAlert error={join.error} testId="community-join-error" />
          <Button
            variant="secondary"
            small
            onClick={() => join.mutate()}
            busy={join.isPending}
            data-testid="community-rejoin"
          >
            {t('community.rejoin')}
          </Button>
        </div>
      )}
      {me && (
        <p className="muted small" data-testid="community-me">
          {t('community.joinedAs', { name: me.name })} <RoleBadge role={me.role} />
          {me.muted && (
            <>
              {' '}
              <Badge tone="warning">{t('community.muted')}</Badge>
            </>
          )}
        </p>
      )}
      <TabNav
        label={t('community.tabsLabel')}
        items={[
          { to: '/community', label: t('community.tab.chat'), testId: 'community-tab-chat', end: true },
          {
            to: '/community/members',
            label: t('community.tab.members', { count: current?.activeUsers ?? 0 }),
            testId: 'community-tab-members',
          },
          { to: '/community/stats', label: t('community.tab.stats'), testId: 'community-tab-stats' },
          {
            to: '/community/leaderboard',
            label: t('community.tab.leaderboard'),
            testId: 'community-tab-leaderboard',
          },
        ]}
      />
      <Outlet context={context} />
    </div>
  );
}

/** Chat tab: the room's chat; a moderator's clear-chat goes through the room's API. */
export function CommunityChatTab() {
  const api = useApi();
  return (
    <div className="community-layout">
      <ChatPanel channel={COMMUNITY_CHANNEL} onClear={() => api.post(communityPaths.clearChat, {})} />
    </div>
  );
}

/** Members tab: who is in the room, with role badges; moderators mute and remove. */
export function CommunityMembersTab() {
  const { t, formatDate } = useI18n();
  const api = useApi();
  const { user } = useSession();
  const { occupancy, moderator, loadError } = useCommunity();
  const [done, setDone] = useState<string | null>(null);
  const act = useMutation({
    mutationFn: (input: { path: string; userId: string; durationS?: number }) =>
      api.post(input.path, {
        userId: input.userId,
        ...(input.durationS ? { durationS: input.durationS } : {}),
      }),
    onSuccess: (_res, input) => setDone(input.userId),
  });
  if (!occupancy) return loadError ? <ErrorAlert error={loadError} /> : <Loading />;
  return (
    <Card title={t('community.members.title', { count: occupancy.activeUsers })} testId="community-members">
      <ErrorAlert error={act.error} />
      {done && act.isSuccess && (
        <p className="muted small" role="status">
          {t('community.members.done')}
        </p>
      )}
      {occupancy.users.length === 0 ? (
        <EmptyState title={t('community.members.empty')} />
      ) : (
        <div className="table-wrap">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">{t('community.members.name')}</th>
                <th scope="col">{t('community.members.role')}</th>
                <th scope="col">{t('community.members.since')}</th>
                {moderator && <th scope="col">{t('common.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {occupancy.users.map((member) => (
                <tr key={member.id} data-testid="community-member" data-user-id={member.id}>
                  <th scope="row">
                    <span className="chat-presence-name">{member.name}</span>
                    {member.muted && (
                      <>
                        {' '}
                        <Badge tone="warning">{t('community.muted')}</Badge>
                      </>
                    )}
                  </th>
                  <td>
                    <RoleBadge role={member.role} />
                    {member.role === 'member' && <span className="muted small">{t('chat.role.member')}</span>}
                  </td>
                  <td className="nowrap">{formatDate(member.joinedAt)}</td>
                  {moderator && (
                    <td>
                      {member.id !== user?.id && (
                        <div className="member-row-actions">
                          <Button
                            variant="secondary"
                            small
                            onClick={() =>
                              act.mutate({ path: communityPaths.mute, userId: member.id, durationS: MUTE_S })
                            }
                            data-testid="community-mute"
                          >
                            {t('community.mute')}
                          </Button>
                          <ConfirmButton
                            label={t('community.remove')}
                            question={t('community.removeQuestion', { name: member.name })}
                            confirmLabel={t('community.removeConfirm')}
                            onConfirm={() => act.mutate({ path: communityPaths.remove, userId: member.id })}
                            testId="community-remove"
                          />
                        </div>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

/** Stats tab: active users, messages, roles, uptime and a utilisation bar. */
export function CommunityStatsTab() {
  const { t } = useI18n();
  const { stats, loadError } = useCommunity();
  if (!stats) return loadError ? <ErrorAlert error={loadError} /> : <Loading />;
  const percent = utilisation(stats.totalActiveUsers, stats.maxCapacity);
  const items: [string, string | number, string][] = [
    [t('community.stats.active'), stats.totalActiveUsers, 'active'],
    [t('community.stats.messages'), stats.messageCount, 'messages'],
    [t('community.stats.moderators'), stats.stats.moderators, 'moderators'],
    [t('community.stats.members'), stats.stats.members, 'members'],
    [t('community.stats.guests'), stats.stats.guests, 'guests'],
    [t('community.stats.uptime'), formatDuration(stats.uptimeS), 'uptime'],
  ];
  return (
    <Card title={t('community.stats.title')} testId="community-stats">
      <div className="stat-grid">
        {items.map(([label, value, id]) => (
          <div className="stat" key={id} data-testid={`community-stat-${id}`}>
            <span className="muted small">{label}</span>
            <span className="stat-value">{value}</span>
          </div>
        ))}
      </div>
      <div>
        <p className="small" id="community-utilisation-label">
          {t('community.stats.utilisation', {
            percent,
            active: stats.totalActiveUsers,
            capacity: stats.maxCapacity,
          })}
        </p>
        <div className="meter" aria-hidden="true" data-percent={percent} data-testid="community-utilisation">
          <div className="meter-fill" style={{ width: `${Math.max(percent, percent > 0 ? 1 : 0)}%` }} />
        </div>
      </div>
    </Card>
  );
}

/** Leaderboard tab: the most time spent in the room. */
export function CommunityLeaderboardTab() {
  const { t } = useI18n();
  const { leaderboard, loadError } = useCommunity();
  if (!leaderboard) return loadError ? <ErrorAlert error={loadError} /> : <Loading />;
  return (
    <Card title={t('community.leaderboard.title')} testId="community-leaderboard">
      {leaderboard.length === 0 ? (
        <EmptyState title={t('community.leaderboard.empty')} />
      ) : (
        <div className="table-wrap">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('community.members.name')}</th>
                <th scope="col">{t('community.leaderboard.time')}</th>
              </tr>
            </thead>
            <tbody>
              {leaderboard.map((entry) => (
                <tr key={entry.userId} data-testid="community-leader">
                  <td>{entry.rank}</td>
                  <th scope="row">
                    <span className="chat-presence-name">{entry.name}</span>
                  </th>
                  <td>{formatDuration(entry.seconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
