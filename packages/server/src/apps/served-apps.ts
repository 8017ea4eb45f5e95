/**
 * @module apps/served-apps
 * The apps a server serves, from two sources: the configured ones (options, config file,
 * environment; replaced by `server.reloadApps()`) and, with `redisUrl`, the ones in the cluster's
 * Redis app store. A configured app wins over a stored one with the same id or key. Each change is
 * validated first (an invalid set leaves the old one running), then swapped into the
 * {@link ReplaceableAppStore} at once and handed to `onChanged` (closing the connections of
 * removed or disabled apps, ...).
 */
import type { Logger } from '../observability/logger';
import type { AppOptions, ResolvedApp, ResolvedServerOptions } from '../options';
import { resolveApps } from '../options/resolve';
import { resolveApp } from '../options/resolve-app';
import type { ReplaceableAppStore } from './app-store';
import { RedisAppFollower } from './redis-app-follower';
import type { StoredAppEntry } from './redis-app-store';

/** What one change of the app set did, by app id (never a secret). */
export interface AppsChange {
  /** Apps served now that were not before. */
  readonly added: readonly string[];
  /** Apps no longer served: their connections are closed with 4001. */
  readonly removed: readonly string[];
  /** Apps whose settings changed (secret, key, limits, webhooks, `enabled`, ...). */
  readonly changed: readonly string[];
}

export interface ServedAppsOptions {
  readonly options: ResolvedServerOptions;
  readonly store: ReplaceableAppStore;
  readonly logger: Logger;
  /** Called after each swap that changed something, with the apps before and after. */
  readonly onChanged: (change: AppsChange, next: ReplaceableAppStore) => void;
}

/** The served app set and its two sources; see the module comment. */
export class ServedApps {
  readonly #options: ResolvedServerOptions;
  readonly #store: ReplaceableAppStore;
  readonly #logger: Logger;
  readonly #onChanged: ServedAppsOptions['onChanged'];
  #configured: readonly ResolvedApp[];
  #stored: readonly ResolvedApp[] = [];
  #follower: Promise<RedisAppFollower> | undefined;
  /** Problems logged by the last pass, and those seen in this one: each is logged once a row. */
  #reported = new Set<string>();
  #seen = new Set<string>();

  constructor(options: ServedAppsOptions) {
    this.#options = options.options;
    this.#store = options.store;
    this.#logger = options.logger;
    this.#onChanged = options.onChanged;
    this.#configured = options.options.apps;
  }

  /**
   * With `redisUrl` (and `redisApps` not false): starts following the Redis app store, resolving
   * after the first read (or its deadline). Rejects when ioredis is missing.
   */
  async start(): Promise<void> {
    const { redisUrl, redisApps, redisKeyPrefix } = this.#options;
    if (redisUrl === undefined || !redisApps) return;
    this.#follower ??= RedisAppFollower.start({
      url: redisUrl,
      logger: this.#logger,
      onApps: (entries) => this.replaceStored(entries),
      ...(redisKeyPrefix === undefined ? {} : { keyPrefix: redisKeyPrefix }),
    });
    await this.#follower;
  }

  /** Stops following the Redis app store (the apps stay as they are). */
  async close(): Promise<void> {
    const follower = await this.#follower?.catch(() => undefined);
    await follower?.close();
  }

  /**
   * Validates `apps` like the `apps` option (undefined: the development app) and serves them in
   * place of the configured apps. Throws a ServerConfigError and changes nothing when invalid.
   */
  replaceConfigured(apps: readonly AppOptions[] | undefined): AppsChange {
    const { limits, webhooks } = this.#options;
    this.#configured = Object.freeze(resolveApps(apps, limits, webhooks));
    // The stored entries are not read again: their problems stay reported.
    return this.#pass(
      () => this.#apply(),
      (problem) => problem.startsWith('invalid '),
    );
  }

  /**
   * Serves `entries` (app options read from the Redis app store) next to the configured apps.
   * An invalid entry is logged and skipped; the app it replaces keeps its previous settings.
   */
  replaceStored(entries: readonly StoredAppEntry[]): AppsChange {
    return this.#pass(() => this.#replaceStored(entries));
  }

  #replaceStored(entries: readonly StoredAppEntry[]): AppsChange {
    const previous = new Map(this.#stored.map((app) => [app.id, app]));
    const next: ResolvedApp[] = [];
    for (const entry of entries) {
      try {
        if (entry.app === undefined) throw new Error('not JSON, or over the size limit');
        const app = resolveApp(
          entry.app,
          `storedApps.${entry.id}`,
          this.#options.limits,
          this.#options.webhooks,
        );
        if (app.id !== entry.id) throw new Error('its id differs from the field it is stored in');
        next.push(app);
      } catch (error) {
        const kept = previous.get(entry.id);
        if (kept !== undefined) next.push(kept);
        const problem = error instanceof Error ? error.message : 'invalid';
        this.#reportOnce(`invalid ${entry.id} ${problem}`, () =>
          this.#logger.error('invalid app in the Redis app store (skipped)', {
            appId: entry.id,
            error: problem,
            kept: kept !== undefined,
          }),
        );
      }
    }
    this.#stored = next;
    return this.#apply();
  }

  /**
   * Runs one pass over the sources: a problem is logged when it appears, not again while it
   * stays (the store is re-read every few seconds).
   */
  #pass(run: () => AppsChange, keep: (problem: string) => boolean = () => false): AppsChange {
    this.#seen = new Set([...this.#reported].filter(keep));
    try {
      return run();
    } finally {
      this.#reported = this.#seen;
    }
  }

  #reportOnce(problem: string, log: () => void): void {
    this.#seen.add(problem);
    if (!this.#reported.has(problem)) log();
  }

  /** Configured apps, then the stored apps whose id and key no configured app uses. */
  #merged(): ResolvedApp[] {
    const merged = [...this.#configured];
    const ids = new Set(merged.map((app) => app.id));
    const keys = new Set(merged.map((app) => app.key));
    for (const app of this.#stored) {
      if (ids.has(app.id) || keys.has(app.key)) {
        this.#reportOnce(`ignored ${app.id}`, () =>
          this.#logger.error('app in the Redis app store ignored: its id or key is already used', {
            appId: app.id,
          }),
        );
        continue;
      }
      ids.add(app.id);
      keys.add(app.key);
      merged.push(app);
    }
    return merged;
  }

  #apply(): AppsChange {
    const before = new Map(this.#store.all().map((app) => [app.id, app]));
    const after = this.#merged();
    const added: string[] = [];
    const changed: string[] = [];
    for (const app of after) {
      const old = before.get(app.id);
      if (old === undefined) added.push(app.id);
      else if (!sameSettings(old, app)) changed.push(app.id);
      before.delete(app.id);
    }
    const change: AppsChange = { added, removed: [...before.keys()], changed };
    if (added.length + changed.length + change.removed.length === 0) return change;
    // Unchanged apps keep their object: connections and caches keyed by it stay valid.
    const current = new Map(this.#store.all().map((app) => [app.id, app]));
    this.#store.replace(
      after.map((app) => {
        const old = current.get(app.id);
        return old !== undefined && sameSettings(old, app) ? old : app;
      }),
    );
    this.#onChanged(change, this.#store);
    this.#logger.info('apps changed', { ...change });
    return change;
  }
}

/** True when two resolved apps have the same settings (compared in memory, never printed). */
function sameSettings(a: ResolvedApp, b: ResolvedApp): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
