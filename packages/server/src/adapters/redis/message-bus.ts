/**
 * @module adapters/redis/message-bus
 * The pub/sub bus between nodes: a publish is delivered locally first, then sent to the other nodes
 * as an envelope (see envelope.ts), as is a user termination; envelopes from other nodes are handed
 * to this node's core.
 */

import type { Logger } from '../../observability/logger';
import type { AdapterHandlers, ChannelMessage } from '../adapter';
import { describeError, type RedisConnection } from './connection';
import { encodePublish, encodeTerminate, parseEnvelope } from './envelope';

/** One node's end of the bus channel; see the module comment. */
export class MessageBus {
  constructor(
    /** The pub/sub channel of the deployment (see busChannel). */
    readonly channel: string,
    private readonly nodeId: string,
    private readonly connection: RedisConnection,
    private readonly handlers: AdapterHandlers,
    private readonly logger: Logger,
  ) {}

  /**
   * Delivers to local subscribers synchronously (unless `remoteOnly`), then to the other nodes while
   * Redis is up (they always deliver: the envelope does not carry `remoteOnly`).
   */
  publish(message: ChannelMessage): void {
    try {
      if (!message.remoteOnly) this.handlers.deliver(message);
    } finally {
      const commands = this.connection.commands;
      if (this.connection.up && commands) {
        commands
          .publish(this.channel, encodePublish(this.nodeId, message))
          .catch((error: unknown) => this.connection.markDown(error));
      }
    }
  }

  /** Closes the local connections of `userId`, then asks the other nodes to do the same. */
  async terminateUser(appId: string, userId: string): Promise<void> {
    this.handlers.terminateUser(appId, userId);
    await this.connection.shared(
      async (redis) => {
        await redis.publish(this.channel, encodeTerminate(this.nodeId, appId, userId));
      },
      () => undefined,
    );
  }

  /** A message on a subscribed channel: another node's envelope reaches the core. */
  receive(channel: string, text: string): void {
    if (channel !== this.channel || this.connection.closing) return;
    const envelope = parseEnvelope(text);
    if (!envelope) {
      this.logger.warn('redis adapter ignored an unreadable bus message', { nodeId: this.nodeId });
      return;
    }
    if (envelope.nodeId === this.nodeId) return;
    try {
      if (envelope.kind === 'publish') this.handlers.deliver(envelope.message);
      else this.handlers.terminateUser(envelope.appId, envelope.userId);
    } catch (error) {
      this.logger.error('delivering a message from another node failed', {
        nodeId: this.nodeId,
        error: describeError(error),
      });
    }
  }
}
