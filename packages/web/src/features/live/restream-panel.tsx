import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { Badge, type BadgeTone, Button, Card, ErrorAlert, Loading, TextField } from '../../app/ui.tsx';
import { ConfirmButton } from '../../app/ui-confirm.tsx';
import {
  RESTREAM_POLL_MS,
  RESTREAM_PRESETS,
  type RestreamPreset,
  type RestreamTarget,
  restreamApi,
  type TargetStatus,
} from './restream.api.ts';

const TONE: Record<TargetStatus | 'disabled', BadgeTone> = {
  idle: 'neutral',
  disabled: 'neutral',
  connecting: 'info',
  live: 'success',
  retrying: 'warning',
  failed: 'danger',
};

const queryKey = (streamId: string) => ['restream-targets', streamId] as const;

/** One destination: its state (with the retry count and last error), an on/off switch and Remove. */
function TargetRow({ streamId, target }: { streamId: string; target: RestreamTarget }) {
  const { t, locale } = useI18n();
  const api = useApi();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKey(streamId) });
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => restreamApi.setEnabled(api, streamId, target.id, enabled),
    onSuccess: ({ target: saved }) => {
      queryClient.setQueryData<{ items: RestreamTarget[] }>(queryKey(streamId), (data) =>
        data ? { items: data.items.map((item) => (item.id === saved.id ? saved : item)) } : data,
      );
      return refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => restreamApi.remove(api, streamId, target.id),
    onSuccess: refresh,
  });
  const { state } = target;
  // The switch follows the click at once; the saved value replaces it when the server answers.
  const enabled = toggle.isPending ? toggle.variables : target.enabled;
  const shown = enabled ? state.status : 'disabled';
  const retryAt = state.nextRetryAt ? new Date(state.nextRetryAt).toLocaleTimeString(locale) : '';
  const detail =
    state.status === 'retrying'
      ? t('restream.retryAttempt', { attempt: state.attempt, time: retryAt })
      : state.status === 'failed'
        ? t('restream.failedReason', { attempt: state.attempt, reason: state.reason ?? '' })
        : null;
  return (
    <li className="list-row restream-row" data-testid="restream-target" data-target-id={target.id}>
      <div className="list-row-top">
        <span className="list-main break">
          <strong>{target.name}</strong>{' '}
          <span className="muted small break">
            {target.url} · {t('restream.keyShown', { hint: target.keyHint })}
          </span>
        </span>
        <Badge tone={TONE[shown]} testId="restream-target-status">
          {t(`restream.status.${shown}`)}
        </Badge>
      </div>
      {detail && (
        <p className="small muted" data-testid="restream-target-detail">
          {detail}
        </p>
      )}
      {state.status === 'retrying' && state.reason && (
        <p className="small muted break">{t('restream.reason', { reason: state.reason })}</p>
      )}
      <div className="row-actions wrap">
        <label className="check-field">
          <input
            type="checkbox"
            // The click shows at once; the saved value takes over when the change is answered.
            checked={toggle.isPending ? toggle.variables : enabled}
            disabled={toggle.isPending}
            onChange={(event) => toggle.mutate(event.currentTarget.checked)}
            data-testid="restream-target-enabled"
          />
          {t('restream.enabled')}
        </label>
        <ConfirmButton
          label={t('restream.remove')}
          question={t('restream.removeQuestion')}
          confirmLabel={t('restream.removeConfirm')}
          onConfirm={() => remove.mutate()}
          busy={remove.isPending}
          testId="restream-target-remove"
        />
      </div>
      <ErrorAlert error={toggle.error ?? remove.error} />
    </li>
  );
}

/** Adds a destination from a preset (YouTube, Twitch) or any rtmp:// or rtmps:// server. */
function AddTargetForm({ streamId }: { streamId: string }) {
  const { t } = useI18n();
  const api = useApi();
  const queryClient = useQueryClient();
  const presetId = useId();
  const [preset, setPreset] = useState<RestreamPreset>('youtube');
  const create = useMutation({
    mutationFn: (form: HTMLFormElement) =>
      restreamApi.create(api, streamId, {
        name: formText(form, 'name'),
        url: formText(form, 'url'),
        streamKey: formText(form, 'streamKey'),
      }),
    onSuccess: (_result, form) => {
      form.reset();
      setPreset('youtube');
      void queryClient.invalidateQueries({ queryKey: queryKey(streamId) });
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate(event.currentTarget);
  }

  const chosen = RESTREAM_PRESETS[preset];
  return (
    <form className="form" onSubmit={onSubmit} data-testid="restream-add-form">
      <div className="form-grid">
        <div className="field">
          <label htmlFor={presetId}>{t('restream.preset')}</label>
          <select
            id={presetId}
            value={preset}
            onChange={(event) => setPreset(event.currentTarget.value as RestreamPreset)}
            data-testid="restream-preset"
          >
            {(Object.keys(RESTREAM_PRESETS) as RestreamPreset[]).map((id) => (
              <option key={id} value={id}>
                {t(`restream.preset.${id}`)}
              </option>
            ))}
          </select>
        </div>
        <TextField
          key={`name-${preset}`}
          label={t('restream.name')}
          name="name"
          required
          maxLength={60}
          defaultValue={chosen.name}
          data-testid="restream-name"
        />
        <TextField
          key={`url-${preset}`}
          label={t('restream.url')}
          name="url"
          required
          maxLength={512}
          defaultValue={chosen.url}
          hint={t('restream.urlHint')}
          placeholder="rtmps://…"
          data-testid="restream-url"
        />
        <TextField
          label={t('restream.key')}
          name="streamKey"
          type="password"
          autoComplete="off"
          required
          maxLength={256}
          hint={t('restream.keyHint')}
          data-testid="restream-key"
        />
      </div>
      <div className="form-actions">
        <Button type="submit" busy={create.isPending} data-testid="restream-add-submit">
          {create.isPending ? t('restream.adding') : t('restream.add')}
        </Button>
      </div>
      <ErrorAlert error={create.error} testId="restream-add-error" />
    </form>
  );
}

/** The studio's Restream panel: destinations, their live state (refreshed every 2 s on air) and the add form. */
export function RestreamCard({ streamId, onAir }: { streamId: string; onAir: boolean }) {
  const { t } = useI18n();
  const api = useApi();
  const query = useQuery({
    queryKey: queryKey(streamId),
    queryFn: () => restreamApi.list(api, streamId),
    refetchInterval: onAir ? RESTREAM_POLL_MS : false,
  });
  return (
    <Card title={t('restream.title')} testId="restream-card">
      <p className="muted small">{t('restream.hint')}</p>
      {query.isPending && <Loading />}
      <ErrorAlert error={query.error} />
      {query.data && query.data.items.length === 0 && (
        <p className="muted" data-testid="restream-empty">
          {t('restream.empty')}
        </p>
      )}
      {query.data && query.data.items.length > 0 && (
        <ul className="list" data-testid="restream-targets">
          {query.data.items.map((target) => (
            <TargetRow key={target.id} streamId={streamId} target={target} />
          ))}
        </ul>
      )}
      {!onAir && query.data && query.data.items.length > 0 && (
        <p className="field-hint">{t('restream.offlineHint')}</p>
      )}
      <AddTargetForm streamId={streamId} />
    </Card>
  );
}
