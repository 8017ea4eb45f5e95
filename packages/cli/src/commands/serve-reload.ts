/**
 * @module commands/serve-reload
 * What `pushwire serve` re-reads while it runs: on SIGHUP the apps (config file, environment,
 * flags: the same layering as at start) and, with TLS, the certificate files; and the apps again
 * whenever the config file changes on disk (watched through its folder, so editors that replace
 * the file are seen too; changes within a short window are read once). A bad file is reported and
 * the old apps (or certificate) stay served. Reloads never overlap.
 */
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { AppOptions, AppsChange, PushwireServer } from '@pushwire/server';
import type { CliIo } from '../cli-io';
import { printError } from '../output';

/** Changes to the config file within this window are read once. */
const WATCH_DEBOUNCE_MS = 200;

export interface ServeReloadOptions {
  readonly server: PushwireServer;
  readonly io: CliIo;
  /** Reads the apps again from every layer (throws when the configuration is invalid). */
  readonly loadApps: () => Promise<readonly AppOptions[] | undefined>;
  /** The config file to watch; undefined: nothing to watch. */
  readonly configPath: string | undefined;
  /** Re-read the certificate files on SIGHUP. */
  readonly tls: boolean;
}

/** "added app-2; removed app-3" (ids only), or undefined when nothing changed. */
export function describeAppsChange(change: AppsChange): string | undefined {
  const parts: string[] = [];
  if (change.added.length > 0) parts.push(`added ${change.added.join(', ')}`);
  if (change.changed.length > 0) parts.push(`changed ${change.changed.join(', ')}`);
  if (change.removed.length > 0) parts.push(`removed ${change.removed.join(', ')}`);
  return parts.length === 0 ? undefined : parts.join('; ');
}

/** Installs the SIGHUP handler and the config file watcher; returns what removes both. */
export function reloadWhileServing(options: ServeReloadOptions): () => void {
  const { server, io } = options;
  let queue: Promise<void> = Promise.resolve();
  let stopped = false;

  const reloadApps = async (trigger: string, quietWhenUnchanged: boolean): Promise<void> => {
    if (stopped) return;
    try {
      const change = server.reloadApps(await options.loadApps());
      const described = describeAppsChange(change);
      if (described === undefined && quietWhenUnchanged) return;
      io.stdout.write(`${trigger}: apps reloaded (${described ?? 'no change'}).\n`);
    } catch (error) {
      if (stopped) return;
      io.stderr.write(`${trigger}: apps NOT reloaded (still serving the previous ones).\n`);
      printError(io, { json: false }, error);
    }
  };
  const enqueue = (work: () => Promise<void>): void => {
    queue = queue.then(work, work);
  };

  const onHangup = (): void => {
    if (options.tls) reloadTls(server, io);
    enqueue(() => reloadApps('Received SIGHUP', false));
  };
  process.on('SIGHUP', onHangup);

  const watcher =
    options.configPath === undefined
      ? undefined
      : watchFile(options.configPath, () => enqueue(() => reloadApps('Config file changed', true)));

  return () => {
    stopped = true;
    process.off('SIGHUP', onHangup);
    watcher?.close();
  };
}

/** Re-reads the certificate files; a bad file is reported and the old certificate kept. */
function reloadTls(server: PushwireServer, io: CliIo): void {
  try {
    server.reloadTls();
    io.stdout.write('Received SIGHUP: TLS certificate reloaded.\n');
  } catch (error) {
    io.stderr.write('Received SIGHUP: TLS certificate NOT reloaded (still serving the old one).\n');
    printError(io, { json: false }, error);
  }
}

interface ClosableWatch {
  close(): void;
}

/**
 * Calls `onChange` (debounced) when `path` is written, replaced, or created again: the folder is
 * watched, not the file, since an editor's save often renames a new file over the old one.
 */
function watchFile(path: string, onChange: () => void): ClosableWatch {
  const file = basename(path);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(resolve(path)), { persistent: false }, (_event, name) => {
      if (name !== null && name !== file) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, WATCH_DEBOUNCE_MS);
    });
    // A folder that disappears (or a platform error) ends watching; SIGHUP still works.
    watcher.on('error', () => watcher?.close());
  } catch {
    // No watching on this platform or folder: SIGHUP still reloads.
  }
  return {
    close: () => {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
