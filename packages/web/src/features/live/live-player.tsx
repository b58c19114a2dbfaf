import type Hls from 'hls.js';
import type { ErrorData, HlsConfig } from 'hls.js';
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../../app/i18n-context.tsx';
import { Button } from '../../app/ui.tsx';
import type { LatencyMode } from './live.api.ts';
import { EyeIcon } from './live-ui.tsx';
import {
  AUTO_LEVEL,
  formatLatency,
  type LevelInfo,
  latencySeconds,
  liveLatencyConfig,
  playbackTokenOf,
  qualityOptions,
  withPlaybackToken,
} from './player.ts';
import './live.css';

/** How long to wait before loading again after the stream could not be loaded, ms. */
const RETRY_MS = 3_000;

/** What the player is doing, exposed as `data-state` for tests and styling. */
type PlayerState = 'loading' | 'playing' | 'paused' | 'retrying' | 'unsupported';

/** Props of the player used by the watch page, the studio preview and recordings. */
export interface LivePlayerProps {
  /** The master playlist; null shows only the poster. */
  src: string | null;
  /**
   * The viewer's playback token, added to every playlist, segment and key request. A refreshed
   * token is used from the next request on, without reloading the player.
   */
  token?: string | null;
  poster?: string | null;
  /** A live stream shows the live badge and how far behind live it plays; a recording does not. */
  live: boolean;
  latencyMode?: LatencyMode;
  /** Start without sound (the studio preview). */
  muted?: boolean;
  /** Concurrent viewers, shown beside the live badge when known. */
  viewers?: number | null;
  /** Accessible name of the video. */
  title: string;
  testId?: string;
  /** Extra controls shown at the end of the control bar. */
  actions?: ReactNode;
}

/** hls.js tuning per latency mode: low latency stays two 1 s segments behind the edge. */
function hlsConfig(latencyMode: LatencyMode, token: () => string | null): Partial<HlsConfig> {
  return {
    ...liveLatencyConfig(latencyMode),
    backBufferLength: 30,
    xhrSetup: (xhr, url) => {
      xhr.open('GET', withPlaybackToken(url, token()), true);
    },
  };
}

/**
 * An adaptive HLS player (hls.js, or the browser's own HLS where hls.js cannot run) with a quality
 * menu (Auto and each rendition), a live badge, the viewer count and a "behind live" readout. It
 * loads again by itself when a live stream is not ready yet or drops.
 */
export function LivePlayer({
  src,
  token = null,
  poster,
  live,
  latencyMode = 'standard',
  muted = false,
  viewers = null,
  title,
  testId = 'player',
  actions,
}: LivePlayerProps) {
  const { t, locale } = useI18n();
  const videoRef = useRef<HTMLVideoElement>(null);
  const hlsRef = useRef<Hls | null>(null);
  const tokenRef = useRef<string | null>(token ?? playbackTokenOf(src ?? ''));
  const qualityId = useId();
  const [levels, setLevels] = useState<LevelInfo[]>([]);
  const [selected, setSelected] = useState(AUTO_LEVEL);
  const [playingLevel, setPlayingLevel] = useState<number | null>(null);
  const [state, setState] = useState<PlayerState>('loading');
  const [latency, setLatency] = useState<number | null>(null);
  const [isMuted, setIsMuted] = useState(muted);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    tokenRef.current = token ?? playbackTokenOf(src ?? '');
  }, [token, src]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` reloads the source after an error.
  useEffect(() => {
    const video = videoRef.current;
    if (!video || !src) return;
    setState('loading');
    setLevels([]);
    setPlayingLevel(null);
    let retry: ReturnType<typeof setTimeout> | null = null;
    const scheduleRetry = () => {
      setState('retrying');
      retry ??= setTimeout(() => setAttempt((n) => n + 1), RETRY_MS);
    };
    const start = () => {
      video.play().catch((error: unknown) => {
        // Browsers refuse autoplay with sound: start muted and offer to unmute.
        if (error instanceof DOMException && error.name === 'NotAllowedError' && !video.muted) {
          video.muted = true;
          setIsMuted(true);
          void video.play().catch(() => setState('paused'));
        }
      });
    };

    let disposed = false;
    let dispose: () => void = () => undefined;
    // hls.js is loaded only by pages that play video, so the rest of the app stays small.
    void import('hls.js').then(({ default: Hls }) => {
      if (disposed) return;
      if (Hls.isSupported()) {
        const hls = new Hls(hlsConfig(latencyMode, () => tokenRef.current));
        hlsRef.current = hls;
        hls.on(Hls.Events.MANIFEST_PARSED, (_event, data) => {
          setLevels(
            data.levels.map((level) => ({
              height: level.height,
              width: level.width,
              bitrate: level.bitrate,
            })),
          );
          start();
        });
        hls.on(Hls.Events.LEVEL_SWITCHED, (_event, data) => setPlayingLevel(data.level));
        hls.on(Hls.Events.ERROR, (_event, data: ErrorData) => {
          if (!data.fatal) return;
          if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
            hls.recoverMediaError();
            return;
          }
          scheduleRetry();
        });
        hls.attachMedia(video);
        hls.loadSource(src);
        dispose = () => {
          hls.destroy();
          hlsRef.current = null;
        };
        return;
      }
      if (video.canPlayType('application/vnd.apple.mpegurl')) {
        const onError = () => scheduleRetry();
        video.addEventListener('error', onError);
        video.src = withPlaybackToken(src, tokenRef.current);
        start();
        dispose = () => {
          video.removeEventListener('error', onError);
          video.removeAttribute('src');
          video.load();
        };
        return;
      }
      setState('unsupported');
    });
    return () => {
      disposed = true;
      if (retry) clearTimeout(retry);
      dispose();
    };
  }, [src, latencyMode, attempt]);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const onPlaying = () => setState('playing');
    const onPause = () => setState((current) => (current === 'retrying' ? current : 'paused'));
    const onVolume = () => setIsMuted(video.muted);
    video.addEventListener('playing', onPlaying);
    video.addEventListener('pause', onPause);
    video.addEventListener('volumechange', onVolume);
    return () => {
      video.removeEventListener('playing', onPlaying);
      video.removeEventListener('pause', onPause);
      video.removeEventListener('volumechange', onVolume);
    };
  }, []);

  useEffect(() => {
    if (!live || !src) return;
    const timer = setInterval(() => {
      const video = videoRef.current;
      const hls = hlsRef.current;
      if (!video || video.readyState < 2) return;
      setLatency(
        latencySeconds({
          latency: hls?.latency ?? null,
          liveSyncPosition: hls?.liveSyncPosition ?? null,
          currentTime: video.currentTime,
        }),
      );
    }, 1_000);
    return () => clearInterval(timer);
  }, [live, src]);

  function chooseLevel(value: number) {
    setSelected(value);
    const hls = hlsRef.current;
    if (hls) hls.currentLevel = value;
  }

  function unmute() {
    const video = videoRef.current;
    if (!video) return;
    video.muted = false;
    setIsMuted(false);
    void video.play().catch(() => undefined);
  }

  function jumpToLive() {
    const video = videoRef.current;
    const edge = hlsRef.current?.liveSyncPosition;
    if (video && typeof edge === 'number') video.currentTime = edge;
  }

  const options = qualityOptions(levels, t('live.player.auto'));
  const playing = playingLevel === null ? null : levels[playingLevel];
  const autoLabel =
    selected === AUTO_LEVEL && playing?.height
      ? t('live.player.autoWith', { quality: `${playing.height}p` })
      : null;
  const behind = latency !== null && latency > (latencyMode === 'low' ? 6 : 12);

  return (
    <div
      className="player"
      data-testid={testId}
      data-state={state}
      data-level={playingLevel ?? ''}
      data-level-height={playing?.height ?? ''}
    >
      <div className="player-stage">
        <video
          ref={videoRef}
          className="player-video"
          poster={poster ?? undefined}
          muted={muted}
          playsInline
          controls
          aria-label={title}
          data-testid={`${testId}-video`}
        />
        {!src && <div className="player-overlay" aria-hidden="true" />}
        {src && state === 'retrying' && (
          <div className="player-overlay" role="status" data-testid={`${testId}-waiting`}>
            <span className="spinner" aria-hidden="true" />
            {t('live.player.waiting')}
          </div>
        )}
        {state === 'unsupported' && (
          <div className="player-overlay" role="alert">
            {t('live.player.unsupported')}
          </div>
        )}
        <div className="player-badges">
          {live && src && (
            <span className="live-badge" data-testid={`${testId}-live`}>
              {t('live.badge.live')}
            </span>
          )}
          {viewers !== null && (
            <span className="viewer-badge" data-testid={`${testId}-viewers`}>
              <EyeIcon />
              {t('live.viewers', { count: viewers })}
            </span>
          )}
        </div>
      </div>
      {src && (
        <div className="player-bar">
          <div className="player-quality">
            <label htmlFor={qualityId}>{t('live.player.quality')}</label>
            <select
              id={qualityId}
              value={selected}
              onChange={(event) => chooseLevel(Number(event.target.value))}
              disabled={levels.length === 0}
              data-testid={`${testId}-quality`}
            >
              {options.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.value === AUTO_LEVEL && autoLabel ? autoLabel : option.label}
                </option>
              ))}
            </select>
          </div>
          {live && (
            <p className="player-latency" data-testid={`${testId}-latency`} data-seconds={latency ?? ''}>
              <span className="muted">{t('live.player.behindLive')}</span>{' '}
              <strong>{formatLatency(latency, locale)}</strong>
            </p>
          )}
          {live && behind && (
            <Button variant="ghost" small onClick={jumpToLive} data-testid={`${testId}-jump`}>
              {t('live.player.jumpToLive')}
            </Button>
          )}
          {isMuted && (
            <Button variant="secondary" small onClick={unmute} data-testid={`${testId}-unmute`}>
              {t('live.player.unmute')}
            </Button>
          )}
          {actions}
        </div>
      )}
    </div>
  );
}
