/**
 * `pushwire serve --metrics-port` / `--metrics-host` / `--no-metrics` and PUSHWIRE_METRICS_*, as a
 * child process: the banner says where `/metrics` is, that port serves it and the main one no
 * longer does; turned off, it answers 404.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { startServe } from './helpers/serve-process';

function metricsPortOf(stdout: string): number {
  const match = /Metrics: http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(stdout);
  expect(match).not.toBeNull();
  return Number(match?.[1]);
}

describe('pushwire serve with a metrics port', () => {
  it('--metrics-port serves /metrics there and not on the main port', async () => {
    const serve = await startServe(['--metrics-port', '0', '--metrics-host', '127.0.0.1']);
    onTestFinished(() => serve.stop().then(() => undefined));
    const port = metricsPortOf(serve.output().stdout);
    expect(port).not.toBe(serve.port);
    const scrape = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('# TYPE pushwire_delivery_latency_seconds histogram');
    expect((await fetch(`http://127.0.0.1:${serve.port}/metrics`)).status).toBe(404);
  });

  it('PUSHWIRE_METRICS_ENABLED=false and --no-metrics turn /metrics off', async () => {
    for (const [args, env] of [
      [[], { PUSHWIRE_METRICS_ENABLED: 'false' }],
      [['--no-metrics'], {}],
    ] as const) {
      const serve = await startServe([...args], env);
      onTestFinished(() => serve.stop().then(() => undefined));
      expect(serve.output().stdout).toContain('Metrics: off');
      expect((await fetch(`http://127.0.0.1:${serve.port}/metrics`)).status).toBe(404);
    }
  });
});
