import { useId } from 'react';
import type { MessageKey } from '../../app/i18n.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import {
  barLayout,
  EARNING_KINDS,
  type EarningKind,
  niceMax,
  scaleY,
  stackDays,
  ticks,
  totalsByKind,
} from './earnings-chart.rules.ts';
import { formatCoins } from './money.format.ts';
import type { EarningsDay } from './money.types.ts';
import './money.css';

const WIDTH = 720;
const HEIGHT = 240;
const LEFT = 48;
const BOTTOM = 24;
const TOP = 8;

/** Names of the kinds in the legend and the table. */
export const KIND_LABEL: Record<EarningKind, MessageKey> = {
  gifts: 'money.earnings.gifts',
  tips: 'money.earnings.tips',
  tickets: 'money.earnings.tickets',
  subscriptions: 'money.earnings.subscriptions',
};

/** A short day label ("Nov 23") in the reader's language, from a YYYY-MM-DD date. */
function dayLabel(date: string, locale: string): string {
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime())) return date;
  return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(parsed);
}

/**
 * Coins earned per day, stacked by kind, as an SVG bar chart; screen readers get its title and summary,
 * and everyone can open the same numbers as a table.
 */
export function EarningsChart({ daily }: { daily: readonly EarningsDay[] }) {
  const { t, locale } = useI18n();
  const titleId = useId();
  const descId = useId();
  const days = stackDays(daily);
  const max = niceMax(Math.max(0, ...days.map((day) => day.total)));
  const plotWidth = WIDTH - LEFT;
  const plotHeight = HEIGHT - BOTTOM - TOP;
  const { step, barWidth } = barLayout(days.length, plotWidth);
  const totals = totalsByKind(daily);
  const sum = EARNING_KINDS.reduce((total, kind) => total + totals[kind], 0);
  const labelEvery = Math.max(1, Math.ceil(days.length / 6));

  return (
    <figure className="money-chart" data-testid="earnings-chart">
      <ul className="money-legend">
        {EARNING_KINDS.map((kind) => (
          <li key={kind}>
            <span className={`money-swatch money-kind-${kind}`} aria-hidden="true" />
            {t(KIND_LABEL[kind])} <span className="muted">{formatCoins(totals[kind], locale)}</span>
          </li>
        ))}
      </ul>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        className="money-chart-svg"
      >
        <title id={titleId}>{t('money.earnings.chartTitle')}</title>
        <desc id={descId}>
          {t('money.earnings.chartDesc', { days: days.length, coins: formatCoins(sum, locale) })}
        </desc>
        {ticks(max).map((value) => {
          const y = TOP + scaleY(value, max, plotHeight);
          return (
            <g key={value} className="money-chart-grid">
              <line x1={LEFT} x2={WIDTH} y1={y} y2={y} />
              <text x={LEFT - 6} y={y + 4} textAnchor="end">
                {formatCoins(value, locale)}
              </text>
            </g>
          );
        })}
        {days.map((day, index) => {
          const x = LEFT + index * step + (step - barWidth) / 2;
          return (
            <g key={day.date} data-date={day.date} data-total={day.total}>
              <title>
                {`${dayLabel(day.date, locale)}: ${
                  day.segments
                    .filter((segment) => segment.value > 0)
                    .map((segment) => `${t(KIND_LABEL[segment.kind])} ${formatCoins(segment.value, locale)}`)
                    .join(', ') || formatCoins(0, locale)
                }`}
              </title>
              {day.segments
                .filter((segment) => segment.value > 0)
                .map((segment) => {
                  const y1 = TOP + scaleY(segment.y1, max, plotHeight);
                  const y0 = TOP + scaleY(segment.y0, max, plotHeight);
                  return (
                    <rect
                      key={segment.kind}
                      className={`money-kind-${segment.kind}`}
                      x={x}
                      y={y1}
                      width={barWidth}
                      height={Math.max(0.5, y0 - y1)}
                      rx={1.5}
                    />
                  );
                })}
              {index % labelEvery === 0 && (
                <text className="money-chart-day" x={x + barWidth / 2} y={HEIGHT - 6} textAnchor="middle">
                  {dayLabel(day.date, locale)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <details className="money-chart-table">
        <summary>{t('money.earnings.showTable')}</summary>
        <div className="table-wrap">
          <table className="table table-compact" data-testid="earnings-table">
            <caption className="sr-only">{t('money.earnings.chartTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('money.date')}</th>
                {EARNING_KINDS.map((kind) => (
                  <th scope="col" key={kind} className="num">
                    {t(KIND_LABEL[kind])}
                  </th>
                ))}
                <th scope="col" className="num">
                  {t('money.total')}
                </th>
              </tr>
            </thead>
            <tbody>
              {days.map((day) => (
                <tr key={day.date}>
                  <th scope="row">{dayLabel(day.date, locale)}</th>
                  {day.segments.map((segment) => (
                    <td key={segment.kind} className="num">
                      {formatCoins(segment.value, locale)}
                    </td>
                  ))}
                  <td className="num">{formatCoins(day.total, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
