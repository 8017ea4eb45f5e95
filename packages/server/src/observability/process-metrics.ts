/**
 * @module observability/process-metrics
 * Process and runtime metrics, read when `/metrics` is scraped: CPU time, resident memory, heap,
 * event-loop lag (a setImmediate probe at each scrape, plus percentiles from
 * `perf_hooks.monitorEventLoopDelay` since the previous scrape), GC pauses (a `gc`
 * PerformanceObserver) and open file descriptors (where /proc exists). The loop-delay monitor and
 * the GC observer start at the first scrape, so a node nobody scrapes pays nothing; what the
 * runtime lacks (Bun 1.4 has the loop-delay monitor but no `gc` entries) is left out of the output
 * rather than reported as 0.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { IntervalHistogram, PerformanceEntry } from 'node:perf_hooks';
// A namespace import: runtimes without some of these (Bun) must still load this module.
import * as perfHooks from 'node:perf_hooks';
import type { HistogramSeries, Metrics } from './metrics';

/**
 * Scrapes closer together than this reuse the previous reading: a flood of `/metrics` requests
 * (the main port may face the internet) costs at most one /proc listing per interval.
 */
export const PROCESS_METRICS_MIN_INTERVAL_MS = 1000;
/** Sampling resolution of the event-loop delay monitor, in milliseconds. */
const LOOP_DELAY_RESOLUTION_MS = 10;
const NS_PER_SECOND = 1e9;
const RESOLVED: Promise<void> = Promise.resolve();
const US_PER_SECOND = 1e6;

/** `detail.kind` of a `gc` performance entry → the `kind` label (Node's constants). */
function gcKinds(): ReadonlyMap<number, string> {
  const constants = (perfHooks as { readonly constants?: Partial<typeof perfHooks.constants> })
    .constants;
  const kinds = new Map<number, string>();
  const add = (value: number | undefined, name: string) => {
    if (value !== undefined) kinds.set(value, name);
  };
  add(constants?.NODE_PERFORMANCE_GC_MAJOR, 'major');
  add(constants?.NODE_PERFORMANCE_GC_MINOR, 'minor');
  add(constants?.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental');
  add(constants?.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb');
  return kinds;
}

/** The process metrics of one server. */
export class ProcessMetrics {
  readonly #metrics: Metrics;
  #started = false;
  #loopDelay: IntervalHistogram | undefined;
  #gc: perfHooks.PerformanceObserver | undefined;
  readonly #gcSeries = new Map<string, HistogramSeries>();
  #gcKinds: ReadonlyMap<number, string> = new Map();
  /** `Max open files` from /proc/self/limits; null when unknown. */
  #maxFds: number | null | undefined;
  readonly #startTimeSec = Math.round(Date.now() / 1000 - process.uptime());
  #reading: Promise<void> | undefined;
  #readAt = Number.NEGATIVE_INFINITY;

  constructor(metrics: Metrics) {
    this.#metrics = metrics;
  }

  /**
   * Sets every process series (and starts the monitors on the first call), at most once per
   * {@link PROCESS_METRICS_MIN_INTERVAL_MS}: concurrent scrapes share one reading. Never rejects.
   */
  collect(): Promise<void> {
    if (this.#reading !== undefined) return this.#reading;
    if (performance.now() - this.#readAt < PROCESS_METRICS_MIN_INTERVAL_MS) return RESOLVED;
    this.#reading = this.#read()
      .catch(() => undefined)
      .finally(() => {
        this.#readAt = performance.now();
        this.#reading = undefined;
      });
    return this.#reading;
  }

  async #read(): Promise<void> {
    this.#start();
    const metrics = this.#metrics;
    const probeStart = performance.now();
    await new Promise<void>((resolve) => setImmediate(resolve));
    metrics.set('nodejs_eventloop_lag_seconds', (performance.now() - probeStart) / 1000);

    const cpu = process.cpuUsage();
    metrics.set('process_cpu_user_seconds_total', cpu.user / US_PER_SECOND);
    metrics.set('process_cpu_system_seconds_total', cpu.system / US_PER_SECOND);
    metrics.set('process_cpu_seconds_total', (cpu.user + cpu.system) / US_PER_SECOND);
    const memory = process.memoryUsage();
    metrics.set('process_resident_memory_bytes', memory.rss);
    metrics.set('nodejs_heap_size_total_bytes', memory.heapTotal);
    metrics.set('nodejs_heap_size_used_bytes', memory.heapUsed);
    metrics.set('nodejs_external_memory_bytes', memory.external);
    metrics.set('process_start_time_seconds', this.#startTimeSec);

    const delay = this.#loopDelay;
    if (delay !== undefined && delay.count > 0) {
      metrics.set('nodejs_eventloop_lag_p50_seconds', delay.percentile(50) / NS_PER_SECOND);
      metrics.set('nodejs_eventloop_lag_p99_seconds', delay.percentile(99) / NS_PER_SECOND);
      metrics.set('nodejs_eventloop_lag_max_seconds', delay.max / NS_PER_SECOND);
      delay.reset();
    }
    await this.#collectFds();
  }

  /** Stops the monitors (server close). */
  close(): void {
    this.#loopDelay?.disable();
    this.#gc?.disconnect();
    this.#loopDelay = undefined;
    this.#gc = undefined;
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    const hooks = perfHooks as Partial<typeof perfHooks>;
    try {
      const delay = hooks.monitorEventLoopDelay?.({ resolution: LOOP_DELAY_RESOLUTION_MS });
      delay?.enable();
      this.#loopDelay = delay;
    } catch {
      // Not implemented by this runtime: only the setImmediate probe is reported.
    }
    const Observer = hooks.PerformanceObserver;
    const supported = (Observer as { readonly supportedEntryTypes?: readonly string[] } | undefined)
      ?.supportedEntryTypes;
    if (Observer === undefined || supported?.includes('gc') !== true) return;
    this.#gcKinds = gcKinds();
    try {
      const observer = new Observer((list) => {
        for (const entry of list.getEntries()) this.#recordGc(entry);
      });
      observer.observe({ entryTypes: ['gc'] });
      this.#gc = observer;
    } catch {
      // GC entries not available after all: no GC metrics.
    }
  }

  #recordGc(entry: PerformanceEntry): void {
    const detail = (entry as PerformanceEntry & { readonly detail?: { readonly kind?: number } })
      .detail;
    const kind = this.#gcKinds.get(detail?.kind ?? -1) ?? 'other';
    let series = this.#gcSeries.get(kind);
    if (series === undefined) {
      series = this.#metrics.histogram('nodejs_gc_duration_seconds', { kind });
      this.#gcSeries.set(kind, series);
    }
    series.observe(entry.duration / 1000);
  }

  async #collectFds(): Promise<void> {
    if (process.platform !== 'linux') return;
    try {
      // The listing holds one descriptor of its own while it runs.
      const open = (await readdir('/proc/self/fd')).length - 1;
      this.#metrics.set('process_open_fds', Math.max(0, open));
    } catch {
      return;
    }
    if (this.#maxFds === undefined) {
      this.#maxFds = null;
      try {
        const limits = await readFile('/proc/self/limits', 'utf8');
        const match = /^Max open files\s+(\d+)/m.exec(limits);
        if (match?.[1] !== undefined) this.#maxFds = Number(match[1]);
      } catch {
        // Unknown limit: not reported.
      }
    }
    if (this.#maxFds !== null) this.#metrics.set('process_max_fds', this.#maxFds);
  }
}
