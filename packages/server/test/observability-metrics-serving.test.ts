/**
 * `/metrics` scraped over HTTP after real traffic (WebSocket clients, SDK triggers, a webhook
 * receiver): per-app series for configured apps only, histograms in the standard exposition
 * (cumulative `_bucket{le}`, `_sum`, `_count`), process metrics, the separate metrics port (and
 * the main port no longer serving it), `enabled: false`, and the options from env and files.
 * Every scrape is parsed line by line.
 */
import { pushwireSdk, startWebhookReceiver } from '@pushwire/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { encodePublish, parseEnvelope } from '../src/adapters/redis/envelope';
import { mergeOptions, optionsFromEnv } from '../src/apps/load-config';
import {
  type AppOptions,
  createServer,
  type PushwireServer,
  resolveServerOptions,
  ServerConfigError,
  type ServerOptions,
  silentLogger,
} from '../src/index';
import { PROCESS_METRICS_MIN_INTERVAL_MS } from '../src/observability/process-metrics';
import { rawRequest } from './http-helpers';
import { connect, RawClient } from './ws-helpers';

const APP_A: AppOptions = { id: 'app-a', key: 'key-a', secret: 'secret-a' };
const APP_B: AppOptions = { id: 'app-b', key: 'key-b', secret: 'secret-b' };
const IS_BUN = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface Exposition {
  readonly types: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;

/** A strict reader of the text format 0.0.4: throws on any line it does not understand. */
function parseExposition(text: string): Exposition {
  expect(text.endsWith('\n')).toBe(true);
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|untyped)$/.exec(line);
    if (type !== null) {
      expect(types.has(type[1] as string)).toBe(false);
      types.set(type[1] as string, type[2] as string);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* \S/.test(line)) continue;
    const sample = SAMPLE_LINE.exec(line);
    if (sample === null) throw new Error(`unparsable line: ${line}`);
    const labels: Record<string, string> = {};
    const body = sample[2] ?? '';
    LABEL_PAIR.lastIndex = 0;
    while (LABEL_PAIR.lastIndex < body.length) {
      const pair = LABEL_PAIR.exec(body);
      if (pair === null) throw new Error(`bad labels: ${line}`);
      labels[pair[1] as string] = pair[2] as string;
    }
    const raw = sample[3] as string;
    const value = raw === '+Inf' ? Number.POSITIVE_INFINITY : Number(raw);
    if (Number.isNaN(value)) throw new Error(`bad value: ${line}`);
    const name = sample[1] as string;
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    expect(types.has(family), `${name} has a # TYPE`).toBe(true);
    samples.push({ name, labels, value });
  }
  return { types, samples };
}

function series(exposition: Exposition, name: string, labels: Record<string, string> = {}) {
  return exposition.samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([label, value]) => sample.labels[label] === value),
  );
}

function sampleValue(exposition: Exposition, name: string, labels: Record<string, string> = {}) {
  const found = series(exposition, name, labels);
  expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return (found[0] as Sample).value;
}

/** Checks a histogram series: cumulative buckets ending in +Inf = _count, and _sum. */
function histogramOf(exposition: Exposition, name: string, labels: Record<string, string>) {
  const buckets = series(exposition, `${name}_bucket`, labels);
  expect(buckets.length).toBeGreaterThan(2);
  let previous = 0;
  let previousBound = Number.NEGATIVE_INFINITY;
  for (const bucket of buckets) {
    const bound = bucket.labels['le'] === '+Inf' ? Infinity : Number(bucket.labels['le']);
    expect(bound).toBeGreaterThan(previousBound);
    expect(bucket.value).toBeGreaterThanOrEqual(previous);
    previous = bucket.value;
    previousBound = bound;
  }
  expect(buckets.at(-1)?.labels['le']).toBe('+Inf');
  const count = sampleValue(exposition, `${name}_count`, labels);
  expect(buckets.at(-1)?.value).toBe(count);
  const sum = sampleValue(exposition, `${name}_sum`, labels);
  expect(sum).toBeGreaterThanOrEqual(0);
  return { count, sum, buckets };
}

async function scrape(port: number): Promise<Exposition> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await response.text());
}

async function start(options: ServerOptions): Promise<PushwireServer> {
  const server = createServer({ port: 0, logLevel: 'silent', apps: [APP_A, APP_B], ...options });
  onTestFinished(() => server.close());
  await server.listen();
  return server;
}

function wsUrl(port: number, key: string): string {
  return `ws://127.0.0.1:${port}/app/${key}?protocol=7&client=js&version=8.6.0&flash=false`;
}

describe('/metrics after real traffic', () => {
  it('has per-app series, consistent histograms and process metrics', async () => {
    const receiver = await startWebhookReceiver();
    const server = await start({
      apps: [{ ...APP_A, webhooks: [{ url: receiver.url, events: ['channel_occupied'] }] }, APP_B],
    });
    const port = server.address()?.port as number;
    const a1 = await connect(wsUrl(port, APP_A.key));
    const a2 = await connect(wsUrl(port, APP_A.key));
    const b1 = await connect(wsUrl(port, APP_B.key));
    onTestFinished(() => {
      for (const client of [a1, a2, b1]) client.socket.close();
    });
    await a1.join('news', undefined, APP_A);
    await a2.join('news', undefined, APP_A);
    await b1.join('news', undefined, APP_B);
    // An unknown key is refused: it gets no series of its own.
    const stranger = new RawClient(wsUrl(port, 'no-such-key'));
    await stranger.closed;

    await pushwireSdk(port, APP_A).trigger('news', 'first', { n: 1 });
    await pushwireSdk(port, APP_A).trigger('news', 'second', { n: 2 });
    await pushwireSdk(port, APP_B).trigger('news', 'only', { n: 3 });
    await Promise.all([a1.event('second'), a2.event('second'), b1.event('only')]);
    await receiver.waitFor(1);

    // The first scrape starts the loop-delay monitor and the GC observer; make some garbage.
    await scrape(port);
    let garbage: number[][] = [];
    for (let round = 0; round < 200; round++) garbage = [new Array(50_000).fill(round)];
    expect(garbage).toHaveLength(1);
    // Scrapes closer together than the interval reuse the previous process reading.
    await new Promise((resolve) => setTimeout(resolve, PROCESS_METRICS_MIN_INTERVAL_MS + 100));
    const metrics = await scrape(port);

    expect(sampleValue(metrics, 'pushwire_connections', { app_id: APP_A.id })).toBe(2);
    expect(sampleValue(metrics, 'pushwire_connections', { app_id: APP_B.id })).toBe(1);
    expect(sampleValue(metrics, 'pushwire_messages_received_total', { app_id: APP_A.id })).toBe(2);
    expect(sampleValue(metrics, 'pushwire_messages_received_total', { app_id: APP_B.id })).toBe(1);
    // Per client: connection_established, subscription_succeeded, then the events.
    expect(sampleValue(metrics, 'pushwire_messages_sent_total', { app_id: APP_A.id })).toBe(8);
    expect(sampleValue(metrics, 'pushwire_messages_sent_total', { app_id: APP_B.id })).toBe(3);
    expect(sampleValue(metrics, 'pushwire_api_events_total', { app_id: APP_A.id })).toBe(2);
    expect(sampleValue(metrics, 'pushwire_api_events_total', { app_id: APP_B.id })).toBe(1);
    expect(
      sampleValue(metrics, 'pushwire_refusals_total', { app_id: '', kind: 'unknown_app' }),
    ).toBe(1);
    expect(
      sampleValue(metrics, 'pushwire_webhooks_sent_total', { app_id: APP_A.id, result: 'ok' }),
    ).toBe(1);
    // Bounded: only configured apps and "" ever appear as app_id.
    const appIds = new Set(
      metrics.samples.flatMap((sample) =>
        sample.labels['app_id'] === undefined ? [] : [sample.labels['app_id']],
      ),
    );
    expect([...appIds].sort()).toEqual(['', APP_A.id, APP_B.id]);

    // One observation per fan-out (not per recipient).
    expect(metrics.types.get('pushwire_delivery_latency_seconds')).toBe('histogram');
    const deliveryA = histogramOf(metrics, 'pushwire_delivery_latency_seconds', {
      app_id: APP_A.id,
    });
    expect(deliveryA.count).toBe(2);
    expect(deliveryA.sum).toBeLessThan(5);
    expect(
      histogramOf(metrics, 'pushwire_delivery_latency_seconds', { app_id: APP_B.id }).count,
    ).toBe(1);
    const webhookA = histogramOf(metrics, 'pushwire_webhook_latency_seconds', {
      app_id: APP_A.id,
    });
    expect(webhookA.count).toBe(1);
    expect(webhookA.sum).toBeGreaterThan(0);
    expect(
      histogramOf(metrics, 'pushwire_webhook_latency_seconds', { app_id: APP_B.id }).count,
    ).toBe(0);

    expect(sampleValue(metrics, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(sampleValue(metrics, 'process_resident_memory_bytes')).toBeGreaterThan(1_000_000);
    expect(sampleValue(metrics, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sampleValue(metrics, 'nodejs_heap_size_total_bytes')).toBeGreaterThan(0);
    expect(sampleValue(metrics, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sampleValue(metrics, 'process_start_time_seconds')).toBeGreaterThan(1_600_000_000);
    if (process.platform === 'linux') {
      expect(sampleValue(metrics, 'process_open_fds')).toBeGreaterThan(3);
      expect(sampleValue(metrics, 'process_max_fds')).toBeGreaterThan(0);
    }
    // monitorEventLoopDelay works on Node and on Bun (1.4); `gc` entries only on Node.
    expect(sampleValue(metrics, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
    expect(sampleValue(metrics, 'nodejs_eventloop_lag_max_seconds')).toBeGreaterThan(0);
    if (IS_BUN) {
      expect(series(metrics, 'nodejs_gc_duration_seconds_count')).toEqual([]);
    } else {
      const gcCount = series(metrics, 'nodejs_gc_duration_seconds_count').reduce(
        (total, sample) => total + sample.value,
        0,
      );
      expect(gcCount).toBeGreaterThan(0);
    }
  });

  it('counts the delivery latency of a publish that crossed nodes from the envelope', () => {
    const publishedAt = performance.timeOrigin + performance.now();
    const text = encodePublish('node-1', { appId: 'a', channel: 'c', frame: '{}', publishedAt });
    const envelope = parseEnvelope(text);
    expect(envelope).toEqual({
      kind: 'publish',
      nodeId: 'node-1',
      message: { appId: 'a', channel: 'c', frame: '{}', publishedAt },
    });
    // Client events carry no publish time; a bad one is ignored, never trusted.
    expect(parseEnvelope(encodePublish('n', { appId: 'a', channel: 'c', frame: '{}' }))).toEqual({
      kind: 'publish',
      nodeId: 'n',
      message: { appId: 'a', channel: 'c', frame: '{}' },
    });
    const bad = parseEnvelope('{"n":"n","k":"p","a":"a","c":"c","f":"{}","t":"soon"}');
    expect(bad).toEqual({
      kind: 'publish',
      nodeId: 'n',
      message: { appId: 'a', channel: 'c', frame: '{}' },
    });
  });
});

describe('serving /metrics', () => {
  it('on a port of its own, and no longer on the main port', async () => {
    const server = await start({ metrics: { port: 0, host: '127.0.0.1' } });
    const main = server.address()?.port as number;
    const address = server.metricsAddress();
    expect(address).toBeDefined();
    const metricsPort = address?.port as number;
    expect(metricsPort).not.toBe(main);
    expect(address?.url).toBe(`http://127.0.0.1:${metricsPort}`);

    await pushwireSdk(main, APP_A).trigger('news', 'e', {});
    const metrics = await scrape(metricsPort);
    expect(sampleValue(metrics, 'pushwire_api_events_total', { app_id: APP_A.id })).toBe(1);
    expect(sampleValue(metrics, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    // A burst of scrapes reads the process once: the same CPU time in every answer.
    const burst = await Promise.all([1, 2, 3, 4, 5].map(() => scrape(metricsPort)));
    const cpu = burst.map((each) => sampleValue(each, 'process_cpu_seconds_total'));
    expect(new Set(cpu).size).toBe(1);

    const onMain = await rawRequest(main, { method: 'GET', path: '/metrics' });
    expect(onMain.status).toBe(404);
    expect(onMain.json()).toEqual({ error: 'Not found' });
    // The metrics port serves nothing else.
    expect((await rawRequest(metricsPort, { method: 'GET', path: '/health' })).status).toBe(404);
    expect((await rawRequest(metricsPort, { method: 'POST', path: '/metrics' })).status).toBe(404);
    // The main port still serves the rest.
    expect((await rawRequest(main, { method: 'GET', path: '/health' })).status).toBe(200);

    await server.close();
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  });

  it('answers 404 when turned off, on the main port and without a metrics port', async () => {
    const off = await start({ metrics: false });
    const response = await rawRequest(off.address()?.port as number, {
      method: 'GET',
      path: '/metrics',
    });
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({ error: 'Metrics are disabled' });

    const offWithPort = await start({ metrics: { enabled: false, port: 0 } });
    expect(offWithPort.metricsAddress()).toBeUndefined();
    const main = await rawRequest(offWithPort.address()?.port as number, {
      method: 'GET',
      path: '/metrics',
    });
    expect(main.status).toBe(404);
  });
});

describe('the metrics option', () => {
  it('resolves true, false and objects; a host needs a port', () => {
    const resolve = (metrics: ServerOptions['metrics']) =>
      resolveServerOptions({
        logger: silentLogger,
        host: '10.0.0.1',
        ...(metrics === undefined ? {} : { metrics }),
      }).metrics;
    expect(resolve(undefined)).toEqual({ enabled: true });
    expect(resolve(false)).toEqual({ enabled: false });
    expect(resolve({ port: 9601 })).toEqual({ enabled: true, host: '10.0.0.1', port: 9601 });
    expect(resolve({ port: 9601, host: '127.0.0.1' })).toEqual({
      enabled: true,
      host: '127.0.0.1',
      port: 9601,
    });
    expect(() => resolve({ host: '127.0.0.1' })).toThrow(ServerConfigError);
    expect(() => resolve({ port: 70_000 })).toThrow(/metrics\.port/);
    expect(() => resolve({ portt: 1 } as never)).toThrow(/metrics\.portt/);
  });

  it('comes from PUSHWIRE_METRICS_* and merges field by field across layers', () => {
    expect(
      optionsFromEnv({ PUSHWIRE_METRICS_PORT: '9601', PUSHWIRE_METRICS_HOST: '0.0.0.0' }).metrics,
    ).toEqual({ host: '0.0.0.0', port: 9601 });
    expect(optionsFromEnv({ PUSHWIRE_METRICS_ENABLED: 'false' }).metrics).toEqual({
      enabled: false,
    });
    expect(() => optionsFromEnv({ PUSHWIRE_METRICS_PORT: 'x' })).toThrow(/PUSHWIRE_METRICS_PORT/);
    // A file's `metrics: false` and the environment's port: still off.
    const merged = mergeOptions({ metrics: false }, optionsFromEnv({ PUSHWIRE_METRICS_PORT: '9' }));
    expect(merged.metrics).toEqual({ enabled: false, port: 9 });
    // The host in the file, the port from the environment.
    const split = mergeOptions(
      { metrics: { host: '127.0.0.1', port: 1 } },
      optionsFromEnv({ PUSHWIRE_METRICS_PORT: '9601' }),
    );
    expect(split.metrics).toEqual({ host: '127.0.0.1', port: 9601 });
  });
});
