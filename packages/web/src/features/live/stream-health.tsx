import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { useI18n } from '../../app/i18n-context.tsx';
import { Card, ErrorAlert, Loading } from '../../app/ui.tsx';
import { liveApi, type StreamHealth } from './live.api.ts';
import { chartGeometry, formatBitrate, formatBytes, type ViewerSample } from './live.format.ts';
import { formatLatency } from './player.ts';

/** How often the studio asks for ingest health and viewers, ms. */
export const HEALTH_POLL_MS = 5_000;
/** Transcoder lag above which the readout turns amber, seconds. */
const LAG_WARNING_S = 2;

const CHART_W = 600;
const CHART_H = 160;

/** Concurrent viewers over time as an inline SVG line, with the same numbers as a table for assistive tech. */
export function ViewersChart({ series }: { series: readonly ViewerSample[] }) {
  const { t, locale } = useI18n();
  const titleId = useId();
  const geometry = chartGeometry(series, CHART_W, CHART_H, 6);
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const peak = series.reduce((max, s) => Math.max(max, s.viewers), 0);
  const latest = series[series.length - 1]?.viewers ?? 0;
  const label = (iso: string) => {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : time.format(date);
  };

  if (series.length === 0) {
    return (
      <p className="muted small" data-testid="viewers-chart-empty">
        {t('live.health.noViewersYet')}
      </p>
    );
  }
  return (
    <figure className="chart-figure" data-testid="viewers-chart">
      <svg
        className="chart"
        viewBox={`0 0 ${CHART_W} ${CHART_H}`}
        preserveAspectRatio="none"
        role="img"
        aria-labelledby={titleId}
      >
        <title id={titleId}>{t('live.health.chartSummary', { latest, peak })}</title>
        {[0.25, 0.5, 0.75].map((fraction) => (
          <line
            key={fraction}
            className="chart-grid"
            x1={0}
            x2={CHART_W}
            y1={CHART_H * fraction}
            y2={CHART_H * fraction}
          />
        ))}
        <path className="chart-area" d={geometry.area} />
        <path className="chart-line" d={geometry.line} />
      </svg>
      <div className="chart-axis" aria-hidden="true">
        <span>{label(series[0]?.t ?? '')}</span>
        <span>{t('live.health.axisMax', { max: geometry.maxY })}</span>
        <span>{label(series[series.length - 1]?.t ?? '')}</span>
      </div>
      <details className="chart-table">
        <summary>{t('live.health.showTable')}</summary>
        <div className="table-wrap">
          <table className="table table-compact" data-testid="viewers-table">
            <caption className="sr-only">{t('live.health.viewersTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('live.health.time')}</th>
                <th scope="col" className="num">
                  {t('live.health.viewers')}
                </th>
              </tr>
            </thead>
            <tbody>
              {series.map((sample) => (
                <tr key={sample.t}>
                  <td>{label(sample.t)}</td>
                  <td className="num">{sample.viewers}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/** One labelled number of the health grid. */
function Stat({
  label,
  value,
  warn = false,
  testId,
}: {
  label: string;
  value: string;
  warn?: boolean;
  testId: string;
}) {
  return (
    <div className={`stat ${warn ? 'stat-warning' : ''}`}>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

/** Ingest health (bitrate, fps, transcoder speed and lag) and audience, refreshed every five seconds. */
export function StreamHealthCard({ streamId }: { streamId: string }) {
  const { t, locale } = useI18n();
  const api = useApi();
  const health = useQuery<StreamHealth>({
    queryKey: ['studio-health', streamId],
    queryFn: () => liveApi.health(api, streamId),
    refetchInterval: HEALTH_POLL_MS,
  });
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const data = health.data;
  const ingest = data?.ingest ?? null;

  return (
    <Card title={t('live.health.title')} testId="stream-health">
      {health.isPending && <Loading />}
      <ErrorAlert error={health.error} testId="stream-health-error" />
      {data && (
        <>
          <h3>{t('live.health.ingest')}</h3>
          {ingest ? (
            <dl className="stat-grid" data-testid="ingest-health">
              <Stat
                label={t('live.health.bitrate')}
                value={formatBitrate(ingest.bitrateKbps, locale)}
                testId="health-bitrate"
              />
              <Stat label={t('live.health.fps')} value={number.format(ingest.fps)} testId="health-fps" />
              <Stat
                label={t('live.health.speed')}
                value={ingest.speed === null ? '—' : `${number.format(ingest.speed)}×`}
                warn={ingest.speed !== null && ingest.speed < 0.95}
                testId="health-speed"
              />
              <Stat
                label={t('live.health.lag')}
                value={formatLatency(ingest.lagS, locale)}
                warn={ingest.lagS > LAG_WARNING_S}
                testId="health-lag"
              />
            </dl>
          ) : (
            <p className="muted small" data-testid="ingest-idle">
              {t('live.health.noIngest')}
            </p>
          )}
          <h3>{t('live.health.audience')}</h3>
          <dl className="stat-grid" data-testid="audience">
            <Stat
              label={t('live.health.current')}
              value={String(data.viewers.current)}
              testId="health-viewers"
            />
            <Stat label={t('live.health.peak')} value={String(data.viewers.peak)} testId="health-peak" />
            <Stat
              label={t('live.health.unique')}
              value={String(data.viewers.unique)}
              testId="health-unique"
            />
            <Stat
              label={t('live.health.watchMinutes')}
              value={number.format(data.viewers.watchMinutes)}
              testId="health-minutes"
            />
            <Stat
              label={t('live.health.bytesServed')}
              value={formatBytes(data.viewers.bytesServed, locale)}
              testId="health-bytes"
            />
          </dl>
          <h3>{t('live.health.viewersTitle')}</h3>
          <ViewersChart series={data.series} />
        </>
      )}
    </Card>
  );
}
