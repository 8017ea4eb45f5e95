/**
 * @module commands/channel
 * `pushwire channel NAME [--info ATTRS]`: the state of one channel (occupied, counts, cache).
 */
import { CREDENTIALS_HELP, defineSdkCommand, requirePositional } from '../command';
import { printResult } from '../output';
import { readRecord } from './channels';

const NAME = 'channel';

const HELP = `Usage: pushwire channel NAME [--info ATTRS] [options]

Show whether a channel is occupied, with the attributes asked for.

Options:
  --info ATTRS             comma-separated: subscription_count, user_count (presence only), cache

${CREDENTIALS_HELP}

Examples:
  pushwire channel my-channel --info subscription_count
  pushwire channel presence-room --info user_count --json`;

/** The `channel` command. */
export const channelCommand = defineSdkCommand({
  name: NAME,
  summary: 'show one channel (occupied, counts)',
  help: HELP,
  flags: { info: { type: 'string' } },
  maxPositionals: 1,
  async run({ flags, positionals, pusher, io, json }) {
    const channel = requirePositional(NAME, positionals[0], 'NAME');
    const result: unknown = await pusher.channelInfo(
      channel,
      flags.info === undefined ? {} : { info: flags.info },
    );
    printResult(io, { json }, result, () =>
      [
        channel,
        ...Object.entries(readRecord(result)).map(
          ([key, value]) =>
            `  ${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
        ),
      ].join('\n'),
    );
  },
});
