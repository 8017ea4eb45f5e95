/**
 * @module commands/auth
 * `pushwire auth channel SOCKET_ID CHANNEL` and `pushwire auth user SOCKET_ID --user-data JSON`:
 * print the JSON body an auth endpoint would return, for debugging clients and auth endpoints.
 */
import { parseJsonFlag } from '../args';
import { CREDENTIALS_HELP, defineSdkCommand, requirePositional } from '../command';
import { UsageError } from '../usage-error';

const NAME = 'auth';

const HELP = `Usage: pushwire auth channel SOCKET_ID CHANNEL [--user-id ID [--user-info JSON]] [options]
       pushwire auth user SOCKET_ID --user-data JSON [options]

Print the JSON an auth endpoint returns to the client:
  channel   private-, presence- and private-encrypted- channels ({"auth", "channel_data"?, "shared_secret"?})
            presence- channels need --user-id (and take --user-info)
  user      user authentication for pusher.signin() ({"auth", "user_data"}); --user-data needs an "id"

Options:
  --user-id ID             presence: the member's user id
  --user-info JSON         presence: the member's user info
  --user-data JSON         user: the user object, e.g. '{"id":"42","name":"Ada"}'

${CREDENTIALS_HELP}

Examples:
  pushwire auth channel 1234.5678 private-orders
  pushwire auth channel 1234.5678 presence-room --user-id 42 --user-info '{"name":"Ada"}'
  pushwire auth user 1234.5678 --user-data '{"id":"42"}'`;

/** The `auth` command. */
export const authCommand = defineSdkCommand({
  name: NAME,
  summary: 'print the auth response for a channel subscription or a user sign-in',
  help: HELP,
  flags: {
    'user-id': { type: 'string' },
    'user-info': { type: 'string' },
    'user-data': { type: 'string' },
  },
  maxPositionals: 3,
  async run({ flags, positionals, pusher, io }) {
    const kind = requirePositional(NAME, positionals[0], '"channel" or "user"');
    let result: unknown;
    if (kind === 'channel') {
      const socketId = requirePositional(NAME, positionals[1], 'SOCKET_ID');
      const channel = requirePositional(NAME, positionals[2], 'CHANNEL');
      if (flags['user-data'] !== undefined) {
        throw new UsageError('--user-data is for "auth user"; use --user-id/--user-info', {
          command: NAME,
        });
      }
      result = authorizeChannel(pusher, socketId, channel, flags['user-id'], flags['user-info']);
    } else if (kind === 'user') {
      const socketId = requirePositional(NAME, positionals[1], 'SOCKET_ID');
      if (positionals[2] !== undefined) {
        throw new UsageError(`unexpected argument: ${positionals[2]}`, { command: NAME });
      }
      if (flags['user-data'] === undefined) {
        throw new UsageError('missing --user-data JSON (an object with an "id")', {
          command: NAME,
        });
      }
      const userData = parseJsonFlag(NAME, 'user-data', flags['user-data']);
      if (typeof userData !== 'object' || userData === null || Array.isArray(userData)) {
        throw new UsageError('--user-data must be a JSON object with an "id"', { command: NAME });
      }
      result = pusher.authenticateUser(socketId, userData as { id: string });
    } else {
      throw new UsageError(`unknown auth kind "${kind}" (expected "channel" or "user")`, {
        command: NAME,
      });
    }
    io.stdout.write(`${JSON.stringify(result)}\n`);
  },
});

function authorizeChannel(
  pusher: import('@pushwire/sdk').Pusher,
  socketId: string,
  channel: string,
  userId: string | undefined,
  userInfoJson: string | undefined,
): unknown {
  const isPresence = channel.startsWith('presence-');
  if (!isPresence) {
    if (userId !== undefined || userInfoJson !== undefined) {
      throw new UsageError('--user-id and --user-info are only for presence- channels', {
        command: NAME,
      });
    }
    return pusher.authorizeChannel(socketId, channel);
  }
  if (userId === undefined || userId === '') {
    throw new UsageError('presence channels need --user-id', { command: NAME });
  }
  const presenceData =
    userInfoJson === undefined
      ? { user_id: userId }
      : { user_id: userId, user_info: parseJsonFlag(NAME, 'user-info', userInfoJson) };
  return pusher.authorizeChannel(socketId, channel, presenceData);
}
