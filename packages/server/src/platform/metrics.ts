import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The process's Prometheus registry and the metrics the platform itself records. */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  jobsProcessed: Counter<'kind' | 'outcome'>;
  jobsQueued: Gauge<'status'>;
  webhookDeliveries: Counter<'outcome'>;
}

/**
 * Period of the event-loop delay histogram (`pnptv_nodejs_eventloop_lag_*`), ms. Each period
 * wakes an otherwise idle event loop: at prom-client's default of 10 ms that is 100 wake-ups a
 * second, ≈0.005 core of an idle server on a 2-core host. At 50 ms a stall still shows in the max and
 * percentiles (readings include the period itself, so an idle loop reads ≈0.05 s).
 */
export const EVENT_LOOP_SAMPLE_MS = 50;

/** Creates a fresh registry (one per app instance, so tests never share global state). */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({
      register: registry,
      prefix: 'pnptv_',
      eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS,
    });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'pnptv_http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by route pattern',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    jobsProcessed: new Counter({
      name: 'pnptv_jobs_processed_total',
      help: 'Jobs run by this worker, by kind and outcome (done, retry, dead)',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    jobsQueued: new Gauge({
      name: 'pnptv_jobs',
      help: 'Jobs in the outbox by status, sampled when /metrics is scraped',
      labelNames: ['status'],
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'pnptv_webhook_delivery_attempts_total',
      help: 'Webhook delivery attempts by outcome (succeeded, failed)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
