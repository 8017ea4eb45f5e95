/**
 * @module client/fan-out
 * Fan-out helpers for any number of channels or batch events: split into API-sized requests,
 * send them with bounded concurrency, and report each chunk's success or failure instead of
 * failing everything. Encrypted channels go one per request (each has its own key).
 */
import { channelType } from '../channels/names';
import { PusherError, ValidationError } from '../errors';
import type { Limits } from '../limits';
import type { BatchEvent, BatchTriggerResult, TriggerResult } from '../types';
import { validateTriggerChannel } from './event-body';

/** Requests in flight at once in the fan-out helpers. */
export const DEFAULT_FAN_OUT_CONCURRENCY = 4;

export interface FanOutOptions {
  /** Requests in flight at once. @default 4 */
  readonly concurrency?: number;
}

/** The outcome of one request of a fan-out. */
export type ChunkOutcome<TItem, TResult> =
  | { readonly ok: true; readonly items: readonly TItem[]; readonly result: TResult }
  | { readonly ok: false; readonly items: readonly TItem[]; readonly error: PusherError };

/** The outcome of a whole fan-out: `ok` when every chunk succeeded. */
export interface FanOutResult<TItem, TResult> {
  readonly ok: boolean;
  readonly chunks: readonly ChunkOutcome<TItem, TResult>[];
  /** The chunks that failed (empty when `ok`). */
  readonly failed: readonly Extract<ChunkOutcome<TItem, TResult>, { ok: false }>[];
}

export type TriggerManyResult = FanOutResult<string, TriggerResult>;
export type TriggerBatchManyResult = FanOutResult<BatchEvent, BatchTriggerResult>;

export function resolveConcurrency(options: FanOutOptions | undefined): number {
  const value = options?.concurrency ?? DEFAULT_FAN_OUT_CONCURRENCY;
  if (!Number.isInteger(value) || value < 1) {
    throw new ValidationError(
      'concurrency',
      `concurrency must be a positive integer (got ${String(value)})`,
    );
  }
  return value;
}

function toPusherError(error: unknown): PusherError {
  if (error instanceof PusherError) return error;
  return new PusherError(error instanceof Error ? error.message : String(error), { cause: error });
}

/** One request of a fan-out, built (and so validated) before anything is sent. */
export interface PreparedChunk<TItem> {
  readonly items: readonly TItem[];
  readonly body: string;
}

/** Sends every chunk's body, at most `concurrency` at once, keeping the chunks' order. */
export async function runChunks<TItem, TResult>(
  chunks: readonly PreparedChunk<TItem>[],
  concurrency: number,
  send: (body: string) => Promise<TResult>,
): Promise<FanOutResult<TItem, TResult>> {
  const outcomes: ChunkOutcome<TItem, TResult>[] = new Array(chunks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) {
      const index = next++;
      const { items, body } = chunks[index] as PreparedChunk<TItem>;
      try {
        outcomes[index] = { ok: true, items, result: await send(body) };
      } catch (error) {
        outcomes[index] = { ok: false, items, error: toPusherError(error) };
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(concurrency, chunks.length); i++) workers.push(worker());
  await Promise.all(workers);
  const failed = outcomes.filter((outcome) => !outcome.ok) as Extract<
    ChunkOutcome<TItem, TResult>,
    { ok: false }
  >[];
  return { ok: failed.length === 0, chunks: outcomes, failed };
}

/** Splits channels into trigger-sized chunks; encrypted channels alone. Validates every name. */
export function chunkChannels(channels: readonly string[], limits: Limits): string[][] {
  if (!Array.isArray(channels)) {
    throw new ValidationError('channels', 'triggerMany expects an array of channel names');
  }
  const chunks: string[][] = [];
  let current: string[] = [];
  channels.forEach((name, index) => {
    validateTriggerChannel(name, limits, `channels[${index}]`);
    if (channelType(name) === 'private-encrypted') {
      chunks.push([name]);
      return;
    }
    current.push(name);
    if (current.length === limits.maxChannelsPerTrigger) {
      chunks.push(current);
      current = [];
    }
  });
  if (current.length > 0) chunks.push(current);
  if (chunks.length === 0)
    throw new ValidationError('channels', 'At least one channel is required');
  return chunks;
}

/** Splits batch events into batch-sized chunks. */
export function chunkEvents(events: readonly BatchEvent[], limits: Limits): BatchEvent[][] {
  if (!Array.isArray(events)) {
    throw new ValidationError(
      'batch',
      'triggerBatchMany expects an array of { channel, name, data } events',
    );
  }
  const chunks: BatchEvent[][] = [];
  for (let i = 0; i < events.length; i += limits.maxBatchEvents) {
    chunks.push(events.slice(i, i + limits.maxBatchEvents));
  }
  if (chunks.length === 0) throw new ValidationError('batch', 'A batch needs at least one event');
  return chunks;
}
