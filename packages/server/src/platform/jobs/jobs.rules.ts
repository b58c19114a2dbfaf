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
