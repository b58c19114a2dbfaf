import { Link } from 'react-router-dom';
import { useDocumentTitle } from '../../app/branding.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { LoadMore, useCursorList } from '../../app/lists.tsx';
import { EmptyState, ErrorAlert, Loading, PageHeader } from '../../app/ui.tsx';
import { liveLists, type PublicStream } from './live.api.ts';
import { cacheBusted } from './live.format.ts';
import { EyeIcon, LockIcon } from './live-ui.tsx';

/** How often the grid (and its thumbnails) refresh, ms. */
export const DISCOVER_POLL_MS = 10_000;

/** A 16:9 picture, or a placeholder mark when there is none yet. */
export function Thumbnail({ url, stamp }: { url: string | null; stamp?: number }) {
  if (!url) {
    return (
      <span className="stream-thumb-empty" aria-hidden="true">
        ▶
      </span>
    );
  }
  return <img src={stamp ? cacheBusted(url, stamp) : url} alt="" loading="lazy" />;
}

/** One live stream in the grid: thumbnail with badges, title, creator. */
function StreamTile({ stream, stamp }: { stream: PublicStream; stamp: number }) {
  const { t } = useI18n();
  const locked = stream.visibility !== 'public';
  return (
    <li data-testid="live-item" data-stream-id={stream.id}>
      <Link to={`/watch/${encodeURIComponent(stream.id)}`} className="stream-card">
        <span className="stream-thumb">
          <Thumbnail url={stream.thumbnailUrl} stamp={stamp} />
          <span className="thumb-top">
            <span className="live-badge">
              {stream.status === 'reconnecting' ? t('live.status.reconnecting') : t('live.badge.live')}
            </span>
            {locked && (
              <span className="lock-badge" data-testid="live-item-lock">
                <LockIcon /> {t(`live.visibility.${stream.visibility}`)}
              </span>
            )}
          </span>
          <span className="thumb-bottom">
            <span className="viewer-badge" data-testid="live-item-viewers">
              <EyeIcon />
              {t('live.viewers', { count: stream.viewers })}
            </span>
          </span>
        </span>
        <span className="stream-card-body">
          <span className="stream-card-title" data-testid="live-item-title">
            {stream.title}
          </span>
          <span className="muted small">
            {[stream.ownerName, stream.category].filter(Boolean).join(' · ')}
          </span>
        </span>
      </Link>
    </li>
  );
}

/** Discover: every stream on air now, refreshed every ten seconds. */
export function DiscoverPage() {
  const { t } = useI18n();
  const streams = useCursorList<PublicStream>(
    ['live'],
    liveLists.live,
    {},
    {
      refetchInterval: () => DISCOVER_POLL_MS,
    },
  );
  useDocumentTitle(t('live.discover.title'));

  return (
    <div className="page" data-testid="discover-page">
      <PageHeader
        title={t('live.discover.title')}
        subtitle={t('live.discover.subtitle')}
        actions={
          <Link to="/videos" className="btn btn-ghost" data-testid="discover-videos">
            {t('live.vod.title')}
          </Link>
        }
      />
      {streams.isPending && <Loading />}
      <ErrorAlert error={streams.error} />
      {streams.isSuccess && streams.items.length === 0 && (
        <EmptyState title={t('live.discover.empty')} testId="live-empty">
          <p className="muted">{t('live.discover.emptyHint')}</p>
        </EmptyState>
      )}
      {streams.items.length > 0 && (
        <ul className="stream-grid" data-testid="live-grid">
          {streams.items.map((stream) => (
            <StreamTile key={stream.id} stream={stream} stamp={streams.dataUpdatedAt} />
          ))}
        </ul>
      )}
      <LoadMore list={streams} />
    </div>
  );
}
