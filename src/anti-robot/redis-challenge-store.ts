// The anti-robot checks' short-lived state in Redis when several processes share one (SESAME_REDIS_URL):
// about seven commits per sign-in page view (a challenge, six single-use pictures) and one per sign-in POST
// leave PostgreSQL. Same contract as the SQL store: validity is decided by the `now` the caller passes,
// compared inside a Lua script, so a check and its spend are one atomic step (STYLE.md §3) and tests can
// drive time with a ManualClock. Redis' own expiry only cleans up.
import type { Redis } from 'ioredis';
import { SesameError } from '../errors.js';
import { SECOND } from '../platform/clock.js';
import { unavailableOnError } from '../store/redis-counters.js';
import type { ChallengeStore } from './challenge-store.js';

// Kept past their expiry so that a process whose clock runs a little behind Redis' still finds a live
// challenge it must accept; refusing after expiry is the script's job, not Redis'.
const KEY_MARGIN = 30 * SECOND;

// Answer hash of a live, unused challenge, spent in the same step; nil otherwise.
const SPEND_CHALLENGE = `
local c = redis.call('HMGET', KEYS[1], 'answer_hash', 'expires_at', 'used_at')
if not c[1] or c[3] or tonumber(c[2]) <= tonumber(ARGV[1]) then return false end
redis.call('HSET', KEYS[1], 'used_at', ARGV[1])
return c[1]`;

// Icon of a picture not yet served whose challenge is live and unused; nil otherwise. The challenge's key
// is derived here, not passed in KEYS: fine on one Redis, not on Redis Cluster (the two keys may sit in
// different slots), which Sésame does not use.
const SERVE_PICTURE = `
local p = redis.call('HMGET', KEYS[1], 'icon', 'challenge_id', 'served_at')
if not p[1] or p[3] then return false end
local c = redis.call('HMGET', ARGV[2] .. p[2], 'expires_at', 'used_at')
if not c[1] or c[2] or tonumber(c[1]) <= tonumber(ARGV[1]) then return false end
redis.call('HSET', KEYS[1], 'served_at', ARGV[1])
return p[1]`;

interface ChallengeScripts {
  sesameSpendChallenge(key: string, now: number): Promise<string | null>;
  sesameServePicture(key: string, now: number, challengePrefix: string): Promise<string | null>;
}

function ttl(expiresAt: number, now: number): number {
  return Math.max(expiresAt - now, 0) + KEY_MARGIN;
}

export function redisChallengeStore(redis: Redis, prefix = 'sesame:'): ChallengeStore {
  const challengeKey = `${prefix}challenge:`;
  const pictureKey = `${prefix}challenge-picture:`;
  const proofKey = `${prefix}spent-proof:`;
  // ioredis sends EVALSHA and falls back to EVAL once when Redis does not know the script yet.
  redis.defineCommand('sesameSpendChallenge', { numberOfKeys: 1, lua: SPEND_CHALLENGE });
  redis.defineCommand('sesameServePicture', { numberOfKeys: 1, lua: SERVE_PICTURE });
  const scripts = redis as unknown as ChallengeScripts;

  return {
    async insertChallenge(challenge, pictures) {
      // One MULTI, one round trip: the challenge and its pictures appear together, each with its expiry
      // (created_at is the issuing `now`).
      const px = ttl(challenge.expires_at, challenge.created_at);
      const multi = redis.multi();
      const key = challengeKey + challenge.id;
      multi.hset(key, { ...challenge }).pexpire(key, px);
      for (const p of pictures) multi.hset(pictureKey + p.token, { ...p }).pexpire(pictureKey + p.token, px);
      const results = await unavailableOnError(multi.exec());
      const failed = results?.find(([err]) => err)?.[0];
      if (!results || failed)
        throw new SesameError('UNAVAILABLE', `redis: challenge not stored (${failed?.message ?? 'aborted'})`);
    },

    async spendChallenge(id, now) {
      const hash = await unavailableOnError(scripts.sesameSpendChallenge(challengeKey + id, now));
      return hash ?? undefined;
    },

    async servePicture(token, now) {
      const icon = await unavailableOnError(
        scripts.sesameServePicture(pictureKey + token, now, challengeKey),
      );
      return icon ?? undefined;
    },

    async spendProof(id, expiresAt, now) {
      const set = await unavailableOnError(
        redis.set(proofKey + id, String(expiresAt), 'PX', ttl(expiresAt, now), 'NX'),
      );
      return set === 'OK';
    },

    // Always zeros: every key carries its own expiry (see ttl above) and Redis drops it, no purge needed.
    purgeExpired: async () => ({ challenges: 0, proofs: 0 }),
  };
}
