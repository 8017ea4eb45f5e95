/**
 * @module runtime/node-net
 * The small, structurally typed part of `node:net` and `node:tls` the Node transport uses,
 * obtained through `process.getBuiltinModule` so the SDK has no static Node import (and no
 * dependency on @types/node).
 */
import { detectRuntime, getBuiltinModule } from './platform';

/** A TCP or TLS socket: data is bytes, or latin1 strings (one char per byte) after setEncoding. */
export interface NodeSocket {
  readonly destroyed: boolean;
  /** `callback` gets an error when the socket could not take all of `data`. */
  write(
    data: string,
    encoding: 'utf8' | 'latin1',
    callback?: (error?: Error | null) => void,
  ): boolean;
  setEncoding(encoding: 'latin1'): unknown;
  setNoDelay(noDelay: boolean): unknown;
  setTimeout(ms: number): unknown;
  ref(): unknown;
  unref(): unknown;
  destroy(error?: Error): unknown;
  removeAllListeners(event?: string): unknown;
  on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown;
  on(event: 'error', listener: (error: Error & { code?: string }) => void): unknown;
  on(
    event: 'connect' | 'secureConnect' | 'close' | 'end' | 'timeout',
    listener: () => void,
  ): unknown;
  once(event: 'connect' | 'secureConnect', listener: () => void): unknown;
}

export interface NodeNetModule {
  connect(options: { host: string; port: number; noDelay?: boolean }): NodeSocket;
}

export interface NodeTlsConnectOptions {
  host?: string;
  port?: number;
  socket?: NodeSocket;
  servername?: string;
  ca?: string;
  ALPNProtocols?: string[];
}

export interface NodeTlsModule {
  connect(options: NodeTlsConnectOptions): NodeSocket;
}

/** `node:net` and `node:tls`. */
export interface NodeNetModules {
  readonly net: NodeNetModule;
  readonly tls: NodeTlsModule;
}

let cached: NodeNetModules | null | undefined;

/**
 * `node:net` and `node:tls` when running on Node (not Bun or Deno, which get the fetch
 * transport), else undefined. Resolved once.
 */
export function loadNodeNetModules(): NodeNetModules | undefined {
  if (cached !== undefined) return cached ?? undefined;
  cached = null;
  if (detectRuntime() !== 'node') return undefined;
  const net = getBuiltinModule<NodeNetModule>('node:net');
  const tls = getBuiltinModule<NodeTlsModule>('node:tls');
  if (net && tls) cached = { net, tls };
  return cached ?? undefined;
}
