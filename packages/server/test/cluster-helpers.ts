/**
 * @module test/cluster-helpers
 * Multi-process cluster tests: starts server nodes as child processes from the built package
 * (test/fixtures/cluster-node.mjs) on one Redis, an SDK client per node, and parsing of the
 * webhooks the cluster sends.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Pusher as PushwireSdk } from '@pushwire/sdk';
import { onTestFinished } from 'vitest';
import { APP } from './ws-helpers';

const FIXTURE = fileURLToPath(new URL('./fixtures/cluster-node.mjs', import.meta.url));
const DIST_ENTRY = fileURLToPath(new URL('../dist/adapters/redis/index.js', import.meta.url));
const NODE_READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5000;

export interface ClusterNodeOptions {
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readonly webhookUrl?: string;
  readonly heartbeatMs?: number;
  readonly nodeTimeoutMs?: number;
  readonly vacateDelayMs?: number;
  /** The app's `limits` overrides. */
  readonly appLimits?: Readonly<Record<string, number>>;
  /** More app options (boolean flags such as `watchlistEvents`). */
  readonly appFlags?: Readonly<Record<string, boolean>>;
}

export interface ClusterNode {
  readonly port: number;
  readonly nodeId: string;
  /** The SDK (REST client) pointed at this node. */
  readonly sdk: PushwireSdk;
  /** SIGKILL: the node dies without any cleanup. Resolves once the process exited. */
  kill(): Promise<void>;
}

export function uniqueKeyPrefix(): string {
  return `cluster-${randomBytes(4).toString('hex')}:`;
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Starts one node; it is stopped (SIGTERM) when the test finishes. */
export async function startClusterNode(options: ClusterNodeOptions): Promise<ClusterNode> {
  if (!existsSync(DIST_ENTRY)) {
    throw new Error(
      'cluster tests run the built server: run `npm run build -w @pushwire/sdk && ' +
        'npm run build -w @pushwire/server` first (npm test does this)',
    );
  }
  const child = spawn(process.execPath, [FIXTURE], {
    env: {
      ...process.env,
      REDIS_URL: options.redisUrl,
      KEY_PREFIX: options.keyPrefix,
      APP_ID: APP.id,
      APP_KEY: APP.key,
      APP_SECRET: APP.secret,
      WEBHOOK_URL: options.webhookUrl ?? '',
      HEARTBEAT_MS: String(options.heartbeatMs ?? 2000),
      NODE_TIMEOUT_MS: String(options.nodeTimeoutMs ?? 8000),
      VACATE_DELAY_MS: String(options.vacateDelayMs ?? 3000),
      APP_LIMITS: options.appLimits === undefined ? '' : JSON.stringify(options.appLimits),
      APP_FLAGS: options.appFlags === undefined ? '' : JSON.stringify(options.appFlags),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(() => stopChild(child, 'SIGTERM'));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const ready = await new Promise<{ port: number; nodeId: string }>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => reject(new Error(`cluster node not ready in ${NODE_READY_TIMEOUT_MS} ms: ${stderr}`)),
      NODE_READY_TIMEOUT_MS,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const line = stdout.split('\n')[0];
      if (line === undefined || !stdout.includes('\n')) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as { port: number; nodeId: string });
      } catch {
        reject(new Error(`cluster node printed ${line}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cluster node exited with ${code}: ${stderr}`));
    });
  });
  const sdk = new PushwireSdk({
    appId: APP.id,
    key: APP.key,
    secret: APP.secret,
    host: '127.0.0.1',
    port: ready.port,
    useTLS: false,
  });
  onTestFinished(() => sdk.close());
  return { ...ready, sdk, kill: () => stopChild(child, 'SIGKILL') };
}

/** One event of a received webhook body. */
export interface WebhookEvent {
  readonly name: string;
  readonly channel?: string;
  readonly user_id?: string;
}

/** Every event of every webhook body received so far. */
export function webhookEvents(received: readonly { readonly rawBody: string }[]): WebhookEvent[] {
  return received.flatMap((request) => {
    const body = JSON.parse(request.rawBody) as { events?: WebhookEvent[] };
    return body.events ?? [];
  });
}
