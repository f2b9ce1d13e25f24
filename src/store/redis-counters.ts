import type { Redis } from 'ioredis';
import type { Counters } from './counters.js';

// Fixed windows in Redis: INCR then PEXPIRE on the first hit, in one MULTI so a crash between the two cannot
// leave a counter that never expires.
export function redisCounters(redis: Redis, prefix = 'sesame:'): Counters {
  return {
    async hit(key, windowMs) {
      const k = prefix + key;
      const res = await redis.multi().incr(k).pexpire(k, windowMs, 'NX').pttl(k).exec();
      if (!res) throw new Error('redis transaction aborted');
      const count = Number(res[0]?.[1]);
      const ttl = Number(res[2]?.[1]);
      return { count, resetAt: Date.now() + (ttl > 0 ? ttl : windowMs) };
    },
    async peek(key, windowMs) {
      const k = prefix + key;
      const [count, ttl] = await Promise.all([redis.get(k), redis.pttl(k)]);
      return { count: count ? Number(count) : 0, resetAt: Date.now() + (ttl > 0 ? ttl : windowMs) };
    },
    async clear(key) {
      await redis.del(prefix + key);
    },
  };
}
