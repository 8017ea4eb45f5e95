/**
 * @module runtime/node-http
 * The small, structurally typed part of `node:http`, `node:https` and `node:util` that the
 * interceptable transport and the interceptor probe use, obtained through
 * `process.getBuiltinModule` (no static Node import, no dependency on @types/node). The module
 * objects are returned as they are, so a property read at call time (`http.request`) sees what a
 * mocking library (nock, msw) put there.
 */
import { detectRuntime, getBuiltinModule } from './platform';

/** An `IncomingMessage` as far as the transport reads it. */
export interface NodeIncomingMessage {
  readonly statusCode?: number | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'end' | 'aborted', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error & { code?: string }) => void): unknown;
  destroy(error?: Error): unknown;
}

/** A `ClientRequest` as far as the transport drives it. */
export interface NodeClientRequest {
  on(event: 'response', listener: (response: NodeIncomingMessage) => void): unknown;
  on(event: 'error', listener: (error: Error & { code?: string }) => void): unknown;
  end(body?: string, encoding?: 'utf8'): unknown;
  destroy(error?: Error): unknown;
}

/** Options of `http.request` / `https.request` the transport passes. */
export interface NodeRequestOptions {
  host: string;
  port: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  agent: unknown;
}

/** `http.Agent` / `https.Agent` options the transport passes. */
export interface NodeAgentOptions {
  keepAlive: boolean;
  maxSockets: number;
  timeout: number;
  scheduling: 'lifo';
  ca?: string;
}

export interface NodeAgent {
  destroy(): void;
}

/** `node:http` or `node:https`. */
export interface NodeHttpModule {
  request(
    options: NodeRequestOptions,
    callback?: (response: NodeIncomingMessage) => void,
  ): NodeClientRequest;
  readonly Agent: new (options: NodeAgentOptions) => NodeAgent;
}

/** `node:http`, `node:https` and `util.types.isProxy`. */
export interface NodeHttpModules {
  readonly http: NodeHttpModule;
  readonly https: NodeHttpModule;
  readonly isProxy: (value: unknown) => boolean;
}

let cached: NodeHttpModules | null | undefined;

/** `node:http`, `node:https` and `isProxy` on Node, else undefined. Resolved once. */
export function loadNodeHttpModules(): NodeHttpModules | undefined {
  if (cached !== undefined) return cached ?? undefined;
  cached = null;
  if (detectRuntime() !== 'node') return undefined;
  const http = getBuiltinModule<NodeHttpModule>('node:http');
  const https = getBuiltinModule<NodeHttpModule>('node:https');
  const util = getBuiltinModule<{ types?: { isProxy?: (value: unknown) => boolean } }>('node:util');
  const isProxy = util?.types?.isProxy;
  if (http && https && isProxy) cached = { http, https, isProxy };
  return cached ?? undefined;
}
