/**
 * @module commands/users
 * `pushwire users NAME`: the unique user ids of a presence channel.
 */
import { CREDENTIALS_HELP, defineSdkCommand, requirePositional } from '../command';
import { printResult } from '../output';
import { readRecord } from './channels';

const NAME = 'users';

const HELP = `Usage: pushwire users NAME [options]

List the users of a presence channel (one id per line).

${CREDENTIALS_HELP}

Example:
  pushwire users presence-room --json`;

/** The `users` command. */
export const usersCommand = defineSdkCommand({
  name: NAME,
  summary: 'list the users of a presence channel',
  help: HELP,
  flags: {},
  maxPositionals: 1,
  async run({ positionals, pusher, io, json }) {
    const channel = requirePositional(NAME, positionals[0], 'NAME');
    const result: unknown = await pusher.channelUsers(channel);
    printResult(io, { json }, result, () => {
      const users = readRecord(result)['users'];
      const ids = Array.isArray(users) ? users.map((user) => String(readRecord(user)['id'])) : [];
      return ids.length === 0 ? `No users in ${channel}.` : ids.join('\n');
    });
  },
});
