import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router-dom';
import { ApiError } from '../../app/api.ts';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { loginPath } from '../../app/navigation.ts';
import type { Page } from '../../app/types.ts';
import { ErrorAlert, Loading, Notice } from '../../app/ui.tsx';
import { useChannelEvents } from '../chat/chat.hooks.ts';
import { ChatPanel } from '../chat/chat-panel.tsx';
import { GiftAnimation } from '../money/gift-animation.tsx';
import { GiftPanel } from '../money/gift-panel.tsx';
import type { GiftSent } from '../money/money.types.ts';
import { SubscribeButton } from '../money/subscribe-button.tsx';
import { TicketGate } from '../money/ticket-gate.tsx';
import { isOnAir, liveApi, liveLists, type PublicStream, type Vod, type WatchInfo } from './live.api.ts';
import { giftToAnimate, newViewerId } from './live.format.ts';
import { LivePlayer } from './live-player.tsx';
import { StatusBadge, VisibilityBadge } from './live-ui.tsx';
import { publicPlaybackUrl, tokenRefreshDelay, withoutPlaybackToken } from './player.ts';

/** Gifts waiting to play over the player at most; older ones are dropped in a flood. */
const MAX_QUEUED_GIFTS = 20;
/** How often the page re-reads the stream (status, viewers), ms. */
const WATCH_POLL_MS = 10_000;
/** How often an ended stream's page looks for its recording, ms. */
const RECORDING_POLL_MS = 10_000;
/** How often a watching tab reports itself, ms. */
export const HEARTBEAT_MS = 10_000;

/** Error codes that mean "you need a ticket" when asking for a playback token. */
const TICKET_CODES = new Set(['STREAM_TICKET_REQUIRED', 'STREAMS_TICKET_REQUIRED']);

/** Reports this tab as a viewer every ten seconds while the stream plays; returns the latest count. */
function useHeartbeat(streamId: string, active: boolean): number | null {
  const api = useApi();
  const viewerId = useRef<string>(null);
  viewerId.current ??= newViewerId();
  const [viewers, setViewers] = useState<number | null>(null);
  useEffect(() => {
    if (!active) return;
    let cancelled = false;
    const beat = () => {
      liveApi
        .heartbeat(api, streamId, viewerId.current ?? newViewerId())
        .then((result) => {
          if (!cancelled) setViewers(result.viewers);
        })
        .catch(() => undefined);
    };
    beat();
    const timer = setInterval(beat, HEARTBEAT_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api, streamId, active]);
  return viewers;
}

/** The stream's poster over a message: offline, or locked behind a ticket or subscription. */
function Slate({
  stream,
  title,
  children,
  testId,
}: {
  stream: PublicStream;
  title?: string;
  children?: ReactNode;
  testId: string;
}) {
  return (
    <div className="slate" data-testid={testId}>
      {stream.thumbnailUrl && <img className="slate-poster" src={stream.thumbnailUrl} alt="" />}
      {title && <p className="slate-title">{title}</p>}
      {children}
    </div>
  );
}

/** "Watch the recording" when the ended stream left one in the video library. */
function RecordingLink({ streamId }: { streamId: string }) {
  const { t } = useI18n();
  const api = useApi();
  const recordings = useQuery({
    queryKey: ['vods', 'stream', streamId],
    queryFn: () => api.get<Page<Vod>>(liveLists.vods, { streamId, limit: 1 }),
    refetchInterval: (query) => (query.state.data?.items.length ? false : RECORDING_POLL_MS),
  });
  const vod = recordings.data?.items[0];
  if (!vod) return null;
  return (
    <Link
      to={`/videos/${encodeURIComponent(vod.id)}`}
      className="btn btn-primary"
      data-testid="watch-recording"
    >
      {t('live.watch.recording')}
    </Link>
  );
}

/** The player, or what stands in for it: offline slate, ticket gate, or a subscribers/followers/login notice. */
function WatchStage({
  info,
  onUnlocked,
  pushedViewers,
}: {
  info: WatchInfo;
  onUnlocked: () => void;
  /** The latest count pushed over the stream's channel, fresher than the heartbeat's. */
  pushedViewers: number | null;
}) {
  const { t } = useI18n();
  const api = useApi();
  const location = useLocation();
  const { stream, access } = info;
  const onAir = isOnAir(stream.status);
  const needsToken = access.allowed && stream.visibility !== 'public';
  const token = useQuery({
    queryKey: ['playback-token', stream.id],
    queryFn: () => liveApi.playbackToken(api, stream.id),
    enabled: onAir && needsToken,
    refetchInterval: (query) =>
      query.state.data ? tokenRefreshDelay(query.state.data.expiresAt, Date.now()) : false,
    retry: (count, error) => !(error instanceof ApiError && error.status === 403) && count < 2,
  });
  const heartbeatViewers = useHeartbeat(stream.id, onAir && access.allowed);
  const refusedForTicket = token.error instanceof ApiError && TICKET_CODES.has(token.error.code);

  if ((!access.allowed && access.reason === 'TICKET_REQUIRED') || refusedForTicket) {
    return (
      <Slate stream={stream} testId="watch-ticket-gate">
        <TicketGate streamId={stream.id} priceCoins={access.ticketPriceCoins} onUnlocked={onUnlocked} />
      </Slate>
    );
  }
  if (!access.allowed) {
    const reason = access.reason ?? 'LOGIN_REQUIRED';
    return (
      <Slate stream={stream} title={t(`live.watch.reason.${reason}`)} testId="watch-locked">
        {reason === 'LOGIN_REQUIRED' && (
          <Link className="btn btn-primary" to={loginPath(location.pathname)}>
            {t('nav.login')}
          </Link>
        )}
        {reason === 'SUBSCRIBERS_ONLY' && stream.ownerId && <SubscribeButton creatorId={stream.ownerId} />}
      </Slate>
    );
  }
  if (!onAir) {
    return (
      <Slate stream={stream} title={t('live.watch.offline')} testId="watch-offline">
        <p className="muted">{t('live.watch.offlineHint')}</p>
        {stream.status === 'ended' && <RecordingLink streamId={stream.id} />}
      </Slate>
    );
  }
  const tokenUrl = token.data?.url;
  const src = needsToken ? (tokenUrl ? withoutPlaybackToken(tokenUrl) : null) : publicPlaybackUrl(stream.id);
  return (
    <>
      <LivePlayer
        src={src}
        token={token.data?.token ?? null}
        poster={stream.thumbnailUrl}
        live
        latencyMode={stream.latencyMode}
        viewers={pushedViewers ?? heartbeatViewers ?? stream.viewers}
        title={stream.title}
        testId="watch-player"
      />
      {token.isError && !refusedForTicket && <ErrorAlert error={token.error} testId="watch-token-error" />}
    </>
  );
}

/** Watch page: the live player, the stream's details, chat, gifts and subscribing. */
export function WatchPage() {
  const { t, formatDate } = useI18n();
  const { streamId = '' } = useParams();
  const api = useApi();
  const queryClient = useQueryClient();
  const watch = useQuery({
    queryKey: ['watch', streamId],
    queryFn: () => liveApi.watch(api, streamId),
    refetchInterval: WATCH_POLL_MS,
  });
  useDocumentTitle(watch.data?.stream.title ?? t('live.watch.pageTitle'));
  const [gifts, setGifts] = useState<GiftSent[]>([]);
  const [pushedViewers, setPushedViewers] = useState<number | null>(null);
  useChannelEvents(streamId ? `stream:${streamId}` : null, {
    gift: (event) => {
      const gift = giftToAnimate(event);
      if (gift) setGifts((old) => [...old.slice(-MAX_QUEUED_GIFTS + 1), gift]);
    },
    viewers: (event) => setPushedViewers(event.viewers),
  });

  function onUnlocked() {
    void queryClient.invalidateQueries({ queryKey: ['watch', streamId] });
    void queryClient.invalidateQueries({ queryKey: ['playback-token', streamId] });
  }

  if (watch.isPending) return <Loading />;
  if (watch.isError) {
    return (
      <div className="page" data-testid="watch-page">
        <ErrorAlert error={watch.error} testId="watch-error" />
        <Link to="/live" className="back-link">
          ← {t('live.discover.back')}
        </Link>
      </div>
    );
  }
  const { stream } = watch.data;

  return (
    <div className="page" data-testid="watch-page" data-stream-id={stream.id}>
      <div className="watch-layout">
        <div className="watch-main">
          <div className="watch-stage">
            <WatchStage info={watch.data} onUnlocked={onUnlocked} pushedViewers={pushedViewers} />
            <GiftAnimation
              gifts={gifts}
              onDone={(id) => setGifts((old) => old.filter((gift) => gift.id !== id))}
            />
          </div>
          <div className="watch-info">
            <div>
              <h1 data-testid="watch-title">{stream.title}</h1>
              <div className="watch-meta">
                <StatusBadge status={stream.status} testId="watch-status" />
                <VisibilityBadge visibility={stream.visibility} />
                {stream.ownerName && <span data-testid="watch-owner">{stream.ownerName}</span>}
                {stream.category && <span>{stream.category}</span>}
                {stream.startedAt && isOnAir(stream.status) && (
                  <span>{t('live.watch.startedAt', { date: formatDate(stream.startedAt) })}</span>
                )}
              </div>
            </div>
            {stream.ownerId && <SubscribeButton creatorId={stream.ownerId} />}
          </div>
          {stream.status === 'reconnecting' && <Notice tone="warning">{t('live.watch.reconnecting')}</Notice>}
        </div>
        <aside className="watch-side" aria-label={t('live.watch.side')}>
          <GiftPanel streamId={stream.id} creatorId={stream.ownerId} />
          <ChatPanel channel={`stream:${stream.id}`} />
        </aside>
      </div>
    </div>
  );
}
