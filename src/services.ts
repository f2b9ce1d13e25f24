// The composition root: one place builds every part from the validated configuration, so tests can build
// the same graph with an injected clock, randomness or challenge source (STYLE.md §9).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import {
  type AntiRobot,
  type ChallengeSource,
  createAntiRobot,
  redisChallengeStore,
} from './anti-robot/index.js';
import type { Config } from './config/index.js';
import { type HashParams, hashParamsFromConfig, prepareDummyHash } from './passwords/hashing.js';
import { warmUpPasswordPolicy } from './passwords/policy.js';
import { type Clock, systemClock } from './platform/clock.js';
import { KeyedHasher } from './platform/keyed-hash.js';
import { cryptoRandom, type Random } from './platform/random.js';
import { type Counters, sqlCounters } from './store/counters.js';
import { migrate, openStore, type Store } from './store/db.js';
import { redisCounters } from './store/redis-counters.js';
import { type AntiRobotGate, antiRobotGate } from './web/anti-robot-gate.js';

export interface Services {
  readonly config: Config;
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  readonly hasher: KeyedHasher;
  readonly counters: Counters;
  readonly redis: Redis | undefined;
  readonly antiRobotService: AntiRobot;
  readonly antiRobot: AntiRobotGate;
  readonly hashParams: HashParams;
  readonly logger: Logger;
  close(): Promise<void>;
}

export interface ServiceOverrides {
  readonly clock?: Clock;
  readonly random?: Random;
  /** Tests only: a picture source whose answer the test knows. No setting or request can reach it. */
  readonly challengeSource?: ChallengeSource;
  readonly logger?: Logger;
  readonly store?: Store;
  readonly picturesPerIcon?: number;
}

/** The server's key for keyed hashes: from SESAME_SECRET, or generated once under the data dir outside production. */
export function resolveSecret(config: Config): Buffer {
  if (config.secret) return Buffer.from(config.secret, 'utf8');
  const file = join(config.dataDir, 'secret.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  mkdirSync(config.dataDir, { recursive: true });
  const key = cryptoRandom.bytes(32);
  writeFileSync(file, key.toString('base64url'), { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

export function createLogger(config: Config): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'sesame' },
    // Never a password, a code, a token or a cookie in the logs (issue 6): these paths are cut.
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'res.headers["set-cookie"]',
        '*.password',
        '*.new_password',
        '*.confirm_password',
        '*.current_password',
        '*.code',
        '*.token',
      ],
      censor: '[redacted]',
    },
  });
}

export async function createServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const logger = overrides.logger ?? createLogger(config);
  const clock = overrides.clock ?? systemClock;
  const random = overrides.random ?? cryptoRandom;
  const store = overrides.store ?? openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    if (!overrides.store) await migrate(store);
  } catch (e) {
    await store.close().catch(() => {});
    throw e;
  }
  const hasher = new KeyedHasher(resolveSecret(config));
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, {
        maxRetriesPerRequest: 2,
        enableOfflineQueue: false,
        lazyConnect: false,
        // Commands of concurrent requests issued in the same tick share one write (one syscall).
        enableAutoPipelining: true,
      })
    : undefined;
  redis?.on('error', (err) => logger.warn({ err: err.message }, 'redis error'));
  const counters = redis ? redisCounters(redis) : sqlCounters(store);
  const hashParams = hashParamsFromConfig(config);
  const antiRobotService = createAntiRobot({
    mode: config.antiRobot,
    store,
    // Several processes: the challenges' commits (seven per sign-in page view) go to Redis, not PostgreSQL.
    challengeStore: redis ? redisChallengeStore(redis) : undefined,
    clock,
    random,
    hasher,
    altchaMaxNumber: config.altchaMaxNumber,
    source: overrides.challengeSource,
    picturesPerIcon: overrides.picturesPerIcon,
    onError: (err) => logger.error({ err }, 'picture rendering failed'),
  });
  await prepareDummyHash(hashParams);
  warmUpPasswordPolicy();
  return {
    config,
    store,
    clock,
    random,
    hasher,
    counters,
    redis,
    antiRobotService,
    antiRobot: antiRobotGate(antiRobotService),
    hashParams,
    logger,
    async close() {
      antiRobotService.close();
      redis?.disconnect();
      await store.close();
    },
  };
}
