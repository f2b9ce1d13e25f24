// Reaching the real Redis of the test machine, and a port where nothing answers (to play an outage).
import { createServer } from 'node:net';
import type { TestContext } from 'node:test';
import { Redis } from 'ioredis';
import { cryptoRandom, token } from '../../src/platform/random.js';

export const REDIS_PORT = 6379;
export const REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`;

/**
 * Why `what` must be skipped, or undefined when Redis answers. Under CI a missing Redis is an error, as a
 * missing PostgreSQL is (test/helpers/stores.ts).
 */
export async function redisSkipReason(what: string): Promise<string | undefined> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    return undefined;
  } catch {
    if (process.env.CI === 'true')
      throw new Error(`Redis is required under CI and not reachable at ${REDIS_URL}`);
    const notice = `Redis not reachable at ${REDIS_URL}: ${what} skipped`;
    console.warn(`NOTICE: ${notice}`);
    return notice;
  } finally {
    probe.disconnect();
  }
}

/** A Redis connection with a key prefix of its own; its keys are deleted and it is closed after the test. */
export function redisForTest(t: TestContext): { redis: Redis; prefix: string } {
  const redis = new Redis(REDIS_URL);
  const prefix = `sesame-test:${process.pid}:${token(cryptoRandom, 8)}:`;
  t.after(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  return { redis, prefix };
}

/** A port on which nothing listens (taken, then released). */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
