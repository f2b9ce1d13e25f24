import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  type Migration as KyselyMigration,
  Migrator,
  PostgresDialect,
  type SqliteDatabase,
  SqliteDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import { MIGRATIONS } from './migrations/index.js';
import { prepareStatements } from './pg-prepared.js';
import type { Database } from './tables.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres:// URL; empty for the embedded SQLite file. */
  readonly databaseUrl: string;
  readonly dataDir: string;
  /** Size of the PostgreSQL pool. */
  readonly poolSize?: number;
}

// PostgreSQL returns BIGINT as strings (it may exceed 2^53); our bigints are millisecond times and row
// ids, far below that, so numbers keep both dialects' rows identical.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
    });
    // An idle client losing its connection must not crash the process; the next query reports it.
    pool.on('error', () => {});
    // A connection dying under a checked-out client emits 'error' on that client: without a listener it
    // would crash the process. The failing query still rejects, so the request gets its 503 page.
    pool.on('connect', (client) => client.on('error', () => {}));
    prepareStatements(pool);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  mkdirSync(options.dataDir, { recursive: true });
  const file = join(options.dataDir, 'sesame.db');
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: reusingStatements(sqlite) }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/**
 * better-sqlite3 with each prepared statement kept for its SQL text. Kysely prepares every query anew, and
 * SQLite's compile step was the largest cost of a sign-in after Argon2id in the profile (issue 7). A
 * statement still iterating (a streamed query) is never handed out twice.
 */
function reusingStatements(sqlite: SQLite.Database, max = 500): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text) {
      const kept = statements.get(text);
      if (kept && !kept.busy) return kept;
      const fresh = sqlite.prepare(text);
      if (!kept) {
        // Oldest first out: queries with IN lists of many lengths must not grow the map without end.
        if (statements.size >= max) statements.delete(statements.keys().next().value as string);
        statements.set(text, fresh);
      }
      return fresh;
    },
  };
}

export async function migrate(store: Store): Promise<string[]> {
  const migrations: Record<string, KyselyMigration> = {};
  for (const m of MIGRATIONS) migrations[m.name] = { up: (db) => m.up(db, store.dialect) };
  // Kysely looks for its lock table in any schema; with several schemas in one database (one per tenant or
  // per test run) it must be told to use the connection's own, or it may find another schema's table.
  let migrationTableSchema: string | undefined;
  if (store.dialect === 'postgres') {
    const row = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
    migrationTableSchema = row.rows[0]?.schema;
  }
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations },
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Readiness: one round trip to the database. */
export async function ping(store: Store): Promise<void> {
  await store.db.selectFrom('members').select('id').limit(1).execute();
}
