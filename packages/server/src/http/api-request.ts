/**
 * @module http/api-request
 * One authenticated REST request and the answer of its route, as the route handlers see them.
 */
import type { ResolvedApp } from '../options';

/** One authenticated REST request, as route handlers see it. */
export interface ApiRequest {
  readonly app: ResolvedApp;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Decoded path parameter (channel name or user id), when the route has one. */
  readonly param: string;
}

/** What a route handler answers: a status and a JSON-serializable body. */
export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}
