/**
 * Delay before retry number `attempt` (1 = the first retry), milliseconds: exponential from
 * `baseMs`, capped at `maxMs`, with up to 20 % random jitter so retries from many jobs spread out.
 */
export function backoffMs(
  attempt: number,
  options: { baseMs?: number; maxMs?: number; random?: () => number } = {},
): number {
  const base = options.baseMs ?? 5_000;
  const max = options.maxMs ?? 6 * 3_600_000;
  const exact = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  const jitter = 1 + 0.2 * (options.random ?? Math.random)();
  return Math.min(max, Math.round(exact * jitter));
}

/** What to do with a job whose handler failed on attempt `attempts` of `maxAttempts`. */
export function nextStepAfterFailure(attempts: number, maxAttempts: number): 'retry' | 'dead' {
  return attempts >= maxAttempts ? 'dead' : 'retry';
}

/** How many times longer than its poll interval an idle worker may sleep between polls. */
export const IDLE_POLL_MAX_FACTOR = 8;

/**
 * How long a worker sleeps after `emptyPolls` polls in a row found nothing due: the poll
 * interval, doubling with each empty poll up to IDLE_POLL_MAX_FACTOR times it. New work wakes
 * a sleeping worker at once (in process and across nodes through the bus), so the longer sleep
 * only delays jobs scheduled for later and retries, and spares an idle server its queries.
 */
export function idlePollMs(pollMs: number, emptyPolls: number): number {
  const factor = 2 ** Math.min(Math.max(0, emptyPolls), Math.log2(IDLE_POLL_MAX_FACTOR));
  return pollMs * factor;
}
