// One suite for every ChallengeStore (STYLE.md §8): the SQL one on SQLite and PostgreSQL, and the Redis one
// used when several processes share SESAME_REDIS_URL. Time is the `now` passed in, never Redis' clock.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { Redis } from 'ioredis';
import {
  type ChallengeStore,
  createChallengeStore,
  type NewChallenge,
  type NewChallengePicture,
} from '../../src/anti-robot/challenge-store.js';
import { CHALLENGE_TTL } from '../../src/anti-robot/image-challenge.js';
import { redisChallengeStore } from '../../src/anti-robot/redis-challenge-store.js';
import { SesameError } from '../../src/errors.js';
import { MINUTE } from '../../src/platform/clock.js';
import { cryptoRandom, token } from '../../src/platform/random.js';
import { closedPort, REDIS_URL, redisForTest, redisSkipReason } from '../helpers/network.js';
import { DIALECTS } from '../helpers/stores.js';

const NOW = Date.UTC(2026, 0, 15, 9, 0, 0);
const ICONS = ['bike', 'car', 'house', 'tree', 'cat', 'cup'];

interface Backend {
  readonly name: string;
  skip(): Promise<string | undefined>;
  open(t: TestContext): Promise<ChallengeStore>;
}

/** A key prefix of its own per test, whose keys are deleted afterwards. */
async function openRedisStore(t: TestContext): Promise<ChallengeStore> {
  const { redis, prefix } = redisForTest(t);
  return redisChallengeStore(redis, prefix);
}

const BACKENDS: readonly Backend[] = [
  ...DIALECTS.map(
    (d): Backend => ({
      name: d.name,
      skip: () => d.skip(),
      async open(t) {
        const store = await d.open();
        t.after(() => store.dispose());
        return createChallengeStore(store);
      },
    }),
  ),
  { name: 'redis', skip: () => redisSkipReason('Redis challenge store tests'), open: openRedisStore },
];

interface Fixture {
  readonly challenge: NewChallenge;
  readonly pictures: readonly NewChallengePicture[];
}

function newChallenge(expiresAt = NOW + CHALLENGE_TTL): Fixture {
  const id = token(cryptoRandom);
  return {
    challenge: {
      id,
      kind: 'image',
      word: 'vélo',
      locale: 'fr',
      answer_hash: `hash-of-${id}`,
      created_at: expiresAt - CHALLENGE_TTL,
      expires_at: expiresAt,
    },
    pictures: ICONS.map((icon, i) => ({
      token: token(cryptoRandom),
      challenge_id: id,
      position: i + 1,
      icon,
    })),
  };
}

async function inserted(store: ChallengeStore, expiresAt?: number): Promise<Fixture> {
  const f = newChallenge(expiresAt);
  await store.insertChallenge(f.challenge, f.pictures);
  return f;
}

function tokenOf(f: Fixture, i: number): string {
  return (f.pictures[i] as NewChallengePicture).token;
}

for (const b of BACKENDS) {
  describe(`challenge store on ${b.name}`, () => {
    async function setUp(t: TestContext): Promise<ChallengeStore | undefined> {
      const reason = await b.skip();
      if (reason) {
        t.skip(reason);
        return undefined;
      }
      return b.open(t);
    }

    it('spends a live challenge once, giving its answer hash', async (t) => {
      const store = await setUp(t);
      if (!store) return;
      const f = await inserted(store);
      assert.equal(await store.spendChallenge(f.challenge.id, NOW), f.challenge.answer_hash);
      assert.equal(await store.spendChallenge(f.challenge.id, NOW + 1), undefined);
    });

    it('refuses to spend a challenge from its expiry on, to the millisecond', async (t) => {
      const store = await setUp(t);
      if (!store) return;
      const lastMoment = await inserted(store);
      const tooLate = await inserted(store);
      const expiry = NOW + CHALLENGE_TTL;
      assert.equal(
        await store.spendChallenge(lastMoment.challenge.id, expiry - 1),
        lastMoment.challenge.answer_hash,
      );
      assert.equal(await store.spendChallenge(tooLate.challenge.id, expiry), undefined);
    });

    it('serves each picture once, and the others still', async (t) => {
      const store = await setUp(t);
      if (!store) return;
      const f = await inserted(store);
      assert.equal(await store.servePicture(tokenOf(f, 0), NOW), 'bike');
      assert.equal(await store.servePicture(tokenOf(f, 0), NOW), undefined);
      assert.equal(await store.servePicture(tokenOf(f, 5), NOW), 'cup');
    });

    it('stops serving pictures once their challenge is spent', async (t) => {
      const store = await setUp(t);
      if (!store) return;
      const f = await inserted(store);
      await store.spendChallenge(f.challenge.id, NOW);
      assert.equal(await store.servePicture(tokenOf(f, 1), NOW), undefined);
    });

    it('stops serving pictures from their challenge’s expiry on', async (t) => {
      const store = await setUp(t);
      if (!store) return;
      const f = await inserted(store);
      const expiry = NOW + CHALLENGE_TTL;
      assert.equal(await store.servePicture(tokenOf(f, 1), expiry - 1), 'car');
      assert.equal(await store.servePicture(tokenOf(f, 2), expiry), undefined);
    });

    it('refuses unknown challenge ids and picture tokens', async (t) => {
      const store = await setUp(t);
      if (!store) return;
      const f = await inserted(store);
      assert.equal(await store.spendChallenge(token(cryptoRandom), NOW), undefined);
      assert.equal(await store.servePicture(token(cryptoRandom), NOW), undefined);
      // A picture token is not a challenge id, nor the other way round.
      assert.equal(await store.spendChallenge(tokenOf(f, 0), NOW), undefined);
      assert.equal(await store.servePicture(f.challenge.id, NOW), undefined);
      assert.equal(await store.spendChallenge(f.challenge.id, NOW), f.challenge.answer_hash);
    });

    it('lets exactly one of simultaneous spends win, for a challenge and for a picture', async (t) => {
      const store = await setUp(t);
      if (!store) return;
      const f = await inserted(store);
      const pictures = await Promise.all(
        Array.from({ length: 5 }, () => store.servePicture(tokenOf(f, 3), NOW)),
      );
      assert.deepEqual(
        pictures.filter((p) => p !== undefined),
        ['tree'],
      );
      const spends = await Promise.all(
        Array.from({ length: 5 }, () => store.spendChallenge(f.challenge.id, NOW)),
      );
      assert.deepEqual(
        spends.filter((h) => h !== undefined),
        [f.challenge.answer_hash],
      );
    });

    it('records a proof of work once and refuses its replay', async (t) => {
      const store = await setUp(t);
      if (!store) return;
      const id = token(cryptoRandom);
      const expiresAt = NOW + 5 * MINUTE;
      assert.equal(await store.spendProof(id, expiresAt, NOW), true);
      assert.equal(await store.spendProof(id, expiresAt, NOW + 1000), false);
      assert.equal(await store.spendProof(token(cryptoRandom), expiresAt, NOW), true);
    });
  });
}

describe('challenge store on redis, Redis specifics', () => {
  it('gives every key an expiry, so Redis drops them without a purge', async (t) => {
    const reason = await redisSkipReason('Redis challenge store tests');
    if (reason) return t.skip(reason);
    const { redis, prefix } = redisForTest(t);
    const store = redisChallengeStore(redis, prefix);
    // Far from the real clock on purpose: the expiry is counted from the `now` given, not from Redis' time.
    const f = await inserted(store);
    await store.spendProof('p', NOW + 5 * MINUTE, NOW);
    await store.spendChallenge(f.challenge.id, NOW);
    await store.servePicture(tokenOf(f, 0), NOW);
    const keys = await redis.keys(`${prefix}*`);
    assert.equal(keys.length, 1 + 6 + 1);
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      // Past the challenge's own five minutes (the scripts refuse it then), but not much longer.
      assert.ok(ttl > CHALLENGE_TTL && ttl <= CHALLENGE_TTL + MINUTE, `${key} expires in ${ttl} ms`);
    }
    assert.deepEqual(await store.purgeExpired(NOW + CHALLENGE_TTL), { challenges: 0, proofs: 0 });
  });

  it('lets another process spend a challenge this one stored', async (t) => {
    const reason = await redisSkipReason('Redis challenge store tests');
    if (reason) return t.skip(reason);
    const { redis: one, prefix } = redisForTest(t);
    const other = new Redis(REDIS_URL);
    t.after(() => other.disconnect());
    const f = await inserted(redisChallengeStore(one, prefix));
    const otherStore = redisChallengeStore(other, prefix);
    assert.equal(await otherStore.servePicture(tokenOf(f, 0), NOW), 'bike');
    assert.equal(await otherStore.spendChallenge(f.challenge.id, NOW), f.challenge.answer_hash);
    assert.equal(await redisChallengeStore(one, prefix).spendChallenge(f.challenge.id, NOW), undefined);
  });

  it('fails closed with UNAVAILABLE when Redis cannot be reached', async (t) => {
    const port = await closedPort();
    const redis = new Redis({
      host: '127.0.0.1',
      port,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => {});
    t.after(() => redis.disconnect());
    const store = redisChallengeStore(redis);
    const f = newChallenge();
    const unavailable = (e: unknown): boolean => e instanceof SesameError && e.code === 'UNAVAILABLE';
    await assert.rejects(store.insertChallenge(f.challenge, f.pictures), unavailable);
    await assert.rejects(store.spendChallenge(f.challenge.id, NOW), unavailable);
    await assert.rejects(store.servePicture(tokenOf(f, 0), NOW), unavailable);
    await assert.rejects(store.spendProof('p', NOW + MINUTE, NOW), unavailable);
  });
});
