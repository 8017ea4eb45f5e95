/**
 * @module testing/adapter-contract
 * The Adapter contract as one suite, shipped for adapter authors: `runAdapterContract(name,
 * makeCluster, options)` runs every method and transition rule against an adapter implementation.
 * Cases that need two or more nodes are registered only for cluster-capable adapters; for a
 * single-node adapter one explicit test states why they do not apply (nothing is skipped
 * silently). The test runner's functions are passed in (`options.runner`), so this module imports
 * no runner: vitest's `{ describe, it, expect, onTestFinished }` fit as they are.
 */
import type {
  Adapter,
  AdapterHandlers,
  AdapterHealth,
  ChannelMessage,
  ClusterChange,
  PresenceMember,
  RateQuota,
} from '../adapters/adapter';
import { isMemberLimitReached } from '../adapters/adapter';
import { AdapterUsageError } from '../adapters/adapter-errors';

/** The matchers the contract uses, as vitest's (and Jest's) `expect(value)` provides them. */
export interface ContractAssertion {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toMatchObject(expected: object): void;
  toHaveLength(length: number): void;
  toBeUndefined(): void;
  toBeGreaterThan(expected: number): void;
  toBeGreaterThanOrEqual(expected: number): void;
  toBeLessThanOrEqual(expected: number): void;
  readonly not: ContractAssertion;
  readonly rejects: {
    toThrow(expected?: unknown): Promise<unknown>;
    toBeInstanceOf(expected: unknown): Promise<unknown>;
  };
}

/** The test runner's functions the contract registers its cases with (vitest's fit as they are). */
export interface ContractRunner {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>): unknown;
  expect(actual: unknown): ContractAssertion;
  /** Registers a cleanup that runs when the current test ends, pass or fail. */
  onTestFinished(cleanup: () => Promise<void> | void): unknown;
}

/** A reported removal as recorded by {@link RecordingHandlers.orphans}. */
export type Removal = ClusterChange extends infer C
  ? C extends ClusterChange
    ? Omit<C, 'direction'>
    : never
  : never;

/** Handlers that record every callback, with helpers to wait for them. */
export class RecordingHandlers implements AdapterHandlers {
  readonly delivered: ChannelMessage[] = [];
  readonly terminated: { appId: string; userId: string }[] = [];
  readonly clusterChanges: ClusterChange[][] = [];
  readonly healthChanges: AdapterHealth[] = [];
  private readonly waiters = new Set<() => void>();

  deliver(message: ChannelMessage): void {
    this.delivered.push(message);
    this.notify();
  }

  terminateUser(appId: string, userId: string): void {
    this.terminated.push({ appId, userId });
    this.notify();
  }

  clusterChanged(changes: readonly ClusterChange[]): void {
    this.clusterChanges.push([...changes]);
    this.notify();
  }

  /** The reported batches that held removals, each reduced to its removals (without `direction`). */
  get orphans(): Removal[][] {
    return this.clusterChanges
      .map((batch) =>
        batch.flatMap(({ direction, ...change }) => (direction === 'removed' ? [change] : [])),
      )
      .filter((removals) => removals.length > 0);
  }

  healthChanged(health: AdapterHealth): void {
    this.healthChanges.push(health);
    this.notify();
  }

  /** Resolves once `condition()` holds, re-checked after every callback; rejects after timeoutMs. */
  async until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (condition()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const check = (): void => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  protected notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** One started adapter of a test cluster and the handlers it was started with. */
export interface ContractNode {
  readonly adapter: Adapter;
  readonly handlers: RecordingHandlers;
}

/** n started adapters sharing one cluster state. */
export interface ContractCluster {
  readonly nodes: readonly ContractNode[];
  /** Lets `ms` milliseconds pass for TTL purposes (a fake clock, or real waiting). */
  elapse(ms: number): Promise<void>;
  /** Closes every node; idempotent. */
  close(): Promise<void>;
}

export type MakeCluster = (nodeCount: number) => Promise<ContractCluster>;

export interface ContractOptions {
  /** Largest cluster the adapter supports: 1 for an in-process adapter. */
  readonly maxNodes: number;
  /** The runner's `describe`, `it`, `expect` and `onTestFinished`. */
  readonly runner: ContractRunner;
  /** Why cluster cases do not apply, shown as a test name when maxNodes is 1. */
  readonly singleNodeReason?: string;
}

/** Polls an async condition until it holds (for state that converges across nodes). */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Presence members in a stable order: the contract does not promise one. */
export function byUser(members: readonly PresenceMember[]): PresenceMember[] {
  return [...members].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}

const APP = 'app-1';
const OTHER_APP = 'app-2';

/**
 * Waits, if needed, until a rate window has at least 500 ms left, so that the calls that follow
 * fall into one window (a fake clock jumps; Redis's clock is waited for).
 */
async function freshRateWindow(
  expect: ContractRunner['expect'],
  adapter: Adapter,
  elapse: (ms: number) => Promise<void>,
) {
  const probe = await adapter.takeRateQuota('probe-app', 'reads', 0, 1);
  expect(probe.granted).toBe(0);
  if (probe.resetInMs < 500) await elapse(probe.resetInMs + 10);
}

function message(channel: string, frame: string, exceptSocketId?: string): ChannelMessage {
  return exceptSocketId === undefined
    ? { appId: APP, channel, frame }
    : { appId: APP, channel, frame, exceptSocketId };
}

export function runAdapterContract(
  name: string,
  makeCluster: MakeCluster,
  options: ContractOptions,
): void {
  const { describe, it, expect, onTestFinished } = options.runner;
  async function cluster(nodeCount: number): Promise<ContractCluster> {
    const made = await makeCluster(nodeCount);
    onTestFinished(() => made.close());
    expect(made.nodes).toHaveLength(nodeCount);
    return made;
  }

  async function single(): Promise<ContractNode & { elapse(ms: number): Promise<void> }> {
    const made = await cluster(1);
    const node = made.nodes[0]!;
    return { ...node, elapse: (ms) => made.elapse(ms) };
  }

  describe(`${name}: adapter contract (one node)`, () => {
    it('has a stable non-empty nodeId and is healthy after start', async () => {
      const { adapter } = await single();
      expect(typeof adapter.nodeId).toBe('string');
      expect(adapter.nodeId.length).toBeGreaterThan(0);
      expect(adapter.nodeId).toBe(adapter.nodeId);
      expect(adapter.health()).toEqual({ ok: true });
      // Connected and in sync: a publish now reaches every node (the REST API may answer 2xx).
      expect(adapter.canReachCluster()).toBe(true);
    });

    it('publish delivers to this node synchronously, frame and exclusion untouched', async () => {
      const { adapter, handlers } = await single();
      const frame = '{"event":"e","channel":"c","data":"{\\"a\\":1}"}';
      adapter.publish(message('c', frame, '1.2'));
      adapter.publish(message('c', 'second'));
      expect(handlers.delivered).toEqual([message('c', frame, '1.2'), message('c', 'second')]);
    });

    it('publish with remoteOnly is not delivered on this node', async () => {
      const { adapter, handlers } = await single();
      adapter.publish({ ...message('c', 'already-local'), remoteOnly: true });
      adapter.publish(message('c', 'after'));
      expect(handlers.delivered).toEqual([message('c', 'after')]);
    });

    it('terminateUser reaches this node', async () => {
      const { adapter, handlers } = await single();
      await adapter.terminateUser(APP, 'user-7');
      await handlers.until(() => handlers.terminated.length === 1, 'terminateUser');
      expect(handlers.terminated).toEqual([{ appId: APP, userId: 'user-7' }]);
    });

    it('counts connections per app, idempotently per socket', async () => {
      const { adapter } = await single();
      expect(await adapter.addConnection(APP, '1.1')).toBe(1);
      expect(await adapter.addConnection(APP, '1.2')).toBe(2);
      expect(await adapter.addConnection(APP, '1.2')).toBe(2);
      expect(await adapter.addConnection(OTHER_APP, '1.3')).toBe(1);
      await adapter.removeConnection(APP, '1.1');
      await adapter.removeConnection(APP, '9.9');
      expect(await adapter.addConnection(APP, '1.4')).toBe(2);
    });

    it('subscription transitions: first add and last remove only', async () => {
      const { adapter } = await single();
      expect(await adapter.addSubscription(APP, 'c', '1.1')).toEqual({
        subscriptionCount: 1,
        transitioned: true,
      });
      expect(await adapter.addSubscription(APP, 'c', '1.2')).toEqual({
        subscriptionCount: 2,
        transitioned: false,
      });
      expect(await adapter.removeSubscription(APP, 'c', '1.1')).toEqual({
        subscriptionCount: 1,
        transitioned: false,
      });
      expect(await adapter.removeSubscription(APP, 'c', '1.2')).toEqual({
        subscriptionCount: 0,
        transitioned: true,
      });
      expect(await adapter.channel(APP, 'c')).toBeUndefined();
      expect(await adapter.addSubscription(APP, 'c', '1.3')).toEqual({
        subscriptionCount: 1,
        transitioned: true,
      });
    });

    it('subscribing the same socket twice changes nothing; unknown removals resolve undefined', async () => {
      const { adapter } = await single();
      await adapter.addSubscription(APP, 'c', '1.1');
      expect(await adapter.addSubscription(APP, 'c', '1.1')).toEqual({
        subscriptionCount: 1,
        transitioned: false,
      });
      expect(await adapter.removeSubscription(APP, 'c', '9.9')).toBeUndefined();
      expect(await adapter.removeSubscription(APP, 'nope', '1.1')).toBeUndefined();
      expect(await adapter.removeSubscription(OTHER_APP, 'c', '1.1')).toBeUndefined();
      expect(await adapter.channel(APP, 'c')).toEqual({ subscriptionCount: 1 });
    });

    it('concurrent subscribes and unsubscribes report exactly one transition each way', async () => {
      const { adapter } = await single();
      const sockets = Array.from({ length: 8 }, (_, i) => `2.${i}`);
      const added = await Promise.all(sockets.map((s) => adapter.addSubscription(APP, 'c', s)));
      expect(
        added.filter((change) => 'transitioned' in change && change.transitioned),
      ).toHaveLength(1);
      expect(Math.max(...added.map((change) => change.subscriptionCount))).toBe(8);
      const removed = await Promise.all(
        sockets.map((s) => adapter.removeSubscription(APP, 'c', s)),
      );
      expect(removed.filter((change) => change?.transitioned)).toHaveLength(1);
      expect(await adapter.channel(APP, 'c')).toBeUndefined();
    });

    it('presence: one member per user, refcounted per connection, first info kept', async () => {
      const { adapter } = await single();
      const ch = 'presence-room';
      const alice = { userId: 'alice', userInfo: { name: 'Alice' } };
      const aliceLater = { userId: 'alice', userInfo: { name: 'Alice 2' } };
      const bob = { userId: 'bob', userInfo: null };
      expect(await adapter.addMember(APP, ch, '1.1', alice)).toEqual({
        member: alice,
        userCount: 1,
        transitioned: true,
      });
      expect(await adapter.addMember(APP, ch, '1.2', aliceLater)).toEqual({
        member: alice,
        userCount: 1,
        transitioned: false,
      });
      expect(await adapter.addMember(APP, ch, '1.3', bob)).toEqual({
        member: bob,
        userCount: 2,
        transitioned: true,
      });
      expect(byUser(await adapter.members(APP, ch))).toEqual([alice, bob]);
      expect(await adapter.removeMember(APP, ch, '1.1')).toEqual({
        member: alice,
        userCount: 2,
        transitioned: false,
      });
      expect(await adapter.removeMember(APP, ch, '1.2')).toEqual({
        member: alice,
        userCount: 1,
        transitioned: true,
      });
      expect(await adapter.members(APP, ch)).toEqual([bob]);
      expect(await adapter.removeMember(APP, ch, '1.2')).toBeUndefined();
      expect(await adapter.removeMember(APP, ch, '9.9')).toBeUndefined();
      expect(await adapter.removeMember(APP, 'presence-none', '1.3')).toBeUndefined();
      expect(await adapter.removeMember(APP, ch, '1.3')).toEqual({
        member: bob,
        userCount: 0,
        transitioned: true,
      });
      expect(await adapter.members(APP, ch)).toEqual([]);
    });

    it('presence: user info of any JSON shape round-trips', async () => {
      const { adapter } = await single();
      const infos: unknown[] = [{ a: [1, 'x', { b: true }] }, 'text', 42, null, ['l'], {}];
      for (const [i, userInfo] of infos.entries()) {
        await adapter.addMember(APP, 'presence-x', `3.${i}`, { userId: `u${i}`, userInfo });
      }
      const members = byUser(await adapter.members(APP, 'presence-x'));
      expect(members.map((m) => m.userInfo)).toEqual(infos);
    });

    it('presence: re-adding a socket as the same user changes nothing; as another user rejects', async () => {
      const { adapter } = await single();
      const alice = { userId: 'alice', userInfo: 1 };
      await adapter.addMember(APP, 'presence-r', '1.1', alice);
      expect(await adapter.addMember(APP, 'presence-r', '1.1', alice)).toEqual({
        member: alice,
        userCount: 1,
        transitioned: false,
      });
      await expect(
        adapter.addMember(APP, 'presence-r', '1.1', { userId: 'bob', userInfo: 2 }),
      ).rejects.toBeInstanceOf(AdapterUsageError);
      expect(await adapter.removeMember(APP, 'presence-r', '1.1')).toEqual({
        member: alice,
        userCount: 0,
        transitioned: true,
      });
    });

    it('presence limit: a new user beyond maxMembers is refused (typed), nothing changes', async () => {
      const { adapter } = await single();
      const ch = 'presence-limit';
      const limits = { maxMembers: 2 };
      const join = (socket: string, userId: string) =>
        adapter.addMember(APP, ch, socket, { userId, userInfo: userId }, limits);
      expect(await join('5.1', 'alice')).toMatchObject({ userCount: 1, transitioned: true });
      expect(await join('5.2', 'bob')).toMatchObject({ userCount: 2, transitioned: true });
      expect(await join('5.3', 'carol')).toEqual({ limitReached: 'maxMembers', userCount: 2 });
      // An existing user's extra connection is always allowed; so is re-adding a socket.
      expect(await join('5.4', 'alice')).toMatchObject({ userCount: 2, transitioned: false });
      expect(await join('5.1', 'alice')).toMatchObject({ userCount: 2, transitioned: false });
      expect(byUser(await adapter.members(APP, ch)).map((m) => m.userId)).toEqual(['alice', 'bob']);
      // The refused socket was never recorded.
      expect(await adapter.removeMember(APP, ch, '5.3')).toBeUndefined();
      // No limit (absent or 0) behaves like the call without limits.
      expect(
        await adapter.addMember(APP, ch, '5.5', { userId: 'dave', userInfo: null }, {}),
      ).toMatchObject({ userCount: 3, transitioned: true });
      expect(
        await adapter.addMember(
          APP,
          ch,
          '5.6',
          { userId: 'erin', userInfo: null },
          { maxMembers: 0 },
        ),
      ).toMatchObject({ userCount: 4, transitioned: true });
      await adapter.removeMember(APP, ch, '5.2');
      await adapter.removeMember(APP, ch, '5.5');
      await adapter.removeMember(APP, ch, '5.6');
      expect(await join('5.7', 'carol')).toMatchObject({ userCount: 2, transitioned: true });
    });

    it('presence limit: N concurrent joins of distinct users against a limit of N-2', async () => {
      const { adapter } = await single();
      const n = 8;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          adapter.addMember(
            APP,
            'presence-race',
            `6.${i}`,
            { userId: `u${i}`, userInfo: null },
            { maxMembers: n - 2 },
          ),
        ),
      );
      expect(results.filter((r) => !isMemberLimitReached(r))).toHaveLength(n - 2);
      expect(results.filter((r) => isMemberLimitReached(r))).toHaveLength(2);
      expect(await adapter.members(APP, 'presence-race')).toHaveLength(n - 2);
      expect((await adapter.channel(APP, 'presence-race'))?.userCount).toBe(n - 2);
    });

    it('concurrent joins of one user on many sockets report exactly one member_added', async () => {
      const { adapter } = await single();
      const sockets = Array.from({ length: 6 }, (_, i) => `4.${i}`);
      const member = { userId: 'u', userInfo: null };
      const added = await Promise.all(
        sockets.map((s) => adapter.addMember(APP, 'presence-c', s, member)),
      );
      expect(
        added.filter((change) => 'transitioned' in change && change.transitioned),
      ).toHaveLength(1);
      const removed = await Promise.all(
        sockets.map((s) => adapter.removeMember(APP, 'presence-c', s)),
      );
      expect(removed.filter((change) => change?.transitioned)).toHaveLength(1);
      expect(await adapter.members(APP, 'presence-c')).toEqual([]);
    });

    it('channels() and channel(): occupied only, prefix filter, user_count for presence only', async () => {
      const { adapter } = await single();
      await adapter.addSubscription(APP, 'public-a', '1.1');
      await adapter.addSubscription(APP, 'public-a', '1.2');
      await adapter.addSubscription(APP, 'private-b', '1.1');
      await adapter.addSubscription(APP, 'presence-c', '1.1');
      await adapter.addSubscription(APP, 'presence-c', '1.2');
      await adapter.addMember(APP, 'presence-c', '1.1', { userId: 'u', userInfo: null });
      await adapter.addMember(APP, 'presence-c', '1.2', { userId: 'u', userInfo: null });
      await adapter.addSubscription(OTHER_APP, 'other', '1.9');
      await adapter.addSubscription(APP, 'gone', '1.1');
      await adapter.removeSubscription(APP, 'gone', '1.1');
      expect(await adapter.channels(APP)).toEqual(
        new Map([
          ['public-a', { subscriptionCount: 2 }],
          ['private-b', { subscriptionCount: 1 }],
          ['presence-c', { subscriptionCount: 2, userCount: 1 }],
        ]),
      );
      expect(await adapter.channels(APP, 'pr')).toEqual(
        new Map([
          ['private-b', { subscriptionCount: 1 }],
          ['presence-c', { subscriptionCount: 2, userCount: 1 }],
        ]),
      );
      expect(await adapter.channels(APP, 'zzz')).toEqual(new Map());
      expect(await adapter.channels('no-such-app')).toEqual(new Map());
      expect(await adapter.channel(APP, 'presence-c')).toEqual({
        subscriptionCount: 2,
        userCount: 1,
      });
      expect(await adapter.channel(APP, 'public-a')).toEqual({ subscriptionCount: 2 });
      expect(await adapter.channel(APP, 'gone')).toBeUndefined();
      expect(await adapter.channel(OTHER_APP, 'other')).toEqual({ subscriptionCount: 1 });
    });

    it('channel names with separators and unicode stay distinct', async () => {
      const { adapter } = await single();
      const names = ['a:b', 'a', 'a:b:c', 'private-ünï-😀', 'x{y}', 'presence-a:b'];
      for (const n of names) await adapter.addSubscription(APP, n, '1.1');
      await adapter.addSubscription('a', 'b:x', '1.1');
      expect([...(await adapter.channels(APP)).keys()].sort()).toEqual([...names].sort());
      expect([...(await adapter.channels('a')).keys()]).toEqual(['b:x']);
    });

    it('cache channels: last event with its remaining TTL, then expiry', async () => {
      const { adapter, elapse } = await single();
      expect(await adapter.cachedEvent(APP, 'cache-x')).toBeUndefined();
      await adapter.setCachedEvent(APP, 'cache-x', { event: 'e1', data: '{"n":1}' }, 30);
      await adapter.setCachedEvent(APP, 'cache-x', { event: 'e2', data: 'raw "text"' }, 1);
      await adapter.setCachedEvent(OTHER_APP, 'cache-x', { event: 'o', data: '' }, 30);
      const cached = await adapter.cachedEvent(APP, 'cache-x');
      expect(cached?.event).toEqual({ event: 'e2', data: 'raw "text"' });
      expect(cached?.ttlSec).toBe(1);
      expect((await adapter.cachedEvent(OTHER_APP, 'cache-x'))?.event.event).toBe('o');
      await elapse(1100);
      await eventually(
        () => adapter.cachedEvent(APP, 'cache-x'),
        (value) => value === undefined,
        'cache expiry',
      );
      expect((await adapter.cachedEvent(OTHER_APP, 'cache-x'))?.ttlSec).toBeGreaterThan(28);
    });

    it('claimOnce: exactly one winner among concurrent claims, free again after the TTL', async () => {
      const { adapter, elapse } = await single();
      const results = await Promise.all(
        Array.from({ length: 5 }, () => adapter.claimOnce('cache_miss:app:c', 1)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await adapter.claimOnce('other-key', 1)).toBe(true);
      await elapse(1100);
      await eventually(
        () => adapter.claimOnce('cache_miss:app:c', 1),
        (won) => won,
        'claim to expire',
      );
    });

    it('takeRateQuota: up to the limit per window, apps and kinds apart, a new window afresh', async () => {
      const { adapter, elapse } = await single();
      await freshRateWindow(expect, adapter, elapse);
      const takes = await Promise.all([
        adapter.takeRateQuota(APP, 'events', 4, 10),
        adapter.takeRateQuota(APP, 'events', 4, 10),
        adapter.takeRateQuota(APP, 'events', 4, 10),
        adapter.takeRateQuota(APP, 'reads', 3, 10),
        adapter.takeRateQuota(OTHER_APP, 'events', 10, 10),
      ]);
      const [e1, e2, e3, reads, other] = takes as [
        RateQuota,
        RateQuota,
        RateQuota,
        RateQuota,
        RateQuota,
      ];
      expect([e1.granted, e2.granted, e3.granted].sort()).toEqual([2, 4, 4]);
      expect(reads.granted).toBe(3);
      expect(other.granted).toBe(10);
      const window = e1.window;
      for (const take of takes) {
        expect(take.window).toBe(window);
        expect(take.resetInMs).toBeGreaterThanOrEqual(1);
        expect(take.resetInMs).toBeLessThanOrEqual(1000);
      }
      const full = await adapter.takeRateQuota(APP, 'events', 1, 10);
      expect(full).toMatchObject({ granted: 0, window });
      expect((await adapter.takeRateQuota(APP, 'reads', 100, 10)).granted).toBe(7);
      await elapse(full.resetInMs + 10);
      const next = await adapter.takeRateQuota(APP, 'events', 5, 10);
      expect(next.granted).toBe(5);
      expect(next.window).toBeGreaterThan(window);
    });

    it('close() is idempotent', async () => {
      const { adapter } = await single();
      await adapter.close();
      await adapter.close();
    });
  });

  if (options.maxNodes < 2) {
    describe(`${name}: adapter contract (cluster)`, () => {
      it(`cross-node cases do not apply: ${options.singleNodeReason ?? 'single-node adapter'}`, async () => {
        await expect(makeCluster(2)).rejects.toThrow();
      });
    });
    return;
  }

  runClusterCases(options.runner, name, cluster, options.maxNodes);
}

function runClusterCases(
  runner: ContractRunner,
  name: string,
  cluster: (nodeCount: number) => Promise<ContractCluster>,
  maxNodes: number,
): void {
  const { describe, it, expect } = runner;
  describe(`${name}: adapter contract (cluster)`, () => {
    it('needs 2 nodes (fan-out): publish reaches the other node once, in order, exclusion kept', async () => {
      const { nodes } = await cluster(2);
      const [a, b] = [nodes[0]!, nodes[1]!];
      expect(a.adapter.nodeId).not.toBe(b.adapter.nodeId);
      for (let i = 0; i < 20; i++)
        a.adapter.publish(message('c', `f${i}`, i === 3 ? '7.7' : undefined));
      expect(a.handlers.delivered).toHaveLength(20);
      await b.handlers.until(() => b.handlers.delivered.length === 20, '20 deliveries on node b');
      expect(b.handlers.delivered.map((m) => m.frame)).toEqual(
        Array.from({ length: 20 }, (_, i) => `f${i}`),
      );
      expect(b.handlers.delivered[3]).toEqual(message('c', 'f3', '7.7'));
      b.adapter.publish(message('c', 'from-b'));
      await a.handlers.until(() => a.handlers.delivered.length === 21, 'delivery on node a');
      // Neither node hears its own envelope back.
      await b.handlers.until(() => b.handlers.delivered.length === 21, 'b local delivery');
      a.adapter.publish(message('c', 'marker'));
      await b.handlers.until(() => b.handlers.delivered.length === 22, 'marker on b');
      expect(a.handlers.delivered).toHaveLength(22);
    });

    it('needs 2 nodes (fan-out): a remoteOnly publish reaches only the other node', async () => {
      const { nodes } = await cluster(2);
      const [a, b] = [nodes[0]!, nodes[1]!];
      a.adapter.publish({ ...message('c', 'remote-only'), remoteOnly: true });
      a.adapter.publish(message('c', 'marker'));
      await b.handlers.until(() => b.handlers.delivered.length === 2, 'both frames on node b');
      expect(b.handlers.delivered.map((m) => m.frame)).toEqual(['remote-only', 'marker']);
      expect(a.handlers.delivered.map((m) => m.frame)).toEqual(['marker']);
    });

    it('needs 2 nodes (fan-out): terminateUser reaches every node', async () => {
      const { nodes } = await cluster(2);
      await nodes[1]!.adapter.terminateUser(APP, 'u1');
      for (const node of nodes) {
        await node.handlers.until(() => node.handlers.terminated.length === 1, 'terminate');
        expect(node.handlers.terminated).toEqual([{ appId: APP, userId: 'u1' }]);
      }
    });

    it('needs 2 nodes (shared counts): connections are counted cluster-wide', async () => {
      const { nodes } = await cluster(2);
      expect(await nodes[0]!.adapter.addConnection(APP, '1.1')).toBe(1);
      expect(await nodes[1]!.adapter.addConnection(APP, '2.1')).toBe(2);
      await nodes[0]!.adapter.removeConnection(APP, '1.1');
      expect(await nodes[1]!.adapter.addConnection(APP, '2.2')).toBe(2);
    });

    it('needs 2 nodes (shared transitions): occupied/vacated decided once cluster-wide', async () => {
      const { nodes } = await cluster(2);
      const [a, b] = [nodes[0]!.adapter, nodes[1]!.adapter];
      expect(await a.addSubscription(APP, 'c', '1.1')).toEqual({
        subscriptionCount: 1,
        transitioned: true,
      });
      expect(await b.addSubscription(APP, 'c', '2.1')).toEqual({
        subscriptionCount: 2,
        transitioned: false,
      });
      expect(await b.channel(APP, 'c')).toEqual({ subscriptionCount: 2 });
      expect(await a.removeSubscription(APP, 'c', '1.1')).toEqual({
        subscriptionCount: 1,
        transitioned: false,
      });
      expect(await a.removeSubscription(APP, 'c', '2.1')).toEqual({
        subscriptionCount: 0,
        transitioned: true,
      });
      expect(await b.channel(APP, 'c')).toBeUndefined();
    });

    it(`needs ${maxNodes >= 3 ? 3 : 2} nodes (atomicity): concurrent subscribes on every node, one transition`, async () => {
      const { nodes } = await cluster(Math.min(maxNodes, 3));
      const calls = nodes.flatMap((node, n) =>
        Array.from({ length: 5 }, (_, i) => node.adapter.addSubscription(APP, 'hot', `${n}.${i}`)),
      );
      const added = await Promise.all(calls);
      expect(
        added.filter((change) => 'transitioned' in change && change.transitioned),
      ).toHaveLength(1);
      const removals = nodes.flatMap((node, n) =>
        Array.from({ length: 5 }, (_, i) =>
          node.adapter.removeSubscription(APP, 'hot', `${n}.${i}`),
        ),
      );
      const removed = await Promise.all(removals);
      expect(removed.filter((change) => change?.transitioned)).toHaveLength(1);
    });

    it('needs 2 nodes (shared presence): a user on two nodes is one member until the last leaves', async () => {
      const { nodes } = await cluster(2);
      const [a, b] = [nodes[0]!.adapter, nodes[1]!.adapter];
      const ch = 'presence-x';
      const alice = { userId: 'alice', userInfo: { n: 1 } };
      const bob = { userId: 'bob', userInfo: { n: 2 } };
      expect(await a.addMember(APP, ch, '1.1', alice)).toMatchObject({ transitioned: true });
      expect(await b.addMember(APP, ch, '2.1', alice)).toEqual({
        member: alice,
        userCount: 1,
        transitioned: false,
      });
      expect((await b.addMember(APP, ch, '2.2', bob)).userCount).toBe(2);
      await a.addSubscription(APP, ch, '1.1');
      await b.addSubscription(APP, ch, '2.1');
      await b.addSubscription(APP, ch, '2.2');
      for (const adapter of [a, b]) {
        expect(byUser(await adapter.members(APP, ch))).toEqual([alice, bob]);
        expect(await adapter.channel(APP, ch)).toEqual({ subscriptionCount: 3, userCount: 2 });
        expect((await adapter.channels(APP)).get(ch)).toEqual({
          subscriptionCount: 3,
          userCount: 2,
        });
      }
      expect((await a.removeMember(APP, ch, '1.1'))?.transitioned).toBe(false);
      expect(await b.removeMember(APP, ch, '2.1')).toEqual({
        member: alice,
        userCount: 1,
        transitioned: true,
      });
      expect(await a.members(APP, ch)).toEqual([bob]);
    });

    it(`needs ${maxNodes >= 3 ? 3 : 2} nodes (atomic presence limit): concurrent joins of distinct users on every node`, async () => {
      const { nodes } = await cluster(Math.min(maxNodes, 3));
      const perNode = 4;
      const n = nodes.length * perNode;
      const joins = nodes.flatMap((node, k) =>
        Array.from({ length: perNode }, (_, i) =>
          node.adapter.addMember(
            APP,
            'presence-race',
            `${k}.${i}`,
            { userId: `u${k}-${i}`, userInfo: null },
            { maxMembers: n - 2 },
          ),
        ),
      );
      const results = await Promise.all(joins);
      expect(results.filter((r) => !isMemberLimitReached(r))).toHaveLength(n - 2);
      for (const node of nodes) {
        expect(await node.adapter.members(APP, 'presence-race')).toHaveLength(n - 2);
      }
      // A user present through another node may always join on this one.
      const admitted = results.findIndex((r) => !isMemberLimitReached(r));
      const admittedUser = `u${Math.floor(admitted / perNode)}-${admitted % perNode}`;
      const [first, second] = [nodes[0]!.adapter, nodes[1]!.adapter];
      const other = admitted < perNode ? second : first;
      expect(
        await other.addMember(
          APP,
          'presence-race',
          '9.9',
          { userId: admittedUser, userInfo: null },
          { maxMembers: n - 2 },
        ),
      ).toMatchObject({ userCount: n - 2, transitioned: false });
    });

    it('needs 2 nodes (shared storage): cache events and claims are cluster-wide', async () => {
      const { nodes } = await cluster(2);
      const [a, b] = [nodes[0]!.adapter, nodes[1]!.adapter];
      await a.setCachedEvent(APP, 'cache-c', { event: 'e', data: 'd' }, 60);
      expect((await b.cachedEvent(APP, 'cache-c'))?.event).toEqual({ event: 'e', data: 'd' });
      const claims = await Promise.all([
        a.claimOnce('k', 60),
        b.claimOnce('k', 60),
        a.claimOnce('k', 60),
        b.claimOnce('k', 60),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    it('needs 2 nodes (shared rate windows): the grants of every node in one window add up to the limit', async () => {
      const { nodes, elapse } = await cluster(2);
      const [a, b] = [nodes[0]!.adapter, nodes[1]!.adapter];
      await freshRateWindow(expect, a, elapse);
      const takes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? a : b).takeRateQuota(APP, 'events', 1, 7),
        ),
      );
      expect(takes.reduce((sum, take) => sum + take.granted, 0)).toBe(7);
      expect(new Set(takes.map((take) => take.window)).size).toBe(1);
      expect((await b.takeRateQuota(APP, 'reads', 9, 7)).granted).toBe(7);
      expect((await a.takeRateQuota(APP, 'reads', 1, 7)).granted).toBe(0);
    });

    it('needs 2 nodes (clean leave): close() removes the closing node’s state only', async () => {
      const { nodes } = await cluster(2);
      const [a, b] = [nodes[0]!.adapter, nodes[1]!.adapter];
      await a.addConnection(APP, '1.1');
      await b.addConnection(APP, '2.1');
      await a.addSubscription(APP, 'c', '1.1');
      await b.addSubscription(APP, 'c', '2.1');
      await b.addSubscription(APP, 'only-b', '2.1');
      await b.addMember(APP, 'presence-p', '2.1', { userId: 'u', userInfo: null });
      await b.close();
      expect(await a.channel(APP, 'c')).toEqual({ subscriptionCount: 1 });
      expect(await a.channel(APP, 'only-b')).toBeUndefined();
      expect(await a.members(APP, 'presence-p')).toEqual([]);
      expect(await a.addConnection(APP, '1.2')).toBe(2);
      expect(nodes[0]!.handlers.orphans).toEqual([]);
    });
  });
}
