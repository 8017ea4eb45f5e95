/**
 * @module test/banner-advice
 * The trigger advice `pushwire serve` prints works as printed: the official `pusher` package's
 * constructor form (its `Pusher.forURL` would turn the id `app-id` into NaN), the same options
 * with a numeric port for `@pushwire/sdk`, and the PUSHER_URL for `Pusher.fromUrl`.
 */
import { Pusher } from '@pushwire/sdk';
import OfficialPusher from 'pusher';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { connectRawSubscriber } from './helpers/raw-subscriber';
import { type ServeProcess, startServe } from './helpers/serve-process';

let serve: ServeProcess;

beforeAll(async () => {
  serve = await startServe();
}, 120_000);

afterAll(async () => {
  await serve?.stop();
});

type Literal = string | number | boolean;

/** The options of the printed `new Pusher({ ... })` line, keeping each value's printed type. */
function printedLiterals(banner: string): Record<string, Literal> {
  const line = /new Pusher\(\{ (appId: .*) \}\)/.exec(banner)?.[1];
  if (line === undefined) throw new Error(`no constructor form in the banner:\n${banner}`);
  const options: Record<string, Literal> = {};
  for (const [, name, value] of line.matchAll(/(\w+): ('[^']*'|\w+)/g)) {
    if (name === undefined || value === undefined) continue;
    options[name] = value.startsWith("'")
      ? value.slice(1, -1)
      : value === 'true' || value === 'false'
        ? value === 'true'
        : Number(value);
  }
  return options;
}

interface PrintedOptions {
  appId: string;
  key: string;
  secret: string;
  host: string;
  port: string;
  useTLS: boolean;
}

/** The printed options, checked to have the types the official package declares. */
function printedOptions(banner: string): PrintedOptions {
  const { appId, key, secret, host, port, useTLS, ...rest } = printedLiterals(banner);
  expect(rest).toEqual({});
  if (
    typeof appId !== 'string' ||
    typeof key !== 'string' ||
    typeof secret !== 'string' ||
    typeof host !== 'string' ||
    typeof port !== 'string' ||
    typeof useTLS !== 'boolean'
  ) {
    throw new Error(`unexpected option types in the banner:\n${banner}`);
  }
  return { appId, key, secret, host, port, useTLS };
}

describe('the banner trigger advice', () => {
  it('prints the constructor form with the id app-id and the port as pusher types it', () => {
    const banner = serve.output().stdout;
    expect(printedOptions(banner)).toEqual({
      appId: 'app-id',
      key: 'app-key',
      secret: 'app-secret',
      host: '127.0.0.1',
      port: String(serve.port),
      useTLS: false,
    });
    expect(banner).not.toContain('forURL');
  });

  it('delivers with the official pusher package, @pushwire/sdk and Pusher.fromUrl', async () => {
    const banner = serve.output().stdout;
    const subscriber = await connectRawSubscriber(serve.port);
    onTestFinished(() => subscriber.close());
    await subscriber.subscribe('banner-advice');

    const printed = printedOptions(banner);
    const official = new OfficialPusher(printed);
    const response = await official.trigger('banner-advice', 'official', { n: 1 });
    expect(response.status).toBe(200);
    await subscriber.waitForFrame((f) => f.event === 'official', 'the official SDK event');

    const ours = new Pusher({ ...printed, port: Number(printed.port) });
    await ours.trigger('banner-advice', 'ours', { n: 2 });
    await subscriber.waitForFrame((f) => f.event === 'ours', 'the @pushwire/sdk event');

    const url = /PUSHER_URL=(\S+)/.exec(banner)?.[1];
    expect(url).toBe(`http://app-key:app-secret@127.0.0.1:${serve.port}/apps/app-id`);
    await Pusher.fromUrl(url ?? '').trigger('banner-advice', 'from-url', { n: 3 });
    await subscriber.waitForFrame((f) => f.event === 'from-url', 'the fromUrl event');
  });
});
