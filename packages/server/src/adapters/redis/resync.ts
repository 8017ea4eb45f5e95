/**
 * @module adapters/redis/resync
 * The resynchronization after an outage (or after this node learns it was reaped): RESYNC_NODE
 * rewrites the node's mirror into Redis, removing what the node no longer holds and flagging what
 * it added while Redis was unreachable; then Redis counts as up and the resulting changes are
 * reported.
 */
import type { Redis } from 'ioredis';
import type { ChangeReporter } from './cluster-changes';
import type { RedisConnection } from './connection';
import type { LocalMirror } from './local-mirror';
import { encodeAppId } from './redis-keys';
import { serializeUserInfo } from './reply-parsing';
import { SCRIPTS } from './scripts';

/** Resync passes after which a mirror that keeps changing is written anyway (next tick retries). */
const MAX_RESYNC_PASSES = 5;

/** Rewrites this node's mirror into Redis (removing what it no longer holds), then marks up. */
export async function resyncNode(
  commands: Redis,
  node: {
    readonly prefix: string;
    readonly nodeId: string;
    readonly mirror: LocalMirror;
    readonly connection: RedisConnection;
    readonly reporter: ChangeReporter;
  },
): Promise<void> {
  const { prefix, nodeId, mirror } = node;
  for (let pass = 0; pass < MAX_RESYNC_PASSES; pass++) {
    const version = mirror.version;
    // Written (and reported when missing): later passes no longer flag them.
    await mirror.announce(async () => {
      await SCRIPTS.resyncNode.run(commands, [prefix, nodeId, ...mirrorArguments(mirror)]);
    });
    if (version === mirror.version) break;
  }
  // Up before reporting: the announcements of the reported changes must reach the other nodes.
  node.connection.markResynchronized();
  await node.reporter.reportPending(commands);
}

/** The mirror as RESYNC_NODE arguments: (kind, app, channel, socket, user, info, flag) groups. */
function mirrorArguments(mirror: LocalMirror): string[] {
  const args: string[] = [];
  for (const { appId, socketId } of mirror.state.connectionEntries()) {
    args.push('c', encodeAppId(appId), '', socketId, '', '', '0');
  }
  for (const { appId, channel, socketId } of mirror.state.subscriptionEntries()) {
    const flag = mirror.isUnannounced('s', appId, channel, socketId) ? '1' : '0';
    args.push('s', encodeAppId(appId), channel, socketId, '', '', flag);
  }
  for (const { appId, channel, socketId, member } of mirror.state.membershipEntries()) {
    const flag = mirror.isUnannounced('m', appId, channel, socketId) ? '1' : '0';
    const info = serializeUserInfo(member.userInfo);
    args.push('m', encodeAppId(appId), channel, socketId, member.userId, info, flag);
  }
  return args;
}
