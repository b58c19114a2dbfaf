/** Pure rules of viewer analytics: presence buckets, sampling and when to announce a count. No I/O. */

/** Width of a presence bucket, ms. */
export const VIEWER_BUCKET_MS = 10_000;
/** Buckets a heartbeat marks present (its own and the next ones): a viewer counts for up to 30 s after the last beat. */
export const VIEWER_PRESENCE_BUCKETS = 3;
/** How often concurrent viewers are sampled and announced at most, ms. */
export const VIEWER_TICK_MS = 5_000;
/** Spacing of the points of the viewers-over-time series, ms. */
export const SERIES_STEP_MS = 15_000;
/** Most points kept in a session's series (8 hours at one point per 15 s). */
export const SERIES_MAX_POINTS = 1_920;
/** Watch time credited to a viewer for each bucket they were seen in, seconds. */
export const WATCH_SECONDS_PER_BUCKET = VIEWER_BUCKET_MS / 1000;

/** The bucket of an instant. */
export function viewerBucket(nowMs: number): number {
  return Math.floor(nowMs / VIEWER_BUCKET_MS);
}

/** The buckets a heartbeat at `nowMs` marks the viewer present in, current first. */
export function presenceBuckets(nowMs: number): number[] {
  const first = viewerBucket(nowMs);
  return Array.from({ length: VIEWER_PRESENCE_BUCKETS }, (_, i) => first + i);
}

/** One point of the viewers-over-time series. */
export interface SeriesPoint {
  t: string;
  viewers: number;
}

/** The series with a point for `nowMs` appended when the last one is at least SERIES_STEP_MS old, capped to the newest SERIES_MAX_POINTS. */
export function appendSample(series: readonly SeriesPoint[], nowMs: number, viewers: number): SeriesPoint[] {
  const last = series[series.length - 1];
  if (last && nowMs - Date.parse(last.t) < SERIES_STEP_MS) return [...series];
  const next = [...series, { t: new Date(nowMs).toISOString(), viewers }];
  return next.length > SERIES_MAX_POINTS ? next.slice(next.length - SERIES_MAX_POINTS) : next;
}
