/**
 * @module adapters/redis/heartbeat
 * The node's periodic tick: resynchronize when needed, record a heartbeat, reap the nodes that went
 * silent (reporting their removals) and report pending changes. Ticks run one at a time, and again
 * if asked meanwhile. Also the clean leave on close (the node reaps its own state).
 */
import type { Logger } from '../../observability/logger';
import type { ChangeReporter } from './cluster-changes';
import type { RedisConnection } from './connection';
import { describeError } from './error-text';
import type { LocalMirror } from './local-mirror';
import type { RedisKeys } from './redis-keys';
import { replyArray, replyInt, replyString, UnexpectedReplyError } from './reply-parsing';
import { resyncNode } from './resync';
import { type RedisClient, runScript } from './scripts';

/** What the heartbeat works with. */
export interface HeartbeatContext {
  readonly keys: RedisKeys;
  readonly nodeId: string;
  readonly nodeTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly logger: Logger;
  readonly mirror: LocalMirror;
  readonly connection: RedisConnection;
  readonly reporter: ChangeReporter;
}

/** Heartbeats, recovery and reaping; see the module comment. */
export class Heartbeat {
  #ticking: Promise<void> | undefined;
  #tickRequested = false;
  #timer: NodeJS.Timeout | undefined;

  readonly #context: HeartbeatContext;

  constructor(context: HeartbeatContext) {
    this.#context = context;
  }

  /** Ticks every heartbeat interval (without keeping the process alive). */
  startTimer(): void {
    this.#timer = setInterval(() => {
      void this.tick();
    }, this.#context.heartbeatIntervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a running tick. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#ticking;
  }

  /** Runs a tick now, or once more after the running one. */
  tick(): Promise<void> {
    if (this.#ticking) {
      this.#tickRequested = true;
      return this.#ticking;
    }
    this.#ticking = (async () => {
      do {
        this.#tickRequested = false;
        await this.#runTick();
      } while (this.#tickRequested && !this.#context.connection.closing);
    })().finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }

  /** Removes this node's state from Redis while it is reachable (a clean close). */
  async leave(): Promise<void> {
    const { connection, logger, keys, nodeId, nodeTimeoutMs } = this.#context;
    const commands = connection.commands;
    if (!connection.up || !commands) return;
    try {
      await runScript(commands, 'reapNode', keys.anchor, [keys.state, nodeId, nodeTimeoutMs, '1']);
    } catch (error) {
      logger.warn('redis adapter could not remove its state on close', {
        nodeId,
        detail: describeError(error),
      });
    }
  }

  async #runTick(): Promise<void> {
    const { connection, logger, keys, nodeId, nodeTimeoutMs, reporter } = this.#context;
    const commands = connection.commands;
    const subscriber = connection.subscriber;
    if (connection.closing || !commands || !subscriber) return;
    if (commands.status !== 'ready' || subscriber.status !== 'ready') {
      connection.markDown(new Error(`connection ${commands.status}`));
      return;
    }
    try {
      if (connection.needsResync) await resyncNode(commands, this.#context);
      const reply = replyArray(
        await runScript(commands, 'heartbeat', keys.anchor, [keys.state, nodeId, nodeTimeoutMs]),
        'heartbeat',
      );
      if (replyInt(reply[0], 'heartbeat registered') === 0) {
        logger.warn('this node was declared dead by the cluster: registering again', { nodeId });
        await resyncNode(commands, this.#context);
      }
      for (const dead of replyArray(reply[1], 'dead nodes')) {
        const deadNodeId = replyString(dead, 'dead node');
        if (deadNodeId !== nodeId) await this.#reap(commands, deadNodeId);
      }
      await reporter.reportPending(commands);
    } catch (error) {
      if (error instanceof UnexpectedReplyError) {
        logger.error('redis adapter got an unexpected reply', { detail: error.message });
      }
      connection.markDown(error);
    }
  }

  /** Removes a dead node's entries and reports the removals. */
  async #reap(commands: RedisClient, deadNodeId: string): Promise<void> {
    const { logger, keys, nodeId, nodeTimeoutMs, reporter } = this.#context;
    const count = await runScript(commands, 'reapNode', keys.anchor, [
      keys.state,
      deadNodeId,
      nodeTimeoutMs,
      '0',
      nodeId,
    ]);
    if (count === null) return;
    logger.warn('removed the connections of a dead node', {
      nodeId,
      deadNodeId,
      changes: replyInt(count, 'reap'),
    });
    await reporter.reportPending(commands);
  }
}
