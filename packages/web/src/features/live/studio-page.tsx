import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { LoadMore, useCursorList } from '../../app/lists.tsx';
import {
  Button,
  Card,
  EmptyState,
  ErrorAlert,
  Loading,
  Notice,
  PageHeader,
  TextField,
} from '../../app/ui.tsx';
import { ConfirmButton } from '../../app/ui-confirm.tsx';
import {
  type Ingest,
  isOnAir,
  LATENCY_MODES,
  type LatencyMode,
  liveApi,
  liveLists,
  PROFILES,
  type StudioStream,
  type TranscodingProfile,
  VISIBILITIES,
  type Visibility,
} from './live.api.ts';
import { LivePlayer } from './live-player.tsx';
import { CopyField, StatusBadge, VisibilityBadge } from './live-ui.tsx';
import { publicPlaybackUrl, tokenRefreshDelay, withoutPlaybackToken } from './player.ts';
import { RestreamCard } from './restream-panel.tsx';
import { StreamHealthCard } from './stream-health.tsx';

/** Query key under which a stream's ingest (URL and key) is remembered after create or rotate. */
const ingestKey = (streamId: string) => ['studio-ingest', streamId] as const;

/** Top video bitrate of each profile, kbps: what OBS should send so the top rung is not starved. */
const PROFILE_SOURCE_KBPS: Record<string, number> = { standard: 6000, compact: 3500, mobile: 2000 };

/** A labelled select of fixed choices. */
function SelectField<T extends string>({
  label,
  name,
  value,
  choices,
  labelOf,
  testId,
  hint,
}: {
  label: string;
  name: string;
  value: T;
  choices: readonly T[];
  labelOf: (choice: T) => string;
  testId: string;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={value} data-testid={testId}>
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {labelOf(choice)}
          </option>
        ))}
      </select>
      {hint && <p className="field-hint">{hint}</p>}
    </div>
  );
}

/** Defaults of the stream form: a new stream's, or an existing stream's current settings. */
interface StreamDefaults {
  title: string;
  category: string;
  visibility: Visibility;
  latencyMode: LatencyMode;
  transcodingProfile: string;
  record: boolean;
  reconnectWindowS: number;
}

const NEW_STREAM: StreamDefaults = {
  title: '',
  category: '',
  visibility: 'public',
  latencyMode: 'low',
  transcodingProfile: 'standard',
  record: false,
  reconnectWindowS: 30,
};

/** The stream settings a form submitted. */
function streamFields(form: HTMLFormElement) {
  return {
    title: formText(form, 'title'),
    category: formText(form, 'category'),
    visibility: formText(form, 'visibility') as Visibility,
    latencyMode: formText(form, 'latencyMode') as LatencyMode,
    transcodingProfile: formText(form, 'transcodingProfile') as TranscodingProfile,
    record: new FormData(form).get('record') === 'on',
    reconnectWindowS: Number(formText(form, 'reconnectWindowS') || 0),
  };
}

/** The inputs shared by the create and settings forms; test ids start with `prefix`. */
function StreamFields({ defaults, prefix }: { defaults: StreamDefaults; prefix: string }) {
  const { t } = useI18n();
  return (
    <>
      <div className="form-grid">
        <TextField
          label={t('live.studio.title')}
          name="title"
          required
          maxLength={140}
          defaultValue={defaults.title}
          placeholder={t('live.studio.titlePlaceholder')}
          data-testid={`${prefix}-title`}
        />
        <TextField
          label={t('live.studio.category')}
          name="category"
          maxLength={64}
          defaultValue={defaults.category}
          placeholder={t('live.studio.categoryPlaceholder')}
          data-testid={`${prefix}-category`}
        />
        <SelectField
          label={t('live.studio.visibility')}
          name="visibility"
          value={defaults.visibility}
          choices={VISIBILITIES}
          labelOf={(v) => t(`live.visibility.${v}`)}
          testId={`${prefix}-visibility`}
        />
        <SelectField
          label={t('live.studio.latency')}
          name="latencyMode"
          value={defaults.latencyMode}
          choices={LATENCY_MODES}
          labelOf={(v) => t(`live.latency.${v}`)}
          testId={`${prefix}-latency`}
        />
        <SelectField
          label={t('live.studio.profile')}
          name="transcodingProfile"
          value={defaults.transcodingProfile as TranscodingProfile}
          choices={PROFILES}
          labelOf={(v) => t(`live.profile.${v}`)}
          testId={`${prefix}-profile`}
        />
        <TextField
          label={t('live.studio.reconnectWindow')}
          name="reconnectWindowS"
          type="number"
          min={0}
          max={600}
          step={1}
          required
          defaultValue={defaults.reconnectWindowS}
          hint={t('live.studio.reconnectWindowHint')}
          data-testid={`${prefix}-reconnect`}
        />
      </div>
      <label className="check-field">
        <input
          type="checkbox"
          name="record"
          defaultChecked={defaults.record}
          data-testid={`${prefix}-record`}
        />
        {t('live.studio.record')}
      </label>
    </>
  );
}

/** "New stream": title, category, who may watch, recording, latency and ladder. */
function CreateStreamForm() {
  const { t } = useI18n();
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (form: HTMLFormElement) => liveApi.createStream(api, streamFields(form)),
    onSuccess: ({ stream, ingest }) => {
      queryClient.setQueryData(ingestKey(stream.id), ingest);
      queryClient.setQueryData(['studio-stream', stream.id], { stream });
      void queryClient.invalidateQueries({ queryKey: ['studio-streams'] });
      navigate(`/studio/${encodeURIComponent(stream.id)}`);
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate(event.currentTarget);
  }

  return (
    <Card title={t('live.studio.createTitle')} testId="studio-create">
      <form className="form" onSubmit={onSubmit} data-testid="create-stream-form">
        <StreamFields defaults={NEW_STREAM} prefix="create-stream" />
        <div className="form-actions">
          <Button type="submit" busy={create.isPending} data-testid="create-stream-submit">
            {create.isPending ? t('live.studio.creating') : t('live.studio.create')}
          </Button>
        </div>
      </form>
      <ErrorAlert error={create.error} testId="create-stream-error" />
    </Card>
  );
}

/** Changes a stream's settings; latency and qualities apply from its next broadcast. */
function StreamSettingsCard({ stream }: { stream: StudioStream }) {
  const { t } = useI18n();
  const api = useApi();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (form: HTMLFormElement) => liveApi.updateStream(api, stream.id, streamFields(form)),
    onSuccess: (result) => {
      queryClient.setQueryData(['studio-stream', stream.id], result);
      void queryClient.invalidateQueries({ queryKey: ['studio-streams'] });
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save.mutate(event.currentTarget);
  }

  return (
    <Card title={t('live.studio.settingsTitle')} testId="stream-settings">
      <details>
        <summary className="muted">{t('live.studio.settingsHint')}</summary>
        <form className="form settings-form" onSubmit={onSubmit} data-testid="stream-settings-form">
          <StreamFields defaults={stream} prefix="stream-settings" />
          <div className="form-actions">
            <Button type="submit" busy={save.isPending} data-testid="stream-settings-submit">
              {t('common.save')}
            </Button>
          </div>
        </form>
      </details>
      {save.isSuccess && !save.isPending && (
        <Notice testId="stream-settings-saved">{t('live.studio.settingsSaved')}</Notice>
      )}
      <ErrorAlert error={save.error} testId="stream-settings-error" />
    </Card>
  );
}

/** The stream key: hidden until revealed, copyable, rotatable (which drops a publisher on the old key). */
function StreamKeyCard({ stream, ingest }: { stream: StudioStream; ingest: Ingest | null }) {
  const { t } = useI18n();
  const api = useApi();
  const queryClient = useQueryClient();
  const [revealed, setRevealed] = useState(false);
  const rotate = useMutation({
    mutationFn: () => liveApi.rotateKey(api, stream.id),
    onSuccess: ({ ingest: next }) => {
      queryClient.setQueryData(ingestKey(stream.id), next);
      setRevealed(true);
    },
  });

  return (
    <Card title={t('live.studio.keyTitle')} testId="stream-key-card">
      {ingest ? (
        <>
          <p className="secret-warning small">{t('live.studio.keyWarning')}</p>
          <CopyField
            value={ingest.streamKey}
            shown={revealed ? ingest.streamKey : '•'.repeat(24)}
            label={t('live.studio.keyTitle')}
            testId="stream-key"
          />
        </>
      ) : (
        <Notice tone="info" testId="stream-key-unknown">
          {t('live.studio.keyUnknown')}
        </Notice>
      )}
      <div className="row-actions wrap">
        {ingest && (
          <Button
            variant="secondary"
            small
            onClick={() => setRevealed((v) => !v)}
            data-testid="stream-key-reveal"
          >
            {revealed ? t('live.studio.hideKey') : t('live.studio.revealKey')}
          </Button>
        )}
        <ConfirmButton
          label={t('live.studio.rotateKey')}
          question={t('live.studio.rotateQuestion')}
          confirmLabel={t('live.studio.rotateConfirm')}
          onConfirm={() => rotate.mutate()}
          busy={rotate.isPending}
          testId="stream-key-rotate"
          variant="secondary"
        />
      </div>
      <ErrorAlert error={rotate.error} testId="stream-key-error" />
    </Card>
  );
}

/** Step-by-step OBS setup with this stream's exact server URL and key, and encoder settings that fit the ladder. */
function ObsCard({ stream, ingest }: { stream: StudioStream; ingest: Ingest | null }) {
  const { t } = useI18n();
  const keyframeS = stream.latencyMode === 'low' ? 1 : 2;
  const bitrate = PROFILE_SOURCE_KBPS[stream.transcodingProfile] ?? 6000;
  return (
    <Card title={t('live.obs.title')} testId="obs-card">
      <ol className="obs-steps">
        <li>{t('live.obs.step1')}</li>
        <li>{t('live.obs.step2')}</li>
        <li>{t('live.obs.step3')}</li>
      </ol>
      {ingest ? (
        <div className="stack-sm">
          <h3>{t('live.obs.server')}</h3>
          <CopyField value={ingest.rtmpUrl} label={t('live.obs.server')} testId="obs-server" />
          <p className="field-hint">
            <strong>{t('live.obs.key')}:</strong> {t('live.obs.keyHint')}
          </p>
        </div>
      ) : (
        <p className="muted small">{t('live.obs.rotateForServer')}</p>
      )}
      <h3>{t('live.obs.outputTitle')}</h3>
      <dl className="facts" data-testid="obs-encoder">
        <dt>{t('live.obs.encoder')}</dt>
        <dd>x264</dd>
        <dt>{t('live.obs.rateControl')}</dt>
        <dd>CBR</dd>
        <dt>{t('live.obs.bitrate')}</dt>
        <dd>{t('live.obs.bitrateValue', { kbps: bitrate })}</dd>
        <dt>{t('live.obs.keyframe')}</dt>
        <dd>{t('live.obs.keyframeValue', { seconds: keyframeS })}</dd>
        <dt>{t('live.obs.preset')}</dt>
        <dd>veryfast · {t('live.obs.tune')} zerolatency</dd>
        <dt>{t('live.obs.audio')}</dt>
        <dd>AAC · 128 kbps · 48 kHz</dd>
      </dl>
      <p className="field-hint">{t('live.obs.keyframeHint', { seconds: keyframeS })}</p>
    </Card>
  );
}

/** The owner's own muted preview; non-public streams fetch a playback token first. */
function StudioPreview({ stream }: { stream: StudioStream }) {
  const { t } = useI18n();
  const api = useApi();
  const onAir = isOnAir(stream.status);
  const needsToken = stream.visibility !== 'public';
  const token = useQuery({
    queryKey: ['studio-preview-token', stream.id],
    queryFn: () => liveApi.playbackToken(api, stream.id),
    enabled: onAir && needsToken,
    refetchInterval: (query) =>
      query.state.data ? tokenRefreshDelay(query.state.data.expiresAt, Date.now()) : false,
  });
  const tokenUrl = token.data?.url;
  const src = !onAir
    ? null
    : needsToken
      ? tokenUrl
        ? withoutPlaybackToken(tokenUrl)
        : null
      : publicPlaybackUrl(stream.id);
  return (
    <Card
      title={t('live.studio.preview')}
      testId="studio-preview"
      actions={
        <Link
          to={`/watch/${encodeURIComponent(stream.id)}`}
          className="btn btn-ghost btn-small"
          data-testid="studio-watch-link"
        >
          {t('live.studio.openWatch')}
        </Link>
      }
    >
      {onAir ? (
        <LivePlayer
          src={src}
          token={token.data?.token ?? null}
          live
          muted
          latencyMode={stream.latencyMode}
          title={stream.title}
          testId="preview"
        />
      ) : (
        <div className="slate" data-testid="preview-offline">
          <p className="slate-title">{t('live.studio.previewOffline')}</p>
          <p className="muted">{t('live.studio.previewOfflineHint')}</p>
        </div>
      )}
      <ErrorAlert error={token.error} />
    </Card>
  );
}

/** One stream's control room: status, key, OBS settings, preview and health. */
function StreamPanel({ streamId }: { streamId: string }) {
  const { t } = useI18n();
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: ['studio-stream', streamId],
    queryFn: () => liveApi.studioStream(api, streamId),
    refetchInterval: 5_000,
  });
  const ingest = useQuery({
    queryKey: ingestKey(streamId),
    queryFn: () => null as Ingest | null,
    enabled: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const remove = useMutation({
    mutationFn: () => liveApi.deleteStream(api, streamId),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: ['studio-stream', streamId] });
      void queryClient.invalidateQueries({ queryKey: ['studio-streams'] });
      navigate('/studio');
    },
  });
  useDocumentTitle(query.data?.stream.title ?? t('live.studio.pageTitle'));

  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorAlert error={query.error} testId="studio-stream-error" />;
  const { stream } = query.data;
  const known = ingest.data ?? null;
  const rtmpFromServer = (query.data as { ingest?: { rtmpUrl?: string } }).ingest?.rtmpUrl;
  const withServer: Ingest | null =
    known ?? (rtmpFromServer ? { rtmpUrl: rtmpFromServer, streamKey: '' } : null);
  const onAir = isOnAir(stream.status);
  // On air the preview and health come first; before going live, the key and encoder settings do.
  const monitor = (
    <>
      <StudioPreview stream={stream} />
      <StreamHealthCard streamId={stream.id} />
    </>
  );
  const setup = (
    <div className="grid-2">
      <StreamKeyCard stream={stream} ingest={known} />
      <ObsCard stream={stream} ingest={withServer} />
    </div>
  );

  return (
    <div className="stack" data-testid="stream-panel" data-stream-id={stream.id}>
      <div className="watch-info">
        <div>
          <h2 className="break" data-testid="stream-panel-title">
            {stream.title}
          </h2>
          <div className="watch-meta">
            <StatusBadge status={stream.status} testId="stream-status" />
            <VisibilityBadge visibility={stream.visibility} showPublic />
            {stream.category && <span>{stream.category}</span>}
            <span>
              {t('live.studio.latency')}: {t(`live.latency.${stream.latencyMode}`)}
            </span>
            {stream.record && <span>{t('live.studio.recording')}</span>}
          </div>
        </div>
        <ConfirmButton
          label={t('live.studio.delete')}
          question={t('live.studio.deleteQuestion')}
          confirmLabel={t('live.studio.deleteConfirm')}
          onConfirm={() => remove.mutate()}
          busy={remove.isPending}
          testId="stream-delete"
        />
      </div>
      <ErrorAlert error={remove.error} />
      {onAir ? (
        <>
          {monitor}
          {setup}
        </>
      ) : (
        <>
          {setup}
          {monitor}
        </>
      )}
      <RestreamCard streamId={stream.id} onAir={onAir} />
      <StreamSettingsCard stream={stream} />
    </div>
  );
}

/** Studio: the creator's streams, a form to create one, and each stream's control room. */
export function StudioPage() {
  const { t } = useI18n();
  const { streamId } = useParams();
  const streams = useCursorList<StudioStream>(
    ['studio-streams'],
    liveLists.studio,
    {},
    { refetchInterval: () => 10_000 },
  );
  useDocumentTitle(t('live.studio.pageTitle'));

  return (
    <div className="page" data-testid="studio-page">
      <PageHeader
        title={t('live.studio.pageTitle')}
        subtitle={t('live.studio.subtitle')}
        actions={
          streamId ? (
            <Link to="/studio" className="btn btn-primary" data-testid="studio-new">
              {t('live.studio.new')}
            </Link>
          ) : undefined
        }
      />
      <div className="studio-layout">
        <Card title={t('live.studio.yourStreams')} className="studio-streams" testId="studio-streams">
          {streams.isPending && <Loading />}
          <ErrorAlert error={streams.error} />
          {streams.isSuccess && streams.items.length === 0 && (
            <EmptyState title={t('live.studio.empty')} testId="studio-empty" />
          )}
          {streams.items.length > 0 && (
            <ul className="list" data-testid="studio-stream-list">
              {streams.items.map((stream) => (
                <li key={stream.id}>
                  <Link
                    to={`/studio/${encodeURIComponent(stream.id)}`}
                    className="list-row"
                    aria-current={stream.id === streamId ? 'page' : undefined}
                    data-testid="studio-stream-item"
                    data-stream-id={stream.id}
                  >
                    <span className="list-main break">{stream.title}</span>
                    <StatusBadge status={stream.status} />
                  </Link>
                </li>
              ))}
            </ul>
          )}
          <LoadMore list={streams} />
        </Card>
        {streamId ? <StreamPanel key={streamId} streamId={streamId} /> : <CreateStreamForm />}
      </div>
    </div>
  );
}
