/**
 * @module adapters/redis/message-bus
 * The pub/sub bus between nodes: a publish is delivered locally first, then sent to the other nodes
 * as an envelope (see envelope.ts), as is a user termination; envelopes from other nodes are handed
 * to this node's core. On a Redis Cluster each message goes (SPUBLISH) to the sharded bus channel
 * its channel (or user) hashes to, so publish traffic is spread over the shards instead of being
 * copied to every shard; each node subscribes to every bus channel.
 */

import type { Logger } from '../../observability/logger';
import type { AdapterHandlers, ChannelMessage } from '../adapter';
import { withDeadline } from './command-deadline';
import type { RedisConnection } from './connection';
import { encodePublish, encodeTerminate, parseEnvelope } from './envelope';
import { describeError } from './error-text';
import type { RedisKeys } from './redis-keys';
import type { RedisClient } from './scripts';

/** One node's end of the bus channel; see the module comment. */
export class MessageBus {
  readonly #keys: RedisKeys;
  readonly #nodeId: string;
  readonly #connection: RedisConnection;
  readonly #handlers: AdapterHandlers;
  readonly #logger: Logger;
  readonly #channels: ReadonlySet<string>;

  constructor(
    keys: RedisKeys,
    nodeId: string,
    connection: RedisConnection,
    handlers: AdapterHandlers,
    logger: Logger,
  ) {
    this.#keys = keys;
    this.#nodeId = nodeId;
    this.#connection = connection;
    this.#handlers = handlers;
    this.#logger = logger;
    this.#channels = new Set(keys.busChannels);
  }

  /**
   * Delivers to local subscribers synchronously (unless `remoteOnly`), then to the other nodes while
   * Redis is up (they always deliver: the envelope does not carry `remoteOnly`).
   */
  publish(message: ChannelMessage): void {
    try {
      if (!message.remoteOnly) this.#handlers.deliver(message);
    } finally {
      const commands = this.#connection.commands;
      if (this.#connection.up && commands) {
        this.#send(
          commands,
          message.appId,
          message.channel,
          encodePublish(this.#nodeId, message),
        ).catch((error: unknown) => this.#connection.markDown(error));
      }
    }
  }

  /** Closes the local connections of `userId`, then asks the other nodes to do the same. */
  async terminateUser(appId: string, userId: string): Promise<void> {
    this.#handlers.terminateUser(appId, userId);
    await this.#connection.shared(
      async (redis) => {
        await this.#send(
          redis,
          appId,
          `user:${userId}`,
          encodeTerminate(this.#nodeId, appId, userId),
        );
      },
      () => undefined,
    );
  }

  /** A message on a subscribed channel: another node's envelope reaches the core. */
  receive(channel: string, text: string): void {
    if (!this.#channels.has(channel) || this.#connection.closing) return;
    const envelope = parseEnvelope(text);
    if (!envelope) {
      this.#logger.warn('redis adapter ignored an unreadable bus message', {
        nodeId: this.#nodeId,
      });
      return;
    }
    if (envelope.nodeId === this.#nodeId) return;
    try {
      if (envelope.kind === 'publish') this.#handlers.deliver(envelope.message);
      else this.#handlers.terminateUser(envelope.appId, envelope.userId);
    } catch (error) {
      this.#logger.error('delivering a message from another node failed', {
        nodeId: this.#nodeId,
        error: describeError(error),
      });
    }
  }

  /** Sends an envelope on the bus channel of `name` (a channel, or `user:<id>`). */
  #send(client: RedisClient, appId: string, name: string, text: string): Promise<unknown> {
    const channel = this.#keys.busChannelFor(appId, name);
    const sent = this.#keys.sharded
      ? client.spublish(channel, text)
      : client.publish(channel, text);
    return withDeadline(client, sent);
  }
}
