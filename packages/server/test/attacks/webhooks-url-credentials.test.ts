/**
 * Attack 8.10: a webhook URL with credentials (`http://user:pass@host/...?token=...`). It must be
 * delivered with `Authorization: Basic` (percent-decoded userinfo) to the URL without userinfo, and
 * neither the password nor the query token may appear in any log line, error or metric, also when
 * the target fails and is retried.
 */
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { freePort, listenUntilTestEnds, waitUntil } from '@pushwire/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { resolveServerOptions, ServerConfigError } from '../../src/index';
import { createLogger } from '../../src/observability/logger';
import { Metrics } from '../../src/observability/metrics';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher';
import { APP, connect, startServer } from '../ws-helpers';

const USER = 'hook@user';
const PASSWORD = 'pa:ss/w0rd-Sup3rSecret';
const QUERY_TOKEN = 'QueryT0ken-Sup3rSecret';
const USERINFO = `${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}`;
const EXPECTED_AUTHORIZATION = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

interface SeenRequest {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** A real receiver answering `status` and recording each request's path and headers. */
async function startReceiver(status: number): Promise<{ port: number; seen: SeenRequest[] }> {
  const seen: SeenRequest[] = [];
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      res.writeHead(status).end();
    });
  });
  const port = await listenUntilTestEnds(server);
  return { port, seen };
}

function expectNoSecret(text: string): void {
  for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), QUERY_TOKEN, USERINFO]) {
    expect(text).not.toContain(secret);
  }
}

describe('attack: webhook URL with credentials and a query token', () => {
  it('sends Authorization: Basic to the clean URL and never logs the password or token', async () => {
    const good = await startReceiver(200);
    const failing = await startReceiver(500);
    const refused = await freePort();
    const lines: string[] = [];
    const { server, wsUrl } = await startServer({
      logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }),
      apps: [
        {
          ...APP,
          subscriptionCountEvents: false,
          webhooks: [
            { url: `http://${USERINFO}@127.0.0.1:${good.port}/hooks?token=${QUERY_TOKEN}` },
            { url: `http://${USERINFO}@127.0.0.1:${failing.port}/fail?token=${QUERY_TOKEN}` },
            { url: `http://${USERINFO}@127.0.0.1:${refused}/gone?token=${QUERY_TOKEN}` },
          ],
        },
      ],
      webhookBatchMs: 0,
      shutdownTimeoutMs: 200,
    });
    const client = await connect(wsUrl());
    await client.join('occupied-once');
    await client.roundTrip();

    await waitUntil(() => good.seen.length === 1);
    expect(good.seen[0]?.headers.authorization).toBe(EXPECTED_AUTHORIZATION);
    expect(good.seen[0]?.url).toBe(`/hooks?token=${QUERY_TOKEN}`);
    // The failing target was retried with the same credentials (retry logs were written).
    await waitUntil(() => failing.seen.length >= 2, 8_000);
    for (const request of failing.seen) {
      expect(request.headers.authorization).toBe(EXPECTED_AUTHORIZATION);
    }
    await waitUntil(() => lines.some((line) => line.includes('ECONNREFUSED')));

    const retryLines = lines.filter((line) => line.includes('will retry'));
    expect(retryLines.length).toBeGreaterThanOrEqual(2);
    expect(retryLines.join('\n')).toContain(`http://127.0.0.1:${failing.port}/fail`);
    expectNoSecret(lines.join('\n'));
    expectNoSecret(server.metrics.render());
  });

  it('gives up on a failing target without logging its credentials or query', async () => {
    const refused = await freePort();
    const lines: string[] = [];
    const metrics = new Metrics();
    const dispatcher = new WebhookDispatcher({
      logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }),
      metrics,
      batchMs: 0,
      retryBaseDelayMs: 10,
      retryWindowMs: 100,
    });
    onTestFinished(() => dispatcher.close(200));
    const app = resolveServerOptions({
      logger: createLogger({ level: 'silent' }),
      apps: [
        {
          ...APP,
          webhooks: [{ url: `https://${USERINFO}@127.0.0.1:${refused}/x?token=${QUERY_TOKEN}` }],
        },
      ],
    }).apps[0];
    if (app === undefined) throw new Error('no app');
    expect(app.webhooks[0]?.url).toBe(`https://127.0.0.1:${refused}/x?token=${QUERY_TOKEN}`);
    expect(app.webhooks[0]?.headers).toEqual({ authorization: EXPECTED_AUTHORIZATION });
    dispatcher.emit(app, { name: 'channel_occupied', channel: 'c' });
    await waitUntil(() => metrics.get('pushwire_webhooks_sent_total', { result: 'failed' }) === 1);
    expect(lines.some((line) => line.includes('giving up'))).toBe(true);
    expectNoSecret(lines.join('\n'));
    expectNoSecret(metrics.render());
  });

  it('refuses bad credentials at config time without echoing them', () => {
    const attempts = [
      { url: `http://user:%zz${PASSWORD}@127.0.0.1/x` },
      { url: `http://${USERINFO}@127.0.0.1/x`, headers: { Authorization: 'Bearer t' } },
      { url: `ftp://${USERINFO}@127.0.0.1/x?token=${QUERY_TOKEN}` },
    ];
    for (const target of attempts) {
      let caught: unknown;
      try {
        resolveServerOptions({ apps: [{ ...APP, webhooks: [target] }] });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ServerConfigError);
      const error = caught as ServerConfigError;
      expect(error.option).toBe('apps[0].webhooks[0].url');
      expectNoSecret(`${error.message} ${JSON.stringify(error)} ${String(error.stack)}`);
    }
  });
});
