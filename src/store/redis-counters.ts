import type { Redis } from 'ioredis';
import { SesameError } from '../errors.js';
import type { Counters } from './counters.js';

// Fixed windows in Redis: INCR then PEXPIRE on the first hit, in one MULTI so a crash between the two cannot
// leave a counter that never expires.
export function redisCounters(redis: Redis, prefix = 'sesame:'): Counters {
  // EVALSHA, falling back to EVAL once when Redis does not know the script yet; the key count is passed.
  redis.defineCommand('sesameHitUntilOver', { lua: HIT_UNTIL_OVER });
  const scripts = redis as unknown as {
    sesameHitUntilOver(keyCount: number, ...keysThenArgs: (string | number)[]): Promise<number>;
  };
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
    async hitUntilOver(limits) {
      if (limits.length === 0) return undefined;
      // One script, one round trip, atomic: the same INCR/PEXPIRE NX as hit(), stopping at the first limit
      // gone over. (With Redis Cluster the keys would need a common hash tag; Sésame uses one Redis.)
      const over = await unavailableOnError(
        scripts.sesameHitUntilOver(
          limits.length,
          ...limits.map((l) => prefix + l.key),
          ...limits.flatMap((l) => [l.windowMs, l.limit]),
        ),
      );
      const i = Number(over);
      return i > 0 ? limits[i - 1]?.key : undefined;
    },
  };
}

const HIT_UNTIL_OVER = `
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  redis.call('PEXPIRE', key, ARGV[2 * i - 1], 'NX')
  if count > tonumber(ARGV[2 * i]) then return i end
end
return 0`;

// Redis unreachable: the request is refused with the 503 page rather than let through uncounted, so an
// outage never switches the per-IP and per-member limits off (fail closed, OWASP).
export async function unavailableOnError<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (err) {
    throw new SesameError('UNAVAILABLE', `redis: ${err instanceof Error ? err.message : String(err)}`);
  }
}
