import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { MINUTE } from '../../src/platform/clock.js';
import { type Counters, sqlCounters } from '../../src/store/counters.js';
import { redisCounters } from '../../src/store/redis-counters.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';

async function behavesAsAFixedWindow(counters: Counters, key: string, now: number): Promise<void> {
  assert.equal((await counters.peek(key, MINUTE, now)).count, 0);
  assert.equal((await counters.hit(key, MINUTE, now)).count, 1);
  assert.equal((await counters.hit(key, MINUTE, now + 1000)).count, 2);
  assert.equal((await counters.peek(key, MINUTE, now + 2000)).count, 2);
  // Concurrent hits from several requests are all counted (one atomic statement each).
  const results = await Promise.all(Array.from({ length: 8 }, () => counters.hit(key, MINUTE, now + 3000)));
  assert.deepEqual(
    results.map((r) => r.count).sort((a, b) => a - b),
    [3, 4, 5, 6, 7, 8, 9, 10],
  );
  await counters.clear(key);
  assert.equal((await counters.peek(key, MINUTE, now)).count, 0);
}

/** hitUntilOver() counts limits in order and stops at the first one gone over, all in one call. */
async function stopsAtTheFirstLimitGoneOver(counters: Counters, tag: string, now: number): Promise<void> {
  const limits = [
    { key: `${tag}:member`, windowMs: MINUTE, limit: 2 },
    { key: `${tag}:ip`, windowMs: MINUTE, limit: 3 },
    { key: `${tag}:all`, windowMs: MINUTE, limit: 100 },
  ];
  assert.equal(await counters.hitUntilOver(limits, now), undefined);
  assert.equal(await counters.hitUntilOver(limits, now), undefined);
  assert.equal(await counters.hitUntilOver(limits, now), `${tag}:member`);
  // The refused hit counted against the member only: the IP and the total stayed at two.
  assert.equal((await counters.peek(`${tag}:member`, MINUTE, now)).count, 3);
  assert.equal((await counters.peek(`${tag}:ip`, MINUTE, now)).count, 2);
  assert.equal((await counters.peek(`${tag}:all`, MINUTE, now)).count, 2);
  // Another member from the same IP goes over the IP limit on its second hit; the total is not counted then.
  const other = [{ ...limits[0], key: `${tag}:member2` } as (typeof limits)[0], ...limits.slice(1)];
  assert.equal(await counters.hitUntilOver(other, now), undefined);
  assert.equal(await counters.hitUntilOver(other, now), `${tag}:ip`);
  assert.equal((await counters.peek(`${tag}:all`, MINUTE, now)).count, 3);
  // Concurrent calls are each counted once.
  const many = [{ key: `${tag}:busy`, windowMs: MINUTE, limit: 5 }, limits[2] as (typeof limits)[0]];
  const results = await Promise.all(Array.from({ length: 8 }, () => counters.hitUntilOver(many, now)));
  assert.equal(results.filter((r) => r === undefined).length, 5);
  assert.equal(results.filter((r) => r === `${tag}:busy`).length, 3);
  assert.equal((await counters.peek(`${tag}:busy`, MINUTE, now)).count, 8);
  assert.equal((await counters.peek(`${tag}:all`, MINUTE, now)).count, 8);
  // A window that ended starts over.
  assert.equal(await counters.hitUntilOver(limits, now + MINUTE), undefined);
  assert.equal((await counters.peek(`${tag}:member`, MINUTE, now + MINUTE)).count, 1);
}

for (const d of DIALECTS) {
  describe(`database counters on ${d.name}`, () => {
    let store: TestStore;
    let skip: string | undefined;
    before(async () => {
      skip = await d.skip();
      if (!skip) store = await d.open();
    });
    after(async () => {
      if (!skip) await store.dispose();
    });
    it('counts hits in a fixed window, atomically, and starts a new window when it ends', async (t) => {
      if (skip) return t.skip(skip);
      const counters = sqlCounters(store);
      const now = 1_000_000_000;
      await behavesAsAFixedWindow(counters, 'ip:203.0.113.1:sign-in', now);
      await counters.hit('k', MINUTE, now);
      assert.equal((await counters.hit('k', MINUTE, now + MINUTE)).count, 1, 'a new window starts');
    });
    it('counts limits in order in one call and stops at the first one gone over', async (t) => {
      if (skip) return t.skip(skip);
      await stopsAtTheFirstLimitGoneOver(sqlCounters(store), 'codes', 2_000_000_000);
    });
  });
}

describe('Redis counters', () => {
  let redis: Redis;
  let skip: string | undefined;
  const prefix = `sesame-test:${process.pid}:${Date.now()}:`;
  before(async () => {
    redis = new Redis('redis://127.0.0.1:6379', {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    redis.on('error', () => {});
    try {
      await redis.connect();
    } catch {
      if (process.env.CI === 'true') throw new Error('Redis is required under CI at 127.0.0.1:6379');
      skip = 'Redis not reachable at 127.0.0.1:6379: Redis counter tests skipped';
      console.warn(`NOTICE: ${skip}`);
    }
  });
  after(async () => {
    if (!skip) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
    }
    redis.disconnect();
  });
  it('counts limits in order in one script and stops at the first one gone over', async (t) => {
    if (skip) return t.skip(skip);
    // Redis keeps its own clock for windows: a window "ends" here by its key expiring.
    const counters = redisCounters(redis, prefix);
    const tag = 'ordered';
    const limits = [
      { key: `${tag}:member`, windowMs: MINUTE, limit: 1 },
      { key: `${tag}:ip`, windowMs: 80, limit: 5 },
    ];
    assert.equal(await counters.hitUntilOver(limits, Date.now()), undefined);
    assert.equal(await counters.hitUntilOver(limits, Date.now()), `${tag}:member`);
    assert.equal((await counters.peek(`${tag}:ip`, MINUTE, Date.now())).count, 1);
    assert.ok((await redis.pttl(`${prefix}${tag}:ip`)) <= 80, 'each key expires with its own window');
    await stopsAtTheFirstLimitGoneOverInRedis(counters, Date.now());
  });
  it('counts hits in a fixed window shared by every process, and expires the window', async (t) => {
    if (skip) return t.skip(skip);
    const counters = redisCounters(redis, prefix);
    await behavesAsAFixedWindow(counters, 'ip:203.0.113.1:sign-in', Date.now());
    await counters.hit('short', 50, Date.now());
    assert.ok((await redis.pttl(`${prefix}short`)) <= 50);
    // A second connection (another process) sees the same count.
    const otherConnection = new Redis('redis://127.0.0.1:6379');
    try {
      const other = redisCounters(otherConnection, prefix);
      await counters.hit('shared', MINUTE, Date.now());
      assert.equal((await other.hit('shared', MINUTE, Date.now())).count, 2);
    } finally {
      otherConnection.disconnect();
    }
  });
});

/** As stopsAtTheFirstLimitGoneOver, without the window that ends (Redis windows follow Redis' clock). */
async function stopsAtTheFirstLimitGoneOverInRedis(counters: Counters, now: number): Promise<void> {
  const limits = [
    { key: 'r:member', windowMs: MINUTE, limit: 2 },
    { key: 'r:ip', windowMs: MINUTE, limit: 3 },
    { key: 'r:all', windowMs: MINUTE, limit: 100 },
  ];
  for (let i = 0; i < 2; i++) assert.equal(await counters.hitUntilOver(limits, now), undefined);
  assert.equal(await counters.hitUntilOver(limits, now), 'r:member');
  assert.equal((await counters.peek('r:ip', MINUTE, now)).count, 2);
  assert.equal((await counters.peek('r:all', MINUTE, now)).count, 2);
  const many = [{ key: 'r:busy', windowMs: MINUTE, limit: 5 }];
  const results = await Promise.all(Array.from({ length: 8 }, () => counters.hitUntilOver(many, now)));
  assert.equal(results.filter((r) => r === 'r:busy').length, 3);
}
