// Prometheus metrics (prom-client), one registry per container (no process-global state, so tests and several apps
// in one process do not collide). The HTTP server, the inference runtime and the container record into the fixed
// series below; any part adds its own gauges with `gauge()` (e.g. cameras: frames per second), read at scrape time.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds; from 1 ms (a cached search) to 30 s (a large image through every model on a busy CPU). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export type GaugeCollect = (set: (labels: Record<string, string>, value: number) => void) => Promise<void> | void;

export class Metrics {
  readonly registry = new Registry();
  readonly requests: Counter<'api' | 'operation' | 'status'>;
  readonly requestSeconds: Histogram<'api' | 'operation'>;
  readonly inferenceSeconds: Histogram<'model'>;
  private readonly collectErrors: Counter<'gauge'>;

  constructor(options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'facegate_' });
    this.requests = new Counter({
      name: 'facegate_requests_total',
      help: 'HTTP requests by API (rekognition, rest, other), operation and status code',
      labelNames: ['api', 'operation', 'status'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'facegate_request_duration_seconds',
      help: 'HTTP request latency by API and operation',
      labelNames: ['api', 'operation'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.inferenceSeconds = new Histogram({
      name: 'facegate_inference_duration_seconds',
      help: 'Time of one model run (one session.run) by model',
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.collectErrors = new Counter({
      name: 'facegate_metrics_collect_errors_total',
      help: 'Scrapes in which a gauge could not be read (its series are then absent)',
      labelNames: ['gauge'],
      registers,
    });
  }

  /**
   * A gauge whose values are read when Prometheus scrapes. `collect` sets one value per label set; a failing collect
   * leaves the gauge's labelled series out of that scrape (and counts the failure) rather than failing the page.
   */
  gauge(name: string, help: string, labelNames: string[], collect: GaugeCollect): void {
    const errors = this.collectErrors;
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          await collect((labels, value) => this.set(labels, value));
        } catch {
          this.reset();
          errors.inc({ gauge: name });
        }
      },
    });
  }

  /** The exposition page and its content type. */
  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
