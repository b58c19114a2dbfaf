/**
 * Normalises a TTL in ms: `undefined` means no expiry; anything else must be a positive finite number
 * and is rounded up to whole ms, because Redis `PX` takes integers and rounding down could reach 0.
 */
export function normaliseTtl(ttlMs: number | undefined): number | undefined {
  if (ttlMs === undefined) return undefined;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`cache TTL must be a positive number of ms, got ${ttlMs}`);
  }
  return Math.ceil(ttlMs);
}

/** Checks an increment step: a safe integer, as Redis `INCRBY` accepts only integers. */
export function assertIncrementStep(by: number): void {
  if (!Number.isSafeInteger(by)) throw new RangeError(`cache increment must be a safe integer, got ${by}`);
}

/** Parses a stored counter the way Redis `INCRBY` does: only a canonical base-10 integer string counts. */
export function parseCounter(value: string): number {
  if (!/^-?(0|[1-9][0-9]*)$/.test(value)) throw new Error('ERR value is not an integer or out of range');
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new Error('ERR value is not an integer or out of range');
  return parsed;
}
