/**
 * @module commands/trigger
 * `pushwire trigger CHANNEL[,CHANNEL...] EVENT [DATA|-]`: publish one event through the SDK.
 * DATA must be JSON and is sent as given (clients receive that JSON text); `--raw` sends any text as
 * a plain string; `-` reads it from stdin.
 */

import type { CliIo } from '../cli-io';
import { CREDENTIALS_HELP, defineSdkCommand, requirePositional } from '../command';
import { printResult } from '../output';
import { UsageError } from '../usage-error';

const NAME = 'trigger';

const HELP = `Usage: pushwire trigger CHANNEL[,CHANNEL...] EVENT [DATA|-] [options]

Publish EVENT to one or more channels (comma-separated). DATA is JSON, sent as given, e.g.
'{"text":"hi"}'; "-" reads it from stdin; omitted, the data is {}.

Options:
  --raw                    send DATA as a plain string, even if it is not JSON
  --socket-id ID           exclude this connection from receiving the event
  --info ATTRS             ask for channel attributes in the result: user_count,subscription_count

${CREDENTIALS_HELP}

Examples:
  pushwire trigger my-channel my-event '{"message":"hello"}'
  echo '{"n":1}' | pushwire trigger chat-1,chat-2 update - --json`;

/** Read all of stdin as UTF-8 text. */
async function readStdin(io: CliIo): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of io.stdin) {
    chunks.push(
      typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array),
    );
  }
  return new TextDecoder().decode(Buffer.concat(chunks)).replace(/\r?\n$/, '');
}

/** The `trigger` command. */
export const triggerCommand = defineSdkCommand({
  name: NAME,
  summary: 'publish an event to one or more channels',
  help: HELP,
  flags: {
    raw: { type: 'boolean' },
    'socket-id': { type: 'string' },
    info: { type: 'string' },
  },
  maxPositionals: 3,
  async run({ flags, positionals, pusher, io, json }) {
    const channelList = requirePositional(NAME, positionals[0], 'CHANNEL');
    const event = requirePositional(NAME, positionals[1], 'EVENT');
    const channels = channelList.split(',').filter((channel) => channel !== '');
    if (channels.length === 0) throw new UsageError('missing CHANNEL', { command: NAME });
    const dataArgument = positionals[2];
    const data = dataArgument === '-' ? await readStdin(io) : (dataArgument ?? '{}');
    if (flags.raw !== true) requireJson(data);

    const params = {
      ...(flags['socket-id'] === undefined ? {} : { socketId: flags['socket-id'] }),
      ...(flags.info === undefined ? {} : { info: flags.info }),
    };
    const target = channels.length === 1 ? (channels[0] as string) : channels;
    const result: unknown = await pusher.trigger(target, event, data, params);

    printResult(io, { json }, result, () => {
      const lines = [`Triggered "${event}" on ${channels.join(', ')}`];
      lines.push(...describeChannelAttributes(result));
      return lines.join('\n');
    });
  },
});

/** DATA must be a JSON text unless `--raw` is given: a typo must not be published as a string. */
function requireJson(data: string): void {
  try {
    JSON.parse(data);
  } catch {
    throw new UsageError(
      'DATA is not valid JSON; fix it, or pass --raw to send it as a plain string',
      { command: NAME },
    );
  }
}

/** Lines like `  presence-room: user_count=2` from a trigger result with `info`. */
function describeChannelAttributes(result: unknown): string[] {
  if (typeof result !== 'object' || result === null || !('channels' in result)) return [];
  const channels = (result as { channels: unknown }).channels;
  if (typeof channels !== 'object' || channels === null) return [];
  return Object.entries(channels).map(([name, attributes]) => {
    const pairs =
      typeof attributes === 'object' && attributes !== null
        ? Object.entries(attributes).map(([key, value]) => `${key}=${String(value)}`)
        : [];
    return `  ${name}: ${pairs.join(' ')}`;
  });
}
