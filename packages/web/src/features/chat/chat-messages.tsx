/** The message list of a chat panel: groups, replies, reactions and in-place moderation. */
import type { ChatHistoryPage } from '@pnptv/protocol';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { useI18n } from '../../app/i18n-context.tsx';
import { Button } from '../../app/ui.tsx';
import { ConfirmButton } from '../../app/ui-confirm.tsx';
import { type ChatItem, type ChatRole, groupMessages, reactionList, relativeTime } from './chat.model.ts';
import type { RealtimeConnection } from './chat.realtime.ts';
import type { ChatAction, ChatState } from './chat.state.ts';
import { type Refusal, RoleBadge } from './chat-labels.tsx';

/** Emoji offered for message reactions. */
const MESSAGE_EMOJI = ['👍', '❤️', '😂', '😮', '🔥', '👏'] as const;
/** Length of the moderator's quick timeout, seconds. */
const TIMEOUT_S = 5 * 60;
/** Messages older than this cannot be edited any more (the server enforces it too). */
const EDIT_WINDOW_MS = 15 * 60_000;

export function MessageList({
  connection,
  channel,
  state,
  dispatch,
  now,
  selfId,
  moderator,
  roles,
  act,
  setNotice,
  onReply,
  onEdit,
}: {
  connection: RealtimeConnection;
  channel: string;
  state: ChatState;
  dispatch: (action: ChatAction) => void;
  now: number;
  selfId: string | null;
  moderator: boolean;
  roles: Map<string, ChatRole>;
  act: (run: () => Promise<unknown>) => Promise<void>;
  setNotice: (notice: Refusal | null) => void;
  onReply: (target: ChatItem) => void;
  onEdit: (target: ChatItem) => void;
}) {
  const { t, locale, formatDate } = useI18n();
  const listRef = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const prependFrom = useRef<number | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const groups = groupMessages(state.messages);

  const loadOlder = useCallback(async () => {
    if (!state.olderCursor || loadingOlder) return;
    setLoadingOlder(true);
    prependFrom.current = listRef.current?.scrollHeight ?? null;
    try {
      const res = await connection.request<{ history: ChatHistoryPage }>('history', {
        channel,
        cursor: state.olderCursor,
        limit: 50,
      });
      dispatch({ type: 'older', items: res.history.items, nextCursor: res.history.nextCursor });
    } catch {
      prependFrom.current = null;
    } finally {
      setLoadingOlder(false);
    }
  }, [connection, channel, state.olderCursor, loadingOlder, dispatch]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs after every change of the message list.
  useLayoutEffect(() => {
    const list = listRef.current;
    if (!list) return;
    if (prependFrom.current !== null) {
      list.scrollTop += list.scrollHeight - prependFrom.current;
      prependFrom.current = null;
    } else if (stick.current) {
      list.scrollTop = list.scrollHeight;
    }
  }, [state.messages]);

  const onScroll = () => {
    const list = listRef.current;
    if (!list) return;
    stick.current = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    if (list.scrollTop < 40) void loadOlder();
  };

  return (
    <div
      className="chat-messages"
      ref={listRef}
      onScroll={onScroll}
      data-testid="chat-messages"
      role="log"
      aria-live="polite"
      aria-label={t('chat.messagesLabel')}
    >
      {state.olderCursor && (
        <div className="chat-older">
          <Button
            variant="ghost"
            small
            busy={loadingOlder}
            onClick={() => void loadOlder()}
            data-testid="chat-older"
          >
            {t('chat.older')}
          </Button>
        </div>
      )}
      {state.phase === 'joined' && state.messages.length === 0 && (
        <p className="muted chat-empty" data-testid="chat-empty">
          {t('chat.empty')}
        </p>
      )}
      {groups.map((group) => {
        const first = group.items[0];
        const role = roles.get(group.author.id);
        return (
          <article className="chat-group" key={group.key} data-testid="chat-group">
            {first?.replyTo && (
              <p className="chat-reply-context" data-testid="chat-reply-context">
                <span aria-hidden="true">↪ </span>
                <span className="chat-reply-author">{first.replyTo.authorName}</span>
                <span className="chat-reply-excerpt">{first.replyTo.excerpt}</span>
              </p>
            )}
            <header className="chat-group-header">
              <span className="chat-author" data-testid="chat-author">
                {group.author.name}
              </span>
              <RoleBadge role={role} />
              {group.author.id === selfId && <span className="muted small">{t('chat.you')}</span>}
              {first && (
                <time className="muted small" dateTime={first.createdAt} title={formatDate(first.createdAt)}>
                  {relativeTime(first.createdAt, now, locale)}
                </time>
              )}
            </header>
            <ul className="chat-group-items">
              {group.items.map((item) => (
                <MessageRow
                  key={item.id}
                  item={item}
                  mine={state.mine.get(item.id)}
                  own={item.author.id === selfId}
                  moderator={moderator}
                  now={now}
                  onReply={() => onReply(item)}
                  onEdit={() => onEdit(item)}
                  onReact={(emoji, on) =>
                    act(async () => {
                      dispatch({ type: 'reacted', messageId: item.id, emoji, on });
                      try {
                        const res = await connection.request<{ reactions?: Record<string, number> }>(
                          on ? 'reaction.add' : 'reaction.remove',
                          { channel, messageId: item.id, emoji },
                        );
                        if (res.reactions)
                          dispatch({
                            type: 'reacted',
                            messageId: item.id,
                            emoji,
                            on,
                            reactions: res.reactions,
                          });
                      } catch (error) {
                        dispatch({ type: 'reacted', messageId: item.id, emoji, on: !on });
                        throw error;
                      }
                    })
                  }
                  onDelete={() =>
                    act(async () => {
                      await connection.request('message.delete', { channel, messageId: item.id });
                      dispatch({ type: 'removed', messageId: item.id });
                    })
                  }
                  onTimeout={() =>
                    act(() =>
                      connection.request('moderation.timeout', {
                        channel,
                        userId: item.author.id,
                        durationS: TIMEOUT_S,
                      }),
                    )
                  }
                  onBan={() =>
                    act(() => connection.request('moderation.ban', { channel, userId: item.author.id }))
                  }
                  onReport={(reason) =>
                    act(async () => {
                      await connection.request('report', { channel, messageId: item.id, reason });
                      setNotice({ code: 'REPORTED', message: t('chat.report.sent'), info: true });
                    })
                  }
                />
              ))}
            </ul>
          </article>
        );
      })}
    </div>
  );
}

function MessageRow({
  item,
  mine,
  own,
  moderator,
  now,
  onReply,
  onEdit,
  onReact,
  onDelete,
  onTimeout,
  onBan,
  onReport,
}: {
  item: ChatItem;
  mine: Set<string> | undefined;
  own: boolean;
  moderator: boolean;
  now: number;
  onReply: () => void;
  onEdit: () => void;
  onReact: (emoji: string, on: boolean) => void;
  onDelete: () => void;
  onTimeout: () => void;
  onBan: () => void;
  onReport: (reason: string) => void;
}) {
  const { t } = useI18n();
  const [picking, setPicking] = useState(false);
  const [reporting, setReporting] = useState(false);
  const [reason, setReason] = useState('');
  const reactions = reactionList(item.reactions, mine ?? new Set());
  const editable = own && now - Date.parse(item.createdAt) < EDIT_WINDOW_MS;
  return (
    <li
      className="chat-message"
      data-testid="chat-message"
      data-message-id={item.id}
      data-author-id={item.author.id}
    >
      <div className="chat-line">
        <p className="chat-text" data-testid="chat-message-text">
          {item.text}
        </p>
        {item.editedAt && <span className="muted small chat-edited">{t('chat.edited')}</span>}
      </div>
      {reactions.length > 0 && (
        <ul className="chat-reactions" aria-label={t('chat.reactionsLabel')}>
          {reactions.map((r) => (
            <li key={r.emoji}>
              <button
                type="button"
                className={`chat-reaction${r.mine ? ' chat-reaction-mine' : ''}`}
                aria-pressed={r.mine}
                onClick={() => onReact(r.emoji, !r.mine)}
                data-testid="chat-reaction"
              >
                <span>{r.emoji}</span> <span className="chat-reaction-count">{r.count}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <fieldset className="chat-actions chat-fieldset" aria-label={t('chat.actionsLabel')}>
        <button type="button" className="chat-action" onClick={onReply} data-testid="chat-reply">
          {t('chat.reply')}
        </button>
        <button
          type="button"
          className="chat-action"
          aria-expanded={picking}
          onClick={() => setPicking((v) => !v)}
          data-testid="chat-react"
        >
          {t('chat.react')}
        </button>
        {editable && (
          <button type="button" className="chat-action" onClick={onEdit} data-testid="chat-edit">
            {t('chat.edit')}
          </button>
        )}
        {(own || moderator) && (
          <button
            type="button"
            className="chat-action chat-action-danger"
            onClick={onDelete}
            data-testid="chat-delete"
          >
            {t('chat.delete')}
          </button>
        )}
        {!own && (
          <button
            type="button"
            className="chat-action"
            aria-expanded={reporting}
            onClick={() => setReporting((v) => !v)}
            data-testid="chat-report"
          >
            {t('chat.report')}
          </button>
        )}
        {moderator && !own && (
          <>
            <button
              type="button"
              className="chat-action chat-action-danger"
              onClick={onTimeout}
              data-testid="chat-timeout"
            >
              {t('chat.mod.timeout')}
            </button>
            <ConfirmButton
              label={t('chat.mod.ban')}
              question={t('chat.mod.banQuestion', { name: item.author.name })}
              confirmLabel={t('chat.mod.banConfirm')}
              onConfirm={onBan}
              testId="chat-ban"
            />
          </>
        )}
      </fieldset>
      {reporting && (
        <form
          className="chat-report-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (!reason.trim()) return;
            onReport(reason.trim());
            setReporting(false);
            setReason('');
          }}
          data-testid="chat-report-form"
        >
          <label className="sr-only" htmlFor={`chat-report-${item.id}`}>
            {t('chat.report.reason')}
          </label>
          <input
            id={`chat-report-${item.id}`}
            className="chat-report-input"
            value={reason}
            maxLength={500}
            placeholder={t('chat.report.reason')}
            onChange={(event) => setReason(event.target.value)}
            data-testid="chat-report-reason"
          />
          <Button
            type="submit"
            small
            variant="secondary"
            disabled={!reason.trim()}
            data-testid="chat-report-send"
          >
            {t('chat.report.send')}
          </Button>
        </form>
      )}
      {picking && (
        <fieldset className="chat-picker chat-fieldset" aria-label={t('chat.react')}>
          {MESSAGE_EMOJI.map((emoji) => (
            <button
              key={emoji}
              type="button"
              className="chat-picker-emoji"
              onClick={() => {
                setPicking(false);
                onReact(emoji, !mine?.has(emoji));
              }}
              data-testid="chat-picker-emoji"
            >
              {emoji}
            </button>
          ))}
        </fieldset>
      )}
    </li>
  );
}
