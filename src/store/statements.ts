// Building blocks for writing several rows in one PostgreSQL statement (issue 7). On PostgreSQL every round
// trip and every commit costs CPU on both sides; a WITH whose parts write runs them exactly once, atomically
// with the main statement, so a multi-row change becomes one round trip and one commit. SQLite, in-process,
// keeps plain transactions: its round trips are function calls.
import { type Insertable, type RawBuilder, sql } from 'kysely';
import type { Database } from './tables.js';

/**
 * `INSERT INTO table (…) SELECT <row's values> FROM source`: the row is written once per row of `source`
 * (a WITH part's name), so it follows a conditional UPDATE … RETURNING and is written only when that moved.
 * PostgreSQL types the parameters from the target columns. A value may be an SQL expression over `source`.
 */
export function insertSelecting<T extends keyof Database & string>(
  table: T,
  row: { [K in keyof Insertable<Database[T]>]: Insertable<Database[T]>[K] | RawBuilder<unknown> },
  source: string | RawBuilder<unknown>,
): RawBuilder<unknown> {
  const entries = Object.entries(row as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return sql`insert into ${sql.table(table)} (${sql.join(entries.map(([k]) => sql.ref(k)))}) select ${sql.join(
    entries.map(([, v]) => sql`${v}`),
  )} from ${typeof source === 'string' ? sql.table(source) : source}`;
}
