/**
 * @module adapters/redis/rate-quota
 * The REST rate limits' cluster-wide windows: one RATE_QUOTA script call grants units out of the
 * app's window in Redis (`rate:{A}:kind`, on Redis's clock). While Redis is unreachable, this
 * node's own windows answer, so each node then enforces the limit on its own.
 */
import type { RateLimitKind, RateQuota } from '../adapter';
import type { RedisConnection } from './connection';
import type { LocalMirror } from './local-mirror';
import { rateKey } from './redis-keys';
import { replyArray, replyInt, UnexpectedReplyError } from './reply-parsing';
import { SCRIPTS } from './scripts';

/** `takeRateQuota` on Redis; see the module comment. */
export class RateQuotaOperations {
  constructor(
    private readonly prefix: string,
    private readonly connection: RedisConnection,
    private readonly mirror: LocalMirror,
  ) {}

  async take(appId: string, kind: RateLimitKind, units: number, limit: number): Promise<RateQuota> {
    const wanted = Math.max(0, Math.floor(units));
    return this.connection.shared(
      async (redis) => {
        const reply = replyArray(
          await SCRIPTS.rateQuota.runWithKeys(
            redis,
            [rateKey(this.prefix, appId, kind)],
            [wanted, limit],
          ),
          'rate quota',
        );
        const granted = replyInt(reply[0], 'granted units');
        const window = replyInt(reply[1], 'rate window');
        const resetInMs = replyInt(reply[2], 'rate window reset');
        if (granted < 0 || granted > wanted || resetInMs < 1 || resetInMs > 1000) {
          throw new UnexpectedReplyError('rate quota: values out of range');
        }
        return { granted, window, resetInMs };
      },
      () => this.mirror.rates.take(appId, kind, wanted, limit),
    );
  }
}
