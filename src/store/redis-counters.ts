import type { Redis } from 'ioredis';
import { SesameError } from '../errors.js';
import type { Counters } from './counters.js';

// Fixed windows in Redis: INCR then PEXPIRE on the first hit, in one MULTI so a crash between the two cannot
// leave a counter that never expires.
export function redisCounters(redis: Redis, prefix = 'sesame:'): Counters {
  return {
    async hit(key, windowMs) {
      const k = prefix + key;
      const res = await unavailableOnError(redis.multi().incr(k).pexpire(k, windowMs, 'NX').pttl(k).exec());
      if (!res) throw new SesameError('UNAVAILABLE', 'redis transaction aborted');
      const count = Number(res[0]?.[1]);
      const ttl = Number(res[2]?.[1]);
      return { count, resetAt: Date.now() + (ttl > 0 ? ttl : windowMs) };
    },
    async peek(key, windowMs) {
      const k = prefix + key;
      const [count, ttl] = await unavailableOnError(Promise.all([redis.get(k), redis.pttl(k)]));
      return { count: count ? Number(count) : 0, resetAt: Date.now() + (ttl > 0 ? ttl : windowMs) };
    },
    async clear(key) {
      await unavailableOnError(redis.del(prefix + key));
    },
  };
}

// Redis unreachable: the request is refused with the 503 page rather than let through uncounted, so an
// outage never switches the per-IP and per-member limits off (fail closed, OWASP).
async function unavailableOnError<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (err) {
    throw new SesameError('UNAVAILABLE', `redis: ${err instanceof Error ? err.message : String(err)}`);
  }
}
