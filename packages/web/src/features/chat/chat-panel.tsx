import type { ChatHistoryPage } from '@pnptv/protocol';
import { useCallback, useEffect, useId, useReducer, useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { useI18n } from '../../app/i18n-context.tsx';
import { loginPath } from '../../app/navigation.ts';
import { useSession } from '../../app/session.tsx';
import { Badge } from '../../app/ui.tsx';
import { ConfirmButton } from '../../app/ui-confirm.tsx';
import { useConnectionStatus, useRealtimeConnection } from './chat.hooks.ts';
import { type ChatItem, isPlatformModerator, type PresenceMember, typingNames } from './chat.model.ts';
import { type ChatState, chatReducer, initialChatState } from './chat.state.ts';
import { Composer, LiveReactionBar, TypingIndicator } from './chat-composer.tsx';
import { FloatingReactions } from './chat-floating.tsx';
import { type Refusal, RoleBadge, useRefusalText } from './chat-labels.tsx';
import { MessageList } from './chat-messages.tsx';
import './chat.css';

/** Slow-mode settings a moderator picks from, seconds (0 = off). */
const SLOW_MODE_CHOICES = [0, 5, 15, 30, 60, 120];

/** Props of the chat panel: the channel it shows (`stream:<id>`, `community`, …). */
export interface ChatPanelProps {
  channel: string;
  /** Extra class on the panel (layout by the page that holds it). */
  className?: string;
  /** How a moderator's "clear chat" is carried out; by default the gateway's `moderation.clear`. */
  onClear?: () => Promise<unknown>;
}

/** Live chat for one channel: history, composer, reactions, moderation, typing and presence. */
export function ChatPanel({ channel, className, onClear }: ChatPanelProps) {
  const { status, user } = useSession();
  const { t } = useI18n();
  const location = useLocation();
  // Keeps the tab's connection in step with the session: logging out closes it.
  useRealtimeConnection();
  if (status === 'loading') return <section className={`chat-panel ${className ?? ''}`} aria-busy="true" />;
  if (!user) {
    return (
      <section className={`chat-panel chat-panel-anonymous ${className ?? ''}`} data-testid="chat-panel">
        <p className="muted">{t('chat.loginToChat')}</p>
        <Link
          to={loginPath(`${location.pathname}${location.search}`)}
          className="btn btn-primary btn-small"
          data-testid="chat-login"
        >
          {t('nav.login')}
        </Link>
      </section>
    );
  }
  return <LiveChat key={`${user.id}|${channel}`} channel={channel} className={className} onClear={onClear} />;
}

function LiveChat({ channel, className, onClear }: ChatPanelProps) {
  const { user } = useSession();
  const { t } = useI18n();
  const connection = useRealtimeConnection();
  const { status, refusal: connectionRefusal } = useConnectionStatus(connection);
  const [state, dispatch] = useReducer(chatReducer, undefined, initialChatState);
  const [now, setNow] = useState(() => Date.now());
  const [notice, setNotice] = useState<Refusal | null>(null);
  const [mode, setMode] = useState<{ kind: 'reply' | 'edit'; target: ChatItem } | null>(null);
  const refusalText = useRefusalText();
  const selfId = user?.id ?? null;

  useEffect(() => {
    if (!connection) return;
    return connection.subscribe(channel, {
      onJoined: (result) => {
        dispatch({ type: 'joined', result });
        if (!result)
          connection
            .request<{ history: ChatHistoryPage }>('history', { channel, limit: 50 })
            .then((res) =>
              dispatch({ type: 'history', items: res.history.items, nextCursor: res.history.nextCursor }),
            )
            .catch(() => {});
      },
      onRefused: (error) => dispatch({ type: 'refused', code: error.code }),
      onEvents: (events) => dispatch({ type: 'events', events, selfId, now: Date.now() }),
    });
  }, [connection, channel, selfId]);

  useEffect(() => {
    const timer = setInterval(() => {
      const current = Date.now();
      setNow(current);
      dispatch({ type: 'tick', now: current });
    }, 1_000);
    return () => clearInterval(timer);
  }, []);

  const moderator =
    state.role === 'owner' || state.role === 'moderator' || isPlatformModerator(user?.role ?? null);
  const roles = new Map(state.members.map((m) => [m.id, m.role]));

  const act = useCallback(
    async (run: () => Promise<unknown>) => {
      setNotice(null);
      try {
        await run();
      } catch (error) {
        setNotice(refusalText(error));
      }
    },
    [refusalText],
  );

  if (!connection) return null;

  return (
    <section className={`chat-panel ${className ?? ''}`} data-testid="chat-panel" data-channel={channel}>
      <ChatHeader
        state={state}
        status={status}
        connectionRefusal={connectionRefusal}
        moderator={moderator}
        onSlowMode={(seconds) => act(() => connection.request('moderation.slowmode', { channel, seconds }))}
        onClear={() => act(() => (onClear ? onClear() : connection.request('moderation.clear', { channel })))}
      />
      <PresenceList members={state.members} counts={state.counts} />
      <div className="chat-body">
        <MessageList
          connection={connection}
          channel={channel}
          state={state}
          dispatch={dispatch}
          now={now}
          selfId={selfId}
          moderator={moderator}
          roles={roles}
          act={act}
          setNotice={setNotice}
          onReply={(target) => setMode({ kind: 'reply', target })}
          onEdit={(target) => setMode({ kind: 'edit', target })}
        />
        <FloatingReactions state={state} />
      </div>
      {notice && (
        <p
          className={`chat-notice${notice.info ? ' chat-notice-info' : ''}`}
          role={notice.info ? 'status' : 'alert'}
          data-testid="chat-notice"
          data-code={notice.code}
        >
          {notice.message}
          <button
            type="button"
            className="chat-notice-close"
            onClick={() => setNotice(null)}
            aria-label={t('chat.dismiss')}
          >
            ×
          </button>
        </p>
      )}
      <TypingIndicator names={typingNames(state.typing, selfId, now)} />
      <LiveReactionBar onReact={(emoji) => connection.emit('live.react', { channel, emoji })} />
      <Composer
        connection={connection}
        channel={channel}
        state={state}
        dispatch={dispatch}
        mode={mode}
        onModeDone={() => setMode(null)}
      />
    </section>
  );
}

function ChatHeader({
  state,
  status,
  connectionRefusal,
  moderator,
  onClear,
  onSlowMode,
}: {
  state: ChatState;
  status: string;
  connectionRefusal: string | null;
  moderator: boolean;
  onClear: () => void;
  onSlowMode: (seconds: number) => void;
}) {
  const { t } = useI18n();
  const slowId = useId();
  const live = status === 'connected' && state.phase === 'joined';
  const shown = state.phase === 'refused' ? 'refused' : live ? 'live' : status;
  return (
    <header className="chat-header">
      <h2 className="chat-title">{t('chat.title')}</h2>
      <span className={`chat-status chat-status-${shown}`} data-testid="chat-status" data-status={shown}>
        {state.phase === 'refused'
          ? t('chat.status.removed')
          : live
            ? t('chat.status.live')
            : connectionRefusal
              ? t('chat.status.refused')
              : status === 'connected'
                ? t('chat.status.joining')
                : t('chat.status.connecting')}
      </span>
      {state.slowModeS > 0 && (
        <Badge tone="info" testId="chat-slowmode">
          {t('chat.slowMode', { seconds: state.slowModeS })}
        </Badge>
      )}
      {moderator && (
        <div className="chat-header-tools">
          <label htmlFor={slowId} className="sr-only">
            {t('chat.mod.slowMode')}
          </label>
          <select
            id={slowId}
            className="chat-slowmode-select"
            value={SLOW_MODE_CHOICES.includes(state.slowModeS) ? state.slowModeS : ''}
            onChange={(event) => onSlowMode(Number(event.target.value))}
            data-testid="chat-slowmode-select"
          >
            {!SLOW_MODE_CHOICES.includes(state.slowModeS) && (
              <option value="">{t('chat.slowMode', { seconds: state.slowModeS })}</option>
            )}
            {SLOW_MODE_CHOICES.map((seconds) => (
              <option key={seconds} value={seconds}>
                {seconds === 0 ? t('chat.mod.slowModeOff') : t('chat.slowMode', { seconds })}
              </option>
            ))}
          </select>
          <ConfirmButton
            label={t('chat.mod.clear')}
            question={t('chat.mod.clearQuestion')}
            confirmLabel={t('chat.mod.clearConfirm')}
            onConfirm={onClear}
            testId="chat-clear"
            variant="ghost"
          />
        </div>
      )}
    </header>
  );
}

function PresenceList({ members, counts }: { members: PresenceMember[]; counts: ChatState['counts'] }) {
  const { t } = useI18n();
  const total = counts?.total ?? members.length;
  const staff = (counts?.moderators ?? 0) + (counts?.owners ?? 0);
  return (
    <details className="chat-presence" data-testid="chat-presence">
      <summary>
        <span data-testid="chat-presence-total">{t('chat.presence.summary', { count: total })}</span>
        {staff > 0 && <span className="muted small"> · {t('chat.presence.staff', { count: staff })}</span>}
      </summary>
      {counts && (
        <p className="muted small chat-presence-counts">
          {t('chat.presence.counts', {
            members: counts.members,
            guests: counts.guests,
            moderators: staff,
          })}
        </p>
      )}
      <ul className="chat-presence-list">
        {members.map((member) => (
          <li key={member.id} data-testid="chat-presence-member">
            <span className="chat-presence-name">{member.name}</span> <RoleBadge role={member.role} />
          </li>
        ))}
      </ul>
      {members.length === 0 && <p className="muted small">{t('chat.presence.empty')}</p>}
    </details>
  );
}
