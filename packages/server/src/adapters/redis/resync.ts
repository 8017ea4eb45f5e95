/**
 * @module adapters/redis/resync
 * The resynchronization after an outage (or after this node learns it was reaped): the node's
 * mirror is rewritten into Redis in bounded steps (see resync-batch.ts and RESYNC_BEGIN in
 * lua-scripts.ts): entries Redis has for the node but the node no longer holds are removed (found
 * with SSCAN), every entry the node holds is written back, flagging what it added while Redis was
 * unreachable, then the entries that changed meanwhile are rewritten until none did. Only then
 * does Redis count as up, and the resulting changes are reported. The cost of each step is
 * bounded whatever the number of connections and subscriptions the node holds.
 */

import { PushwireServerError } from '../../server-error';
import type { ChangeReporter } from './cluster-changes';
import { withDeadline } from './command-deadline';
import type { RedisConnection } from './connection';
import type { LocalMirror, MirrorEntryKind, MirrorEntryRef } from './local-mirror';
import { decodeAppId, encodeAppId, type RedisKeys } from './redis-keys';
import { replyInt, serializeUserInfo } from './reply-parsing';
import { type AnnouncedEntry, RESYNC_SCAN_COUNT, ResyncBatch } from './resync-batch';
import { type RedisClient, runScript, type ScriptName } from './scripts';

/** Times a resync starts over because a survivor reaped the node meanwhile, before giving up. */
const MAX_RESYNC_ATTEMPTS = 3;

/**
 * Rewrites of the entries changed during the resync before the node registers again; whatever
 * changed after the last of them is rewritten in the very tick Redis starts counting as up.
 */
const MAX_CATCH_UP_PASSES = 5;

/** What a resync works with. */
export interface ResyncNode {
  readonly keys: RedisKeys;
  readonly nodeId: string;
  readonly mirror: LocalMirror;
  readonly connection: RedisConnection;
  readonly reporter: ChangeReporter;
}

/** The node was reaped again and again while it resynchronized (the next tick retries). */
export class ResyncInterruptedError extends PushwireServerError {
  override readonly name = 'ResyncInterruptedError';
}

/** Rewrites this node's mirror into Redis (removing what it no longer holds), then marks up. */
export async function resyncNode(commands: RedisClient, node: ResyncNode): Promise<void> {
  const steps = new ResyncSteps(commands, node);
  let lastChanges: Promise<void>;
  node.mirror.startTracking();
  try {
    for (let attempt = 1; ; attempt++) {
      await steps.begin();
      await steps.removeStale();
      await steps.writeAll();
      if (await steps.catchUpAndFinish()) break;
      if (attempt >= MAX_RESYNC_ATTEMPTS) {
        throw new ResyncInterruptedError('the node was reaped while it resynchronized');
      }
    }
    // What changed since the last pass is sent now, in the same tick as Redis starts counting as
    // up: every later change of this node goes to Redis after it (one connection keeps the order),
    // so nothing that raced the resync is left out of Redis.
    lastChanges = steps.rewrite(node.mirror.takeTouched());
  } finally {
    node.mirror.stopTracking();
  }
  // Up before reporting: the announcements of the reported changes must reach the other nodes.
  node.connection.markResynchronized();
  await lastChanges;
  await node.reporter.reportPending(commands);
}

/** The steps of one resync; each script call is one bounded batch. */
class ResyncSteps {
  private readonly head: readonly string[];

  constructor(
    private readonly commands: RedisClient,
    private readonly node: ResyncNode,
  ) {
    this.head = [node.keys.state, node.nodeId];
  }

  /** Starts a resync (the answer, whether every addition is reported, is kept in Redis). */
  async begin(): Promise<void> {
    replyInt(await this.run('resyncBegin', this.head), 'resync begin');
  }

  /** Removes, batch by batch, the entries Redis has for this node that the mirror does not hold. */
  async removeStale(): Promise<void> {
    const key = this.node.keys.nodeSet(this.node.nodeId);
    const batch = new ResyncBatch();
    let cursor = '0';
    do {
      const [next, stored] = await withDeadline(
        this.commands,
        this.commands.sscan(key, cursor, 'COUNT', RESYNC_SCAN_COUNT),
      );
      cursor = next;
      for (const text of stored) {
        const group = storedEntryGroup(text);
        if (group === undefined || this.holds(group)) continue;
        batch.add(group);
        if (batch.full) await this.remove(batch);
      }
    } while (cursor !== '0');
    await this.remove(batch);
  }

  /** Writes every entry of the mirror back, batch by batch. */
  async writeAll(): Promise<void> {
    const { state } = this.node.mirror;
    const batch = new ResyncBatch();
    const write = async (ref: MirrorEntryRef) => {
      this.addTo(batch, ref);
      if (batch.full) await this.add(batch);
    };
    for (const { appId, socketId } of state.connectionEntries()) {
      await write({ kind: 'c', appId, channel: '', socketId });
    }
    for (const { appId, channel, socketId } of state.subscriptionEntries()) {
      await write({ kind: 's', appId, channel, socketId });
    }
    for (const { appId, channel, socketId } of state.membershipEntries()) {
      await write({ kind: 'm', appId, channel, socketId });
    }
    await this.add(batch);
  }

  /**
   * Rewrites the entries that changed meanwhile (a few passes, while they keep changing), then
   * registers the node. Resolves false when a survivor reaped the node during the resync (the
   * caller starts over).
   */
  async catchUpAndFinish(): Promise<boolean> {
    const { mirror } = this.node;
    for (let pass = 0; pass < MAX_CATCH_UP_PASSES && mirror.hasTouched; pass++) {
      await this.rewrite(mirror.takeTouched());
    }
    const finished = await this.run('resyncFinish', this.head);
    return replyInt(finished, 'resync finish') === 1;
  }

  /**
   * Rewrites these entries as the mirror holds them now: removals first (as in a full pass), then
   * additions. Every batch is sent before this returns (nothing is awaited in between), so the
   * rewrite reaches Redis before any command sent after it.
   */
  rewrite(touched: readonly MirrorEntryRef[]): Promise<void> {
    const sent: Promise<void>[] = [];
    const removals = new ResyncBatch();
    for (const ref of touched) {
      const group = removeGroup(ref.kind, encodeAppId(ref.appId), ref.channel, ref.socketId);
      if (this.holds(group)) continue;
      removals.add(group);
      if (removals.full) sent.push(this.remove(removals));
    }
    sent.push(this.remove(removals));
    const additions = new ResyncBatch();
    for (const ref of touched) {
      this.addTo(additions, ref);
      if (additions.full) sent.push(this.add(additions));
    }
    sent.push(this.add(additions));
    return Promise.all(sent).then(() => undefined);
  }

  /** Adds the entry's RESYNC_ADD group when the mirror still holds it. */
  private addTo(batch: ResyncBatch, ref: MirrorEntryRef): void {
    const { mirror } = this.node;
    const { kind, appId, channel, socketId } = ref;
    const app = encodeAppId(appId);
    if (kind === 'c') {
      if (mirror.state.hasConnection(appId, socketId)) {
        batch.add(['c', app, '', socketId, '', '', '0']);
      }
      return;
    }
    let user = '';
    let info = '';
    if (kind === 's') {
      if (!mirror.state.hasSubscription(appId, channel, socketId)) return;
    } else {
      const member = mirror.state.membership(appId, channel, socketId);
      if (member === undefined) return;
      user = member.userId;
      info = serializeUserInfo(member.userInfo);
    }
    const flagged = mirror.isUnannounced(kind, appId, channel, socketId);
    const announced: AnnouncedEntry | undefined = flagged
      ? { kind, appId, channel, socketId }
      : undefined;
    batch.add([kind, app, channel, socketId, user, info, flagged ? '1' : '0'], announced);
  }

  /** True when the mirror holds the entry a RESYNC_REMOVE group names. */
  private holds(group: readonly string[]): boolean {
    const [kind, app = '', channel = '', socketId = ''] = group;
    const { state } = this.node.mirror;
    let appId: string;
    try {
      appId = decodeAppId(app);
    } catch {
      return false;
    }
    if (kind === 'c') return state.hasConnection(appId, socketId);
    if (kind === 's') return state.hasSubscription(appId, channel, socketId);
    return state.membership(appId, channel, socketId) !== undefined;
  }

  /**
   * Runs a resync script in the state slot. ioredis sends a script's source (EVAL) the first time
   * on each connection, so batches sent back to back keep their order.
   */
  private run(name: ScriptName, args: readonly string[]): Promise<unknown> {
    return runScript(this.commands, name, this.node.keys.anchor, args);
  }

  private async remove(batch: ResyncBatch): Promise<void> {
    if (batch.empty) return;
    const { args } = batch.take();
    await this.run('resyncRemove', this.head.concat(args));
  }

  private async add(batch: ResyncBatch): Promise<void> {
    if (batch.empty) return;
    const { args, announced } = batch.take();
    await this.run('resyncAdd', this.head.concat(args));
    // Written and reported if they were new: later batches no longer flag them.
    for (const entry of announced) {
      this.node.mirror.unflag(entry.kind, entry.appId, entry.channel, entry.socketId);
    }
  }
}

/** A RESYNC_REMOVE argument group. */
function removeGroup(
  kind: MirrorEntryKind,
  app: string,
  channel: string,
  socketId: string,
): string[] {
  return [kind, app, channel, socketId];
}

/** A RESYNC_REMOVE group from a stored entry (JSON [kind, app, channel, socket]), if readable. */
function storedEntryGroup(text: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) return undefined;
  const [kind, app, channel, socketId] = parsed as unknown[];
  if (kind !== 'c' && kind !== 's' && kind !== 'm') return undefined;
  if (typeof app !== 'string' || typeof channel !== 'string' || typeof socketId !== 'string') {
    return undefined;
  }
  return removeGroup(kind, app, channel, socketId);
}
