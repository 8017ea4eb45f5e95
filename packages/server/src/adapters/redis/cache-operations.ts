/**
 * @module adapters/redis/cache-operations
 * Cache channels' last events (`cache:A:C`, `SET … PX ttl`) and cluster-wide claims
 * (`claim:K`, `SET NX PX`); while Redis is unreachable, this node's expiring stores answer.
 */
import type { CachedEvent } from '../adapter';
import type { RedisConnection } from './connection';
import type { LocalMirror } from './local-mirror';
import { cacheKey, claimKey } from './redis-keys';

const MS_PER_SECOND = 1000;

/** Cached events and claims; see the module comment. */
export class CacheOperations {
  constructor(
    private readonly prefix: string,
    private readonly nodeId: string,
    private readonly connection: RedisConnection,
    private readonly mirror: LocalMirror,
  ) {}

  async setCachedEvent(
    appId: string,
    channel: string,
    event: CachedEvent,
    ttlSec: number,
  ): Promise<void> {
    const stored: CachedEvent = { event: event.event, data: event.data };
    this.mirror.cache.set(cacheKey('', appId, channel), stored, ttlSec);
    await this.connection.shared(
      async (redis) => {
        await redis.set(
          cacheKey(this.prefix, appId, channel),
          JSON.stringify(stored),
          'PX',
          ttlMs(ttlSec),
        );
      },
      () => undefined,
    );
  }

  async cachedEvent(
    appId: string,
    channel: string,
  ): Promise<{ readonly event: CachedEvent; readonly ttlSec: number } | undefined> {
    return this.connection.shared(
      async (redis) => {
        const key = cacheKey(this.prefix, appId, channel);
        const [text, remainingMs] = await Promise.all([redis.get(key), redis.pttl(key)]);
        if (text === null || remainingMs <= 0) return undefined;
        const event = parseCachedEvent(text);
        return event && { event, ttlSec: Math.ceil(remainingMs / MS_PER_SECOND) };
      },
      () => {
        const entry = this.mirror.cache.get(cacheKey('', appId, channel));
        return entry && { event: entry.value, ttlSec: entry.ttlSec };
      },
    );
  }

  async claimOnce(key: string, ttlSec: number): Promise<boolean> {
    return this.connection.shared(
      async (redis) =>
        (await redis.set(claimKey(this.prefix, key), this.nodeId, 'PX', ttlMs(ttlSec), 'NX')) ===
        'OK',
      () => this.mirror.claims.setIfAbsent(key, true, ttlSec),
    );
  }
}

function ttlMs(ttlSec: number): number {
  return Math.max(1, Math.round(ttlSec * MS_PER_SECOND));
}

function parseCachedEvent(text: string): CachedEvent | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const record = parsed as Record<string, unknown>;
    const event = record['event'];
    const data = record['data'];
    return typeof event === 'string' && typeof data === 'string' ? { event, data } : undefined;
  } catch {
    return undefined;
  }
}
