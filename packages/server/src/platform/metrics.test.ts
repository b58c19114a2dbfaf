import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createMetrics, EVENT_LOOP_SAMPLE_MS } from './metrics.ts';

function gauge(text: string, name: string): number {
  const match = new RegExp(`^${name} ([\\d.eE+-]+)$`, 'm').exec(text);
  if (!match) throw new Error(`${name} missing from the metrics`);
  return Number(match[1]);
}

describe('process metrics', () => {
  it('samples the event-loop delay every EVENT_LOOP_SAMPLE_MS rather than every 10 ms', async () => {
    const { registry } = createMetrics();
    await registry.metrics();
    await sleep(EVENT_LOOP_SAMPLE_MS * 6);
    const text = await registry.metrics();
    // An idle loop's readings are the sampling period itself.
    const min = gauge(text, 'pnptv_nodejs_eventloop_lag_min_seconds');
    expect(min).toBeGreaterThan((EVENT_LOOP_SAMPLE_MS * 0.8) / 1000);
    expect(gauge(text, 'pnptv_nodejs_eventloop_lag_max_seconds')).toBeGreaterThanOrEqual(min);
  });

  it('leaves the default process metrics out when asked', async () => {
    const { registry } = createMetrics({ defaultMetrics: false });
    expect(await registry.metrics()).not.toContain('pnptv_nodejs_eventloop_lag');
  });
});
