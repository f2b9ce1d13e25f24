// Upsert of members by member number inside ONE transaction, counting what changed. Rows whose fields are
// all equal are left alone (DO UPDATE … WHERE something differs), so a nightly re-import of an unchanged
// registry writes nothing and keeps updated_at meaningful.
import SQLite from 'better-sqlite3';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Store } from '../store/db.js';
import type { Database } from '../store/tables.js';
import { MEMBER_FIELDS, type MemberInput } from './field-check.js';
import { toSearchName } from './search-name.js';

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface MemberWriter {
  /** Rows must have distinct member numbers (PostgreSQL refuses to update one row twice in a statement). */
  write(rows: readonly MemberInput[]): Promise<void>;
  counts(): Promise<UpsertCounts>;
}

/** Rows per write: small on SQLite (short-lived objects), large on PostgreSQL (fewer round trips). */
export const BATCH_SIZE = { sqlite: 500, postgres: 2000 } as const;

// Every registry field plus the folded name the staff search reads: one list gives the columns and, in the
// same order, each row's values.
const VALUES = [...MEMBER_FIELDS, 'search_name'] as const;
const COMPARED = VALUES.filter((c) => c !== 'member_number');
const INSERTED = [...VALUES, 'status', 'created_at', 'updated_at'].join(', ');
const SET = [...COMPARED, 'updated_at'].map((c) => `${c} = excluded.${c}`).join(', ');

function rowValues(m: MemberInput): (string | null)[] {
  return VALUES.map((c) => (c === 'search_name' ? toSearchName(m.last_name, m.first_name) : m[c]));
}

/**
 * Runs `work` with a writer inside one transaction stamped `now`: committed when `work` resolves, rolled
 * back (nothing applied) when it throws.
 */
export async function withMemberWriter<T>(
  store: Store,
  now: number,
  work: (writer: MemberWriter) => Promise<T>,
): Promise<T> {
  if (!Number.isSafeInteger(now)) throw new RangeError(`now must be an integer timestamp, got ${now}`);
  if (store.dialect === 'postgres')
    return store.db.transaction().execute((trx) => work(postgresWriter(trx, now)));
  return withSqliteWriter(store, now, work);
}

/**
 * SQLite: one prepared single-row upsert run per row is about twice as fast as multi-row statements, and
 * Kysely prepares a statement on every call; so the import uses its own connection to the same file
 * (WAL mode: readers of the service are not blocked) with BEGIN IMMEDIATE … COMMIT around the whole file.
 */
async function withSqliteWriter<T>(
  store: Store,
  now: number,
  work: (writer: MemberWriter) => Promise<T>,
): Promise<T> {
  const main = await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(
    store.db,
  );
  const file = main.rows[0]?.file;
  if (!file) throw new Error('the SQLite store has no file: member import needs one');
  const db = new SQLite(file, { fileMustExist: true, timeout: 5000 });
  try {
    db.pragma('foreign_keys = ON');
    db.exec('begin immediate');
    // New rows get rowids above the current maximum (no AUTOINCREMENT, nothing else writes during our
    // transaction): counting them at the end tells inserted from updated.
    const maxIdBefore = (db.prepare('select coalesce(max(id), 0) as m from members').get() as { m: number })
      .m;
    const changed = COMPARED.map((c) => `members.${c} is not excluded.${c}`).join(' or ');
    const upsert = db.prepare(
      `insert into members (${INSERTED}) values (${VALUES.map(() => '?').join(', ')}, 'active', ${now}, ${now})
        on conflict (member_number) do update set ${SET} where ${changed}`,
    );
    let rows = 0;
    let changes = 0;
    const writer: MemberWriter = {
      async write(batch) {
        for (const m of batch) changes += upsert.run(rowValues(m)).changes;
        rows += batch.length;
      },
      async counts() {
        const inserted = (
          db.prepare('select count(*) as n from members where id > ?').get(maxIdBefore) as { n: number }
        ).n;
        return { inserted, updated: changes - inserted, unchanged: rows - changes };
      },
    };
    try {
      const result = await work(writer);
      db.exec('commit');
      return result;
    } catch (error) {
      if (db.inTransaction) db.exec('rollback');
      throw error;
    }
  } finally {
    db.close();
  }
}

function postgresWriter(db: Kysely<Database>, now: number): MemberWriter {
  // One statement per batch with one array parameter per column (unnest): 15 parameters whatever the batch
  // size; `xmax = 0` marks a row that was inserted rather than updated.
  const arrays = VALUES.map((_, i) => `$${i + 1}::text[]`).join(', ');
  const nowParam = `$${VALUES.length + 1}::bigint`;
  const changed = `(${COMPARED.map((c) => `members.${c}`).join(', ')}) is distinct from (${COMPARED.map((c) => `excluded.${c}`).join(', ')})`;
  const text = `with up as (
      insert into members (${INSERTED})
      select t.*, 'active', ${nowParam}, ${nowParam} from unnest(${arrays}) as t(${VALUES.join(', ')})
      on conflict (member_number) do update set ${SET} where ${changed}
      returning (xmax = 0) as inserted)
    select (count(*) filter (where inserted))::int as inserted, (count(*) filter (where not inserted))::int as updated from up`;
  const totals: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  return {
    async write(batch) {
      if (batch.length === 0) return;
      const columns: (string | null)[][] = VALUES.map(() => new Array(batch.length));
      batch.forEach((m, r) => {
        rowValues(m).forEach((v, c) => {
          columns[c]![r] = v;
        });
      });
      const result = await db.executeQuery<{ inserted: number; updated: number }>(
        CompiledQuery.raw(text, [...columns, now]),
      );
      const { inserted = 0, updated = 0 } = result.rows[0] ?? {};
      totals.inserted += inserted;
      totals.updated += updated;
      totals.unchanged += batch.length - inserted - updated;
    },
    async counts() {
      return { ...totals };
    },
  };
}
