/**
 * @module apps/app-store
 * Lookup of the served apps by id (REST paths) and by key (WebSocket paths, `auth_key`). The set
 * can be swapped whole (`server.reloadApps()`, the Redis app store): a lookup sees either the old
 * set or the new one, never a mix.
 */
import type { ResolvedApp } from '../options';

/** Read access to the apps a server serves. */
export interface AppStore {
  byId(id: string): ResolvedApp | undefined;
  byKey(key: string): ResolvedApp | undefined;
  all(): ResolvedApp[];
}

/** An {@link AppStore} whose whole set `replace()` swaps at once. */
export interface ReplaceableAppStore extends AppStore {
  /** Serves `apps` from now on (ids and keys must be unique). */
  replace(apps: readonly ResolvedApp[]): void;
}

interface AppIndex {
  readonly apps: readonly ResolvedApp[];
  readonly ids: ReadonlyMap<string, ResolvedApp>;
  readonly keys: ReadonlyMap<string, ResolvedApp>;
}

function indexApps(apps: readonly ResolvedApp[]): AppIndex {
  const ids = new Map<string, ResolvedApp>();
  const keys = new Map<string, ResolvedApp>();
  for (const app of apps) {
    ids.set(app.id, app);
    keys.set(app.key, app);
  }
  return { apps: [...apps], ids, keys };
}

/** An {@link AppStore} over a list of resolved apps (ids and keys are unique). */
export function createAppStore(apps: readonly ResolvedApp[]): ReplaceableAppStore {
  let index = indexApps(apps);
  return {
    byId: (id) => index.ids.get(id),
    byKey: (key) => index.keys.get(key),
    all: () => [...index.apps],
    replace: (next) => {
      index = indexApps(next);
    },
  };
}
