// What `npm run bench` prepares before loading the server: a store of its own (a temporary SQLite data
// directory, or a fresh schema in the PostgreSQL database of SESAME_DATABASE_URL, dropped afterwards),
// N members with a password, and a description of the machine for bench/RESULTS.md.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import pg from 'pg';
import { hashPassword, OWASP_HASH_PARAMS } from '../src/passwords/hashing.js';
import { migrate, openStore } from '../src/store/db.js';

export const BENCH_PASSWORD = 'Ciel-Bleu-Marine-42!';
/** Member numbers are FIRST_MEMBER, FIRST_MEMBER + 1, … (8 digits, the default pattern accepts them). */
export const FIRST_MEMBER = 80_000_000;

export interface BenchDatabase {
  readonly databaseUrl: string;
  readonly label: string;
  /** Set when the bench has a PostgreSQL database of its own (statistics then are its alone). */
  readonly ownDatabase?: string;
  drop(): Promise<void>;
}

/**
 * SQLite when `baseUrl` is empty. Otherwise a database of its own on that PostgreSQL server, so that its
 * statistics (commits, rows written) and its backends' CPU are the bench's alone; a new schema in the given
 * database when the role may not create databases.
 */
export async function createBenchDatabase(baseUrl: string): Promise<BenchDatabase> {
  if (!baseUrl) return { databaseUrl: '', label: 'SQLite (embedded default)', drop: async () => {} };
  const name = `sesame_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    const version =
      (await admin.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '?';
    const url = new URL(baseUrl);
    try {
      await admin.query(`create database ${name}`);
      url.pathname = `/${name}`;
      return {
        databaseUrl: url.toString(),
        label: `PostgreSQL ${version}`,
        ownDatabase: name,
        drop: () => runOn(baseUrl, `drop database if exists ${name} with (force)`),
      };
    } catch {
      await admin.query(`create schema ${name}`);
      url.searchParams.set('options', `-c search_path=${name}`);
      return {
        databaseUrl: url.toString(),
        label: `PostgreSQL ${version}`,
        drop: () => runOn(baseUrl, `drop schema if exists ${name} cascade`),
      };
    }
  } finally {
    await admin.end();
  }
}

async function runOn(url: string, statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

export interface PgCounters {
  /** Transactions committed, and rows inserted + updated + deleted, in the bench's own database. */
  readonly commits: number;
  readonly rowWrites: number;
  /** CPU seconds so far of each server backend connected to that database, by process id. */
  readonly backends: ReadonlyMap<number, number>;
}

/**
 * Counters of the bench's own database. PostgreSQL publishes a backend's counts at most once a second
 * while busy and after about ten seconds of idle: read them after such a pause.
 */
export async function readPgCounters(baseUrl: string, database: string): Promise<PgCounters> {
  const c = new pg.Client({ connectionString: baseUrl });
  await c.connect();
  try {
    const stats = await c.query<{ commits: string; writes: string }>(
      `select xact_commit as commits, tup_inserted + tup_updated + tup_deleted as writes
         from pg_stat_database where datname = $1`,
      [database],
    );
    const pids = await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [
      database,
    ]);
    const backends = new Map<number, number>();
    for (const { pid } of pids.rows) {
      try {
        backends.set(pid, cpuSeconds(pid));
      } catch {}
    }
    const row = stats.rows[0];
    return { commits: Number(row?.commits ?? 0), rowWrites: Number(row?.writes ?? 0), backends };
  } finally {
    await c.end();
  }
}

/** CPU seconds the backends used between two readings (a backend opened in between counts from zero). */
export function backendCpuBetween(before: PgCounters, after: PgCounters): number {
  let total = 0;
  for (const [pid, cpu] of after.backends) total += cpu - (before.backends.get(pid) ?? 0);
  return total;
}

/**
 * Migrates and inserts `count` members, each with an e-mail and the same password. One Argon2id hash is
 * made and copied: a verification costs the same whichever member it is, and seeding stays instant.
 */
export async function seedBenchMembers(databaseUrl: string, dataDir: string, count: number): Promise<void> {
  const store = openStore({ databaseUrl, dataDir });
  try {
    await migrate(store);
    const hash = await hashPassword(BENCH_PASSWORD, OWASP_HASH_PARAMS);
    const now = Date.now();
    for (let start = 0; start < count; start += 500) {
      const numbers = Array.from(
        { length: Math.min(500, count - start) },
        (_, i) => FIRST_MEMBER + start + i,
      );
      const rows = await store.db
        .insertInto('members')
        .values(
          numbers.map((n) => ({
            member_number: String(n),
            civility: 'Mme',
            first_name: 'Claire',
            last_name: 'Bench',
            search_name: 'bench claire',
            email: `adherent${n}@bench.example`,
            mobile: null,
            address_line2: null,
            address_line3: null,
            address_line4: '1 RUE DU BANC',
            address_line5: null,
            postal_code: '75011',
            city: 'Paris',
            country: null,
            status: 'active',
            created_at: now,
            updated_at: now,
          })),
        )
        .returning('id')
        .execute();
      await store.db
        .insertInto('credentials')
        .values(
          rows.map((r) => ({
            member_id: Number(r.id),
            password_hash: hash,
            changed_at: now,
            must_change: 0,
          })),
        )
        .execute();
    }
  } finally {
    await store.close();
  }
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGib: number;
  readonly kernel: string;
  readonly node: string;
  readonly loadAverage: string;
}

export function describeMachine(): Machine {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    // Virtual machines often report a generic model name; /proc/cpuinfo sometimes says more.
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    model = /model name\s*:\s*(.+)/.exec(info)?.[1]?.trim() ?? model;
  } catch {}
  return {
    cpu: model,
    cores: availableParallelism(),
    memoryGib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    loadAverage: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

/** Resident memory of a process, in MiB (Linux /proc). */
export function rssMib(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** CPU seconds (user + system) a process has used so far (Linux /proc; 100 ticks per second). */
export function cpuSeconds(pid: number, thread?: number): number {
  const stat = readFileSync(
    thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`,
    'utf8',
  );
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
