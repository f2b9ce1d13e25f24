import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';
import * as m001 from './001_initial.js';
import * as m002 from './002_audit_indexes.js';

export interface Migration {
  readonly name: string;
  // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
}

/** Versioned, append-only: never edit a migration that has shipped, add the next one. */
export const MIGRATIONS: readonly Migration[] = [
  { name: '001_initial', up: m001.up },
  { name: '002_audit_indexes', up: (db) => m002.up(db) },
];
