import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus registry and the metrics recorded into it. Names follow Prometheus'
 * conventions (`promtool check metrics` passes): counters end in `_total`, units are in the name,
 * and labels take a small fixed set of values (never user, app or order ids).
 */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  jobsProcessed: Counter<'kind' | 'outcome'>;
  jobsQueued: Gauge<'status'>;
  webhookDeliveries: Counter<'outcome'>;
  /** Seconds a webhook delivery attempt took, whatever its outcome. */
  webhookDeliveryDuration: Histogram;
  /** Socket.IO connections open on this node. */
  realtimeSockets: Gauge;
  /** Chat messages accepted on this node, by channel kind (stream, room, community, dm). */
  chatMessages: Counter<'channel_kind'>;
  /** Live sessions and their concurrent viewers, instance-wide (sampled from the database at scrape). */
  liveStreams: Gauge;
  streamViewers: Gauge;
  /** Bytes of HLS playlists, segments and keys served by this node. */
  hlsServedBytes: Counter;
  /** Checkouts opened, by provider. */
  paymentCheckouts: Counter<'provider'>;
  /** Provider callbacks by result (applied, duplicate, ignored, refused, failed). */
  paymentCallbacks: Counter<'provider' | 'result'>;
  /** Payments that credited coins (succeeded) or took them back (refunded), by provider. */
  payments: Counter<'provider' | 'outcome'>;
  /** ffmpeg transcoders running on this node, one per live session. */
  transcoders: Gauge;
  /** Transcoders that gave up after their restarts ran out. */
  transcoderFailures: Counter;
  /** RTMP bytes received from publishers on this node. */
  ingestReceivedBytes: Counter;
  /**
   * Registers work to run before each scrape (figures read from the database, not counted by
   * this process). A failing hook is skipped: the scrape still answers with everything else.
   */
  onScrape(hook: () => Promise<void>): void;
  /** Runs the scrape hooks and renders the registry in Prometheus' text format. */
  scrape(): Promise<string>;
}

/**
 * prom-client's `*_total` gauges of active handles, requests and resources: gauges must not end in
 * `_total`, and each is the sum of the same-named gauge by type, which stays.
 */
const NON_COUNTER_TOTALS = ['active_handles_total', 'active_requests_total', 'active_resources_total'];

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
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({
      register: registry,
      prefix: 'pnptv_',
      eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS,
    });
    for (const name of NON_COUNTER_TOTALS) registry.removeSingleMetric(`pnptv_nodejs_${name}`);
  }
  const registers = [registry];
  const hooks: (() => Promise<void>)[] = [];
  return {
    registry,
    onScrape: (hook) => {
      hooks.push(hook);
    },
    scrape: async () => {
      await Promise.all(hooks.map((hook) => hook().catch(() => {})));
      return registry.metrics();
    },
    httpDuration: new Histogram({
      name: 'pnptv_http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by route pattern',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    jobsProcessed: new Counter({
      name: 'pnptv_jobs_processed_total',
      help: 'Jobs run by this worker, by kind and outcome (done, retry, dead)',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    jobsQueued: new Gauge({
      name: 'pnptv_jobs',
      help: 'Jobs in the outbox by status, sampled when /metrics is scraped',
      labelNames: ['status'],
      registers,
    }),
    webhookDeliveries: new Counter({
      name: 'pnptv_webhook_delivery_attempts_total',
      help: 'Webhook delivery attempts by outcome (succeeded, failed)',
      labelNames: ['outcome'],
      registers,
    }),
    webhookDeliveryDuration: new Histogram({
      name: 'pnptv_webhook_delivery_duration_seconds',
      help: 'Duration of webhook delivery attempts in seconds',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    realtimeSockets: new Gauge({
      name: 'pnptv_realtime_sockets',
      help: 'Socket.IO connections open on this node',
      registers,
    }),
    chatMessages: new Counter({
      name: 'pnptv_chat_messages_total',
      help: 'Chat messages accepted on this node, by channel kind',
      labelNames: ['channel_kind'],
      registers,
    }),
    liveStreams: new Gauge({
      name: 'pnptv_live_streams',
      help: 'Live sessions on the instance, sampled from the database at scrape',
      registers,
    }),
    streamViewers: new Gauge({
      name: 'pnptv_stream_viewers',
      help: 'Concurrent viewers of all live sessions on the instance, sampled from the database at scrape',
      registers,
    }),
    hlsServedBytes: new Counter({
      name: 'pnptv_hls_served_bytes_total',
      help: 'Bytes of HLS playlists, segments and keys served by this node',
      registers,
    }),
    paymentCheckouts: new Counter({
      name: 'pnptv_payment_checkouts_total',
      help: 'Checkouts opened, by payment provider',
      labelNames: ['provider'],
      registers,
    }),
    paymentCallbacks: new Counter({
      name: 'pnptv_payment_callbacks_total',
      help: 'Payment provider callbacks by result (applied, duplicate, ignored, refused, failed)',
      labelNames: ['provider', 'result'],
      registers,
    }),
    payments: new Counter({
      name: 'pnptv_payments_total',
      help: 'Payments that credited coins (succeeded) or took them back (refunded), by provider',
      labelNames: ['provider', 'outcome'],
      registers,
    }),
    transcoders: new Gauge({
      name: 'pnptv_transcoders',
      help: 'Live ffmpeg transcoders running on this node',
      registers,
    }),
    transcoderFailures: new Counter({
      name: 'pnptv_transcoder_failures_total',
      help: 'Live transcoders that gave up after their restarts ran out',
      registers,
    }),
    ingestReceivedBytes: new Counter({
      name: 'pnptv_ingest_received_bytes_total',
      help: 'RTMP bytes received from publishers on this node',
      registers,
    }),
  };
}
