import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { useApi } from '../../app/api-context.tsx';
import { useDocumentTitle } from '../../app/branding.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { LoadMore, useCursorList } from '../../app/lists.tsx';
import { EmptyState, ErrorAlert, Loading, PageHeader } from '../../app/ui.tsx';
import { Thumbnail } from './discover-page.tsx';
import { liveApi, liveLists, type Vod } from './live.api.ts';
import { formatDuration } from './live.format.ts';
import { LivePlayer } from './live-player.tsx';
import { playbackTokenOf, withoutPlaybackToken } from './player.ts';

/** How often the page asks for a fresh playback token, ms (tokens last ten minutes). */
const VOD_TOKEN_REFRESH_MS = 5 * 60_000;

/** Videos: recordings of past streams, newest first. */
export function VodListPage() {
  const { t, formatDate } = useI18n();
  const vods = useCursorList<Vod>(['vods'], liveLists.vods);
  useDocumentTitle(t('live.vod.title'));

  return (
    <div className="page" data-testid="vod-list-page">
      <PageHeader
        title={t('live.vod.title')}
        subtitle={t('live.vod.subtitle')}
        actions={
          <Link to="/live" className="btn btn-ghost">
            {t('live.discover.title')}
          </Link>
        }
      />
      {vods.isPending && <Loading />}
      <ErrorAlert error={vods.error} />
      {vods.isSuccess && vods.items.length === 0 && (
        <EmptyState title={t('live.vod.empty')} testId="vod-empty" />
      )}
      {vods.items.length > 0 && (
        <ul className="stream-grid" data-testid="vod-grid">
          {vods.items.map((vod) => (
            <li key={vod.id} data-testid="vod-item" data-vod-id={vod.id}>
              <Link to={`/videos/${encodeURIComponent(vod.id)}`} className="stream-card">
                <span className="stream-thumb">
                  <Thumbnail url={vod.thumbnailUrl} />
                  <span className="thumb-bottom">
                    <span />
                    <span className="viewer-badge" data-testid="vod-duration">
                      {formatDuration(vod.durationS)}
                    </span>
                  </span>
                </span>
                <span className="stream-card-body">
                  <span className="stream-card-title">{vod.title}</span>
                  <span className="muted small">
                    {[vod.ownerName, formatDate(vod.createdAt)].filter(Boolean).join(' · ')}
                  </span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <LoadMore list={vods} />
    </div>
  );
}

/** One recording: the player and its details. */
export function VodPage() {
  const { t, formatDate } = useI18n();
  const { vodId = '' } = useParams();
  const api = useApi();
  const query = useQuery({
    queryKey: ['vod', vodId],
    queryFn: () => liveApi.vod(api, vodId),
    // Each answer carries a fresh playback token; the player switches to it without reloading.
    refetchInterval: VOD_TOKEN_REFRESH_MS,
  });
  useDocumentTitle(query.data?.vod.title ?? t('live.vod.title'));

  if (query.isPending) return <Loading />;
  if (query.isError) {
    return (
      <div className="page" data-testid="vod-page">
        <ErrorAlert error={query.error} testId="vod-error" />
        <Link to="/videos" className="back-link">
          ← {t('live.vod.back')}
        </Link>
      </div>
    );
  }
  const { vod, playbackUrl } = query.data;
  return (
    <div className="page" data-testid="vod-page" data-vod-id={vod.id}>
      <Link to="/videos" className="back-link">
        ← {t('live.vod.back')}
      </Link>
      <LivePlayer
        src={withoutPlaybackToken(playbackUrl)}
        token={playbackTokenOf(playbackUrl)}
        poster={vod.thumbnailUrl}
        live={false}
        title={vod.title}
        testId="vod-player"
      />
      <div>
        <h1 className="break" data-testid="vod-title">
          {vod.title}
        </h1>
        <div className="watch-meta">
          {vod.ownerName && <span>{vod.ownerName}</span>}
          <span data-testid="vod-page-duration">{formatDuration(vod.durationS)}</span>
          <span>{formatDate(vod.createdAt)}</span>
          {vod.expiresAt && <span>{t('live.vod.expires', { date: formatDate(vod.expiresAt) })}</span>}
        </div>
      </div>
    </div>
  );
}
