// Every repository test runs on both dialects (STYLE.md §8). PostgreSQL tests get a fresh schema each,
// dropped afterwards. Outside CI a missing PostgreSQL skips with a visible notice; under CI=true it fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, openStore, type Store } from '../../src/store/db.js';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore extends Store {
  /** The URL or directory another process would use to open the same store. */
  readonly databaseUrl: string;
  readonly dataDir: string;
  dispose(): Promise<void>;
}

let pgAvailable: Promise<boolean> | undefined;
export function postgresAvailable(): Promise<boolean> {
  pgAvailable ??= (async () => {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => {});
    }
  })();
  return pgAvailable;
}

/** Why a PostgreSQL test is skipped, or undefined when it runs. Under CI the missing service is fatal. */
export async function postgresSkipReason(): Promise<string | undefined> {
  if (await postgresAvailable()) return undefined;
  if (process.env.CI === 'true')
    throw new Error(`PostgreSQL is required under CI and not reachable at ${PG_URL}`);
  const notice = `PostgreSQL not reachable at ${PG_URL}: PostgreSQL tests skipped`;
  console.warn(`NOTICE: ${notice}`);
  return notice;
}

export async function sqliteStore(): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sesame-test-'));
  const store = openStore({ databaseUrl: '', dataDir });
  await migrate(store);
  return {
    ...store,
    databaseUrl: '',
    dataDir,
    dispose: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function postgresStore(): Promise<TestStore> {
  const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const databaseUrl = url.toString();
  const dataDir = mkdtempSync(join(tmpdir(), 'sesame-test-'));
  const store = openStore({ databaseUrl, dataDir, poolSize: 5 });
  await migrate(store);
  return {
    ...store,
    databaseUrl,
    dataDir,
    dispose: async () => {
      await store.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface DialectCase {
  readonly name: 'sqlite' | 'postgres';
  /** undefined when the dialect can run; otherwise the skip notice. */
  skip(): Promise<string | undefined>;
  open(): Promise<TestStore>;
}

export const DIALECTS: readonly DialectCase[] = [
  { name: 'sqlite', skip: async () => undefined, open: sqliteStore },
  { name: 'postgres', skip: postgresSkipReason, open: postgresStore },
];
