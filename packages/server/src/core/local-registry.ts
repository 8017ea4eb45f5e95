/**
 * @module core/local-registry
 * This node's own connections, indexed for O(subscribers) fan-out: per app, the connections
 * subscribed to each channel, the connections signed in as each user, and every connection by
 * socket id. Cluster-wide counts live in the adapter; this is only the local delivery index.
 */

import type { Connection } from './connection';

type Index = Map<string, Map<string, Set<Connection>>>;

function addTo(index: Index, appId: string, key: string, connection: Connection): void {
  let byKey = index.get(appId);
  if (!byKey) {
    byKey = new Map();
    index.set(appId, byKey);
  }
  let set = byKey.get(key);
  if (!set) {
    set = new Set();
    byKey.set(key, set);
  }
  set.add(connection);
}

function removeFrom(index: Index, appId: string, key: string, connection: Connection): void {
  const byKey = index.get(appId);
  const set = byKey?.get(key);
  if (!byKey || !set) return;
  set.delete(connection);
  if (set.size === 0) byKey.delete(key);
  if (byKey.size === 0) index.delete(appId);
}

export class LocalRegistry {
  readonly #channels: Index = new Map();
  readonly #users: Index = new Map();
  readonly #connections = new Set<Connection>();

  addConnection(connection: Connection): void {
    this.#connections.add(connection);
  }

  /** False when `connection` was not registered (already removed). */
  removeConnection(connection: Connection): boolean {
    return this.#connections.delete(connection);
  }

  /** Every open connection of this node (all apps). */
  connections(): ReadonlySet<Connection> {
    return this.#connections;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  subscribe(connection: Connection, channel: string): void {
    addTo(this.#channels, connection.app.id, channel, connection);
  }

  unsubscribe(connection: Connection, channel: string): void {
    removeFrom(this.#channels, connection.app.id, channel, connection);
  }

  subscribers(appId: string, channel: string): ReadonlySet<Connection> | undefined {
    return this.#channels.get(appId)?.get(channel);
  }

  signIn(connection: Connection, userId: string): void {
    addTo(this.#users, connection.app.id, userId, connection);
  }

  signOut(connection: Connection, userId: string): void {
    removeFrom(this.#users, connection.app.id, userId, connection);
  }

  /** Local connections signed in as `userId`. */
  userConnections(appId: string, userId: string): ReadonlySet<Connection> | undefined {
    return this.#users.get(appId)?.get(userId);
  }

  /** Number of local channel entries (for leak checks in tests and diagnostics). */
  get channelEntryCount(): number {
    let total = 0;
    for (const byChannel of this.#channels.values()) total += byChannel.size;
    return total;
  }
}
