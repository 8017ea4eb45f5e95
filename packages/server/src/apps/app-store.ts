/**
 * @module apps/app-store
 * Lookup of the configured apps by id (REST paths) and by key (WebSocket paths, `auth_key`).
 */
import type { ResolvedApp } from '../options';

/** Read access to the apps a server serves. */
export interface AppStore {
  byId(id: string): ResolvedApp | undefined;
  byKey(key: string): ResolvedApp | undefined;
  all(): ResolvedApp[];
}

/** An {@link AppStore} over a fixed list of resolved apps (ids and keys are unique). */
export function createAppStore(apps: readonly ResolvedApp[]): AppStore {
  const ids = new Map<string, ResolvedApp>();
  const keys = new Map<string, ResolvedApp>();
  for (const app of apps) {
    ids.set(app.id, app);
    keys.set(app.key, app);
  }
  return {
    byId: (id) => ids.get(id),
    byKey: (key) => keys.get(key),
    all: () => [...apps],
  };
}
