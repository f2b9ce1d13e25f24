// What one sign-in, one page view and one recovery start cost the shared stores (issue 7, "beyond one
// machine"): commits and rows written in PostgreSQL, CPU of the PostgreSQL backends serving Sésame, and
// Redis commands when SESAME_REDIS_URL is set. Measured on the bench's own database right after start-up,
// before any challenge has expired (housekeeping would add its deletes to the counts).
import { Redis } from 'ioredis';
import type { LoadJob, LoadResult } from './load.js';
import { backendCpuBetween, type PgCounters, readPgCounters } from './setup.js';

export interface StoreShare {
  readonly operation: string;
  readonly operations: number;
  readonly commits: number;
  readonly rowWrites: number;
  /** PostgreSQL backend CPU per operation, ms. */
  readonly pgCpuMs: number;
  readonly redisCommands?: number;
}

export type LoadWithHook = (
  job: Omit<LoadJob, 'url' | 'memberFirst' | 'memberCount' | 'password'>,
  onTimed: () => void,
) => Promise<LoadResult>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
// PostgreSQL publishes an idle backend's counts after ten seconds (PGSTAT_IDLE_INTERVAL).
const FLUSH_MS = 11_000;

async function redisCommands(redis: Redis | undefined): Promise<number> {
  if (!redis) return 0;
  const info = await redis.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
}

export async function measureStoreShares(options: {
  readonly baseUrl: string;
  readonly database: string;
  readonly redisUrl?: string;
  readonly connections: number;
  readonly flowsFile: string;
  readonly load: LoadWithHook;
}): Promise<StoreShare[]> {
  const read = (): Promise<PgCounters> => readPgCounters(options.baseUrl, options.database);
  const redis = options.redisUrl ? new Redis(options.redisUrl) : undefined;
  try {
    // Background work (the outbox worker's polls) commits on its own: measured idle, then taken off.
    const idle0 = await read();
    await sleep(10_000);
    const idle1 = await read();
    const idleCommitsPerSecond = (idle1.commits - idle0.commits) / 10;

    const jobs: [string, Omit<LoadJob, 'url' | 'memberFirst' | 'memberCount' | 'password'>][] = [
      ['sign-in', { scenario: 'sign-in', connections: options.connections, amount: 800 }],
      ['page view', { scenario: 'pages', connections: options.connections, seconds: 4 }],
      [
        'recovery start',
        { scenario: 'recovery', connections: options.connections, amount: 800, flowsFile: options.flowsFile },
      ],
    ];
    const shares: StoreShare[] = [];
    for (const [operation, job] of jobs) {
      let started = 0;
      let before: Promise<[PgCounters, number]> | undefined;
      const result = await options.load({ ...job, pauseMs: FLUSH_MS }, () => {
        started = Date.now();
        before = Promise.all([read(), redisCommands(redis)]);
      });
      const cpuAfter = await read();
      const commandsAfter = await redisCommands(redis);
      await sleep(FLUSH_MS);
      const after = await read();
      const [pg0, commands0] = await (before ?? Promise.reject(new Error('no timed part')));
      const seconds = (Date.now() - started) / 1000;
      const n = Math.max(1, result.ok);
      shares.push({
        operation,
        operations: result.ok,
        commits: (after.commits - pg0.commits - idleCommitsPerSecond * seconds) / n,
        rowWrites: (after.rowWrites - pg0.rowWrites) / n,
        pgCpuMs: (backendCpuBetween(pg0, cpuAfter) * 1000) / n,
        // Two INFO calls of ours are in the count.
        redisCommands: redis ? Math.max(0, commandsAfter - commands0 - 2) / n : undefined,
      });
    }
    return shares;
  } finally {
    redis?.disconnect();
  }
}
