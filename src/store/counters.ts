// Shared counters for limits (per IP, per member, global). They live in the database by default — shared by
// every process that uses the same database — or in Redis when SESAME_REDIS_URL is set (issue 7).
import { type OnConflictBuilder, sql } from 'kysely';
import type { Store } from './db.js';
import type { Database } from './tables.js';

export interface WindowCount {
  readonly count: number;
  /** When the current window ends (ms). */
  readonly resetAt: number;
}

/** At most `limit` events per fixed window of `windowMs` for `key`. */
export interface Limit {
  readonly key: string;
  readonly windowMs: number;
  readonly limit: number;
}

export interface Counters {
  /** Counts one more event for `key` in a fixed window of `windowMs`, and returns the window's count. */
  hit(key: string, windowMs: number, now: number): Promise<WindowCount>;
  /** The current window's count without adding to it. */
  peek(key: string, windowMs: number, now: number): Promise<WindowCount>;
  clear(key: string): Promise<void>;
  /**
   * Counts one event against each limit in turn and stops at the first one it takes over: that limit's key,
   * or undefined when all held. The limits after it are not counted, exactly as separate hit() calls in the
   * same order would; one round trip (issue 7).
   */
  hitUntilOver(limits: readonly Limit[], now: number): Promise<string | undefined>;
}

/** Upsert of one hit: a new window, the next count in the current one, or a new window once it ended. */
function onHit(windowMs: number, now: number) {
  return (oc: OnConflictBuilder<Database, 'throttles'>) =>
    oc.column('key').doUpdateSet({
      window_start: sql`case when throttles.window_start <= ${now - windowMs} then ${now} else throttles.window_start end`,
      window_count: sql`case when throttles.window_start <= ${now - windowMs} then 1 else throttles.window_count + 1 end`,
      updated_at: now,
    });
}

const firstHit = (key: string, now: number) => ({
  key,
  consecutive: 0,
  window_start: now,
  window_count: 1,
  blocked_until: 0,
  updated_at: now,
});

export function sqlCounters(store: Store): Counters {
  const { db } = store;
  const counters: Counters = {
    async hit(key, windowMs, now) {
      // One atomic statement: no read-modify-write race between processes.
      const row = await db
        .insertInto('throttles')
        .values(firstHit(key, now))
        .onConflict(onHit(windowMs, now))
        .returning(['window_start', 'window_count'])
        .executeTakeFirstOrThrow();
      return { count: Number(row.window_count), resetAt: Number(row.window_start) + windowMs };
    },
    async hitUntilOver(limits, now) {
      if (store.dialect !== 'postgres' || limits.length < 2) {
        // SQLite runs in-process: a statement per limit costs no round trip.
        for (const { key, windowMs, limit } of limits) {
          if ((await counters.hit(key, windowMs, now)).count > limit) return key;
        }
        return undefined;
      }
      // One statement: each upsert is a WITH part that runs only when the one before stayed within its limit.
      const parts = limits.map(({ key, windowMs }, i) => {
        const previous = limits[i - 1];
        const upsert = db
          .insertInto('throttles')
          .columns(['key', 'consecutive', 'window_start', 'window_count', 'blocked_until', 'updated_at'])
          .expression(
            db
              .selectNoFrom(Object.entries(firstHit(key, now)).map(([k, v]) => sql`${v}`.as(k)) as never)
              .$if(previous !== undefined, (q) =>
                q.where(
                  sql`(select window_count from ${sql.table(`hit${i - 1}`)})`,
                  '<=',
                  previous?.limit ?? 0,
                ),
              ),
          )
          .onConflict(onHit(windowMs, now))
          .returning('window_count');
        return sql`${sql.table(`hit${i}`)} as (${upsert})`;
      });
      const counts = limits.map((_, i) => sql`(select window_count from ${sql.table(`hit${i}`)})`);
      const { rows } = await sql<Record<string, number | null>>`with ${sql.join(parts)} select ${sql.join(
        counts.map((c, i) => sql`${c} as ${sql.ref(`n${i}`)}`),
      )}`.execute(db);
      const row = rows[0] ?? {};
      return limits.find((l, i) => row[`n${i}`] != null && Number(row[`n${i}`]) > l.limit)?.key;
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
  return counters;
}
