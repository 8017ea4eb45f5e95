/**
 * The Prometheus text rendering (HELP/TYPE, labels, escaping, zero defaults) and the logger's
 * levels, formats and redaction: a server whose app secret is in the options never prints it,
 * even on failing requests at debug level.
 */
import { describe, expect, it } from 'vitest';
import { createLogger, Metrics } from '../src/index';
import { REST_APP, rejectionOf, signedRequest, startRestServer } from './http-helpers';

describe('Metrics.render', () => {
  it('renders HELP and TYPE for every known metric, labelled series sorted and escaped', () => {
    const metrics = new Metrics();
    metrics.inc('pushwire_http_requests_total', { status: '200', route: 'events' });
    metrics.inc('pushwire_http_requests_total', { route: 'events', status: '200' }, 2);
    metrics.inc('pushwire_errors_total', { kind: 'say "hi"\\\n' });
    metrics.set('pushwire_connections', 5);
    metrics.inc('custom_things_total');
    const text = metrics.render();
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain(
      '# HELP pushwire_http_requests_total HTTP requests answered, by route and status code.\n' +
        '# TYPE pushwire_http_requests_total counter\n' +
        'pushwire_http_requests_total{route="events",status="200"} 3\n',
    );
    expect(text).toContain('# TYPE pushwire_connections gauge\npushwire_connections 5\n');
    expect(text).toContain('pushwire_errors_total{kind="say \\"hi\\"\\\\\\n"} 1\n');
    expect(text).toContain('# TYPE custom_things_total untyped\ncustom_things_total 1\n');
    // Known unlabelled metrics start at 0; labelled ones have no series until used.
    expect(text).not.toContain('pushwire_messages_sent_total 0\n');
    expect(text).toContain('pushwire_adapter_up 0\n');
    expect(text).toContain(
      '# HELP pushwire_webhooks_sent_total Webhook POSTs, by app and result (ok, retry, failed, dropped).\n' +
        '# TYPE pushwire_webhooks_sent_total counter\n',
    );
    expect(text.endsWith('# TYPE pushwire_webhooks_sent_total counter\n')).toBe(true);
    for (const line of text.trimEnd().split('\n')) {
      expect(line).toMatch(/^(# (HELP|TYPE) [a-z0-9_:]+ .+|[a-z0-9_:]+(\{.*\})? -?[0-9.e+Inf]+)$/);
    }
  });

  it('renders histograms cumulatively; series handles and get() sum matching series', () => {
    const metrics = new Metrics({ appIds: ['a'] });
    const latency = metrics.histogram('pushwire_delivery_latency_seconds', { app_id: 'a' });
    for (const seconds of [0.0001, 0.003, 0.003, 7]) latency.observe(seconds);
    metrics.apps.of('a').messagesSent.inc(3);
    // An id that is not configured never gets series of its own.
    metrics.apps.of('made-up').messagesSent.inc();
    const text = metrics.render();
    expect(text).toContain(
      'pushwire_delivery_latency_seconds_bucket{app_id="a",le="0.0005"} 1\n' +
        'pushwire_delivery_latency_seconds_bucket{app_id="a",le="0.001"} 1\n' +
        'pushwire_delivery_latency_seconds_bucket{app_id="a",le="0.0025"} 1\n' +
        'pushwire_delivery_latency_seconds_bucket{app_id="a",le="0.005"} 3\n',
    );
    expect(text).toContain(
      'pushwire_delivery_latency_seconds_bucket{app_id="a",le="5"} 3\n' +
        'pushwire_delivery_latency_seconds_bucket{app_id="a",le="+Inf"} 4\n' +
        'pushwire_delivery_latency_seconds_sum{app_id="a"} 7.0061\n' +
        'pushwire_delivery_latency_seconds_count{app_id="a"} 4\n',
    );
    expect(text).toContain('pushwire_messages_sent_total{app_id=""} 1\n');
    expect(text).toContain('pushwire_messages_sent_total{app_id="a"} 3\n');
    expect(text).not.toContain('made-up');
    expect(metrics.get('pushwire_messages_sent_total')).toBe(4);
    expect(metrics.get('pushwire_messages_sent_total', { app_id: 'a' })).toBe(3);
    expect(metrics.get('pushwire_delivery_latency_seconds', { app_id: 'a' })).toBe(4);
    expect(() => metrics.histogram('pushwire_messages_sent_total')).toThrow(TypeError);
  });

  it('rejects invalid metric and label names', () => {
    const metrics = new Metrics();
    expect(() => metrics.inc('bad-name')).toThrow(TypeError);
    expect(() => metrics.inc('ok_total', { 'bad-label': 'x' })).toThrow(TypeError);
  });
});

describe('createLogger', () => {
  it('writes JSON lines at or above the level, with redacted secret fields', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', write: (line) => lines.push(line) });
    logger.info('hidden');
    logger.warn('shown', { app: '1', secret: 'x', auth_signature: 'y', error: new Error('boom') });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(entry).toMatchObject({
      level: 'warn',
      msg: 'shown',
      app: '1',
      secret: '[redacted]',
      auth_signature: '[redacted]',
      error: { name: 'Error', message: 'boom' },
    });
    expect(typeof entry['time']).toBe('string');
  });

  it('pretty-prints and scrubs configured secrets from any text', () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'debug',
      format: 'pretty',
      secrets: ['hunter2-secret'],
      write: (line) => lines.push(line),
    });
    logger.debug('value is hunter2-secret', { note: 'also hunter2-secret' });
    expect(lines[0]).toMatch(/^\S+ DEBUG value is \[redacted\] note=also \[redacted\]$/);
  });

  it('silent drops everything', () => {
    const lines: string[] = [];
    createLogger({ level: 'silent', write: (line) => lines.push(line) }).error('x');
    expect(lines).toEqual([]);
  });
});

describe('a server never logs its app secret', () => {
  it('on rejected and failing requests at debug level', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', write: (line) => lines.push(line) });
    const rest = await startRestServer({ logger });
    await rejectionOf(
      rest.pusher({ ...REST_APP, secret: 'wrong-secret-zz' }).trigger('c', 'e', 'd'),
    );
    await signedRequest(rest.port, {
      method: 'POST',
      path: `/apps/${REST_APP.id}/events`,
      body: '{"name":',
    });
    await rest.pusher().trigger('c', 'e', REST_APP.secret);
    await rest.server.close();
    expect(lines.length).toBeGreaterThan(0);
    const output = lines.join('\n');
    expect(output).not.toContain(REST_APP.secret);
    expect(output).not.toContain('auth_signature=');
  });

  it('with the default logger, configured secrets are scrubbed', () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      secrets: [REST_APP.secret],
      write: (l) => lines.push(l),
    });
    logger.info(`leaked ${REST_APP.secret}`);
    expect(lines.join('')).not.toContain(REST_APP.secret);
  });
});
