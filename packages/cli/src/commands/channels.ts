/**
 * @module commands/channels
 * `pushwire channels [--prefix P] [--info user_count]`: list the occupied channels of the app.
 */
import { CREDENTIALS_HELP, defineSdkCommand } from '../command';
import { printResult } from '../output';

const HELP = `Usage: pushwire channels [--prefix PREFIX] [--info user_count] [options]

List the occupied channels of the app.

Options:
  --prefix PREFIX          only channels whose name starts with PREFIX (e.g. presence-)
  --info ATTRS             attributes per channel: user_count (needs a presence- prefix)

${CREDENTIALS_HELP}

Examples:
  pushwire channels
  pushwire channels --prefix presence- --info user_count --json`;

/** The `channels` command. */
export const channelsCommand = defineSdkCommand({
  name: 'channels',
  summary: 'list occupied channels',
  help: HELP,
  flags: {
    prefix: { type: 'string' },
    info: { type: 'string' },
  },
  maxPositionals: 0,
  async run({ flags, pusher, io, json }) {
    const result: unknown = await pusher.channels({
      ...(flags.prefix === undefined ? {} : { prefix: flags.prefix }),
      ...(flags.info === undefined ? {} : { info: flags.info }),
    });
    printResult(io, { json }, result, () => {
      const channels = readRecord(readRecord(result)['channels']);
      const names = Object.keys(channels).sort();
      if (names.length === 0) return 'No occupied channels.';
      return names
        .map((name) => {
          const attributes = Object.entries(readRecord(channels[name]))
            .map(([key, value]) => `${key}=${String(value)}`)
            .join(' ');
          return attributes === '' ? name : `${name}  ${attributes}`;
        })
        .join('\n');
    });
  },
});

/** `value` as a plain record, or an empty one. */
export function readRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
