import type { Redis } from 'ioredis';
import { SesameError } from '../errors.js';
import type { Counters } from './counters.js';

// Fixed windows in Redis: INCR then PEXPIRE on the first hit, in one script so a crash between the two cannot
// leave a counter that never expires. Scripts, unlike MULTI, are auto-pipelined with the other commands of
// the same tick (a sign-in's limit and its challenge leave in one write).
const HIT = `
local count = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1], 'NX')
return { count, redis.call('PTTL', KEYS[1]) }`;

export function redisCounters(redis: Redis, prefix = 'sesame:'): Counters {
  // EVALSHA, falling back to EVAL once when Redis does not know the script yet.
  redis.defineCommand('sesameHit', { numberOfKeys: 1, lua: HIT });
  redis.defineCommand('sesameHitUntilOver', { lua: HIT_UNTIL_OVER });
  const scripts = redis as unknown as {
    sesameHit(key: string, windowMs: number): Promise<[number, number]>;
    sesameHitUntilOver(keyCount: number, ...keysThenArgs: (string | number)[]): Promise<number>;
  };
  return {
    async hit(key, windowMs) {
      const [count, ttl] = await unavailableOnError(scripts.sesameHit(prefix + key, windowMs));
      return { count: Number(count), resetAt: Date.now() + (ttl > 0 ? ttl : windowMs) };
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
