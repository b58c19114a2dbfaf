import { CHAT_MAX_LENGTH } from '@pnptv/protocol';
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useI18n } from '../../app/i18n-context.tsx';
import { Button } from '../../app/ui.tsx';
import { type ChatItem, charactersLeft } from './chat.model.ts';
import { ChatRequestError, type RealtimeConnection } from './chat.realtime.ts';
import type { ChatAction, ChatState } from './chat.state.ts';
import { type Refusal, useRefusalText } from './chat-labels.tsx';

/** Emoji of the floating live reactions. */
const LIVE_EMOJI = ['❤️', '🔥', '😂', '👏', '😮', '🎉'] as const;
/** Minimum pause between two typing notices, ms. */
const TYPING_EVERY_MS = 2_000;

export function LiveReactionBar({ onReact }: { onReact: (emoji: string) => void }) {
  const { t } = useI18n();
  return (
    <fieldset className="chat-live-bar chat-fieldset" aria-label={t('chat.liveReactionsLabel')}>
      {LIVE_EMOJI.map((emoji) => (
        <button
          key={emoji}
          type="button"
          className="chat-live-emoji"
          onClick={() => onReact(emoji)}
          title={t('chat.sendLiveReaction')}
          data-testid="chat-live-react"
        >
          {emoji}
        </button>
      ))}
    </fieldset>
  );
}

export function TypingIndicator({ names }: { names: string[] }) {
  const { t } = useI18n();
  return (
    <p className="chat-typing muted small" data-testid="chat-typing" aria-live="polite">
      {names.length === 1 && t('chat.typing.one', { name: names[0] ?? '' })}
      {names.length === 2 && t('chat.typing.two', { a: names[0] ?? '', b: names[1] ?? '' })}
      {names.length > 2 && t('chat.typing.many')}
    </p>
  );
}

export function Composer({
  connection,
  channel,
  state,
  dispatch,
  mode,
  onModeDone,
}: {
  connection: RealtimeConnection;
  channel: string;
  state: ChatState;
  dispatch: (action: ChatAction) => void;
  mode: { kind: 'reply' | 'edit'; target: ChatItem } | null;
  onModeDone: () => void;
}) {
  const { t, locale } = useI18n();
  const refusalText = useRefusalText();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const lastTyping = useRef(0);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const left = charactersLeft(text);

  useEffect(() => {
    if (!mode) return;
    if (mode.kind === 'edit') setText(mode.target.text);
    inputRef.current?.focus();
  }, [mode]);

  const blocked: Refusal | null =
    state.phase === 'refused'
      ? {
          code: state.refusal ?? 'CHAT_FORBIDDEN',
          message: refusalText(new ChatRequestError(state.refusal ?? 'CHAT_FORBIDDEN', '')).message,
        }
      : state.mutedUntil
        ? {
            code: 'CHAT_TIMED_OUT',
            message: t('chat.refusal.timedOutUntil', {
              time: new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(
                new Date(state.mutedUntil),
              ),
            }),
          }
        : null;

  async function send(event?: FormEvent) {
    event?.preventDefault();
    const body = text.trim();
    if (!body || left < 0 || busy || blocked) return;
    setBusy(true);
    setRefusal(null);
    try {
      if (mode?.kind === 'edit') {
        const res = await connection.request<{ message: ChatItem }>('message.edit', {
          channel,
          messageId: mode.target.id,
          text: body,
        });
        dispatch({ type: 'sent', message: res.message });
      } else {
        const payload: Record<string, string> = { channel, text: body };
        if (mode?.kind === 'reply') payload.replyTo = mode.target.id;
        const res = await connection.request<{ message: ChatItem }>('message.send', payload);
        dispatch({ type: 'sent', message: res.message });
      }
      setText('');
      onModeDone();
    } catch (error) {
      const shown = refusalText(error);
      setRefusal(shown);
      if (shown.code === 'CHAT_BANNED') dispatch({ type: 'refused', code: shown.code });
    } finally {
      setBusy(false);
      inputRef.current?.focus();
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    } else if (event.key === 'Escape' && mode) {
      if (mode.kind === 'edit') setText('');
      onModeDone();
    }
  }

  function onChange(value: string) {
    setText(value);
    if (refusal && refusal.code !== 'CHAT_TIMED_OUT') setRefusal(null);
    const current = Date.now();
    if (value.trim() && current - lastTyping.current > TYPING_EVERY_MS) {
      lastTyping.current = current;
      connection.emit('typing', { channel });
    }
  }

  const shown = blocked ?? refusal;
  return (
    <form
      className="chat-composer"
      onSubmit={send}
      data-testid="chat-composer"
      data-blocked={blocked ? 'true' : 'false'}
    >
      {mode && (
        <div className="chat-composer-mode" data-testid="chat-composer-mode">
          <span className="muted small">
            {mode.kind === 'reply'
              ? t('chat.replyingTo', { name: mode.target.author.name })
              : t('chat.editing')}
          </span>
          <button
            type="button"
            className="chat-action"
            onClick={() => {
              if (mode.kind === 'edit') setText('');
              onModeDone();
            }}
          >
            {t('common.cancel')}
          </button>
        </div>
      )}
      {shown && (
        <p className="chat-refusal" role="alert" data-testid="chat-composer-refusal" data-code={shown.code}>
          {shown.message}
        </p>
      )}
      <div className="chat-composer-row">
        <label htmlFor={`chat-input-${channel}`} className="sr-only">
          {t('chat.inputLabel')}
        </label>
        <textarea
          id={`chat-input-${channel}`}
          ref={inputRef}
          className="chat-input"
          rows={1}
          value={text}
          placeholder={blocked ? '' : t('chat.placeholder')}
          disabled={blocked !== null}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={onKeyDown}
          maxLength={CHAT_MAX_LENGTH * 2}
          data-testid="chat-input"
        />
        <Button
          type="submit"
          small
          busy={busy}
          disabled={blocked !== null || !text.trim() || left < 0}
          data-testid="chat-send"
        >
          {mode?.kind === 'edit' ? t('common.save') : t('chat.send')}
        </Button>
      </div>
      <p className={`chat-counter small${left < 0 ? ' chat-counter-over' : ''}`} data-testid="chat-counter">
        {t('chat.counter', { used: CHAT_MAX_LENGTH - left, max: CHAT_MAX_LENGTH })}
      </p>
    </form>
  );
}
