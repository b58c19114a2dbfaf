import { Gauge, type Registry } from 'prom-client';

function gauge(registry: Registry, name: string, help: string): Gauge<'stream'> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge<'stream'>;
  return new Gauge({ name, help, labelNames: ['stream'], registers: [registry] });
}

/** Per-stream transcoder gauges on the process's Prometheus registry. */
export class IngestMetrics {
  readonly #speed: Gauge<'stream'>;
  readonly #lag: Gauge<'stream'>;

  constructor(registry: Registry) {
    this.#speed = gauge(
      registry,
      'pnptv_transcoder_speed',
      'Live transcoder speed relative to real time (1 = real time)',
    );
    this.#lag = gauge(
      registry,
      'pnptv_transcoder_lag_seconds',
      'How far a live transcoder is behind real time, seconds',
    );
  }

  /** Records a stream's latest transcoder reading. */
  set(streamId: string, health: { speed: number | null; lagS: number }): void {
    if (health.speed !== null) this.#speed.set({ stream: streamId }, health.speed);
    this.#lag.set({ stream: streamId }, health.lagS);
  }

  /** Drops a stream's series when its session ends. */
  remove(streamId: string): void {
    this.#speed.remove({ stream: streamId });
    this.#lag.remove({ stream: streamId });
  }
}
