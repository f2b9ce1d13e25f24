// Shared counters for limits (per IP, per member, global). They live in the database by default — shared by
// every process that uses the same database — or in Redis when SESAME_REDIS_URL is set (issue 7).
import { sql } from 'kysely';
import type { Store } from './db.js';

export interface WindowCount {
  readonly count: number;
  /** When the current window ends (ms). */
  readonly resetAt: number;
}

export interface Counters {
  /** Counts one more event for `key` in a fixed window of `windowMs`, and returns the window's count. */
  hit(key: string, windowMs: number, now: number): Promise<WindowCount>;
  /** The current window's count without adding to it. */
  peek(key: string, windowMs: number, now: number): Promise<WindowCount>;
  clear(key: string): Promise<void>;
}

export function sqlCounters(store: Store): Counters {
  const { db } = store;
  return {
    async hit(key, windowMs, now) {
      // One atomic statement: no read-modify-write race between processes.
      const row = await db
        .insertInto('throttles')
        .values({
          key,
          consecutive: 0,
          window_start: now,
          window_count: 1,
          blocked_until: 0,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            window_start: sql`case when throttles.window_start <= ${now - windowMs} then ${now} else throttles.window_start end`,
            window_count: sql`case when throttles.window_start <= ${now - windowMs} then 1 else throttles.window_count + 1 end`,
            updated_at: now,
          }),
        )
        .returning(['window_start', 'window_count'])
        .executeTakeFirstOrThrow();
      return { count: Number(row.window_count), resetAt: Number(row.window_start) + windowMs };
    },
    async peek(key, windowMs, now) {
      const row = await db
        .selectFrom('throttles')
        .select(['window_start', 'window_count'])
        .where('key', '=', key)
        .executeTakeFirst();
      if (!row || row.window_start <= now - windowMs) return { count: 0, resetAt: now + windowMs };
      return { count: row.window_count, resetAt: row.window_start + windowMs };
    },
    async clear(key) {
      await db.deleteFrom('throttles').where('key', '=', key).execute();
    },
  };
}
