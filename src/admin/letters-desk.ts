// The letters desk (issue 6): what waits to be printed, what waits to be posted, and the two buttons.
// Printing (provisional passwords, the PDF, the batch row) belongs to the letters part (src/letters/
// batches.ts); this file is the only place the back office calls it.
import type { Config } from '../config/index.js';
import {
  type BatchDeps,
  LetterBatchError,
  markBatchPosted,
  type PrintResult,
  printPendingLetters,
} from '../letters/batches.js';
import { letterSettingsFromConfig } from '../letters/pdf.js';
import type { Store } from '../store/db.js';
import { LETTER_LATE_AFTER } from './dashboard.js';

export interface DeskLetter {
  readonly id: number;
  readonly memberNumber: string;
  readonly name: string;
  readonly status: string;
  readonly requestedAt: number;
  readonly requestedBy: string;
  readonly flagReason: string | null;
  readonly batchId: number | null;
  readonly ageDays: number;
  readonly late: boolean;
}

export interface DeskBatch {
  readonly id: number;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly letterCount: number;
  readonly status: string;
  readonly postedAt: number | null;
  /** Its oldest letter was requested more than 8 days ago and it is not posted. */
  readonly late: boolean;
}

export interface LettersDesk {
  /** Requested or flagged: waiting to be printed. */
  readonly toPrint: readonly DeskLetter[];
  /** Printed, waiting to be posted. */
  readonly batches: readonly DeskBatch[];
  readonly lateCount: number;
}

const DESK_LIMIT = 500;

export async function loadLettersDesk(store: Store, now: number): Promise<LettersDesk> {
  const rows = await store.db
    .selectFrom('letters')
    .innerJoin('members', 'members.id', 'letters.member_id')
    .select([
      'letters.id',
      'letters.status',
      'letters.requested_at',
      'letters.requested_by',
      'letters.flag_reason',
      'letters.batch_id',
      'members.member_number',
      'members.civility',
      'members.first_name',
      'members.last_name',
    ])
    .where('letters.status', 'in', ['requested', 'flagged'])
    .orderBy('letters.requested_at')
    .limit(DESK_LIMIT)
    .execute();
  const toPrint = rows.map(
    (r): DeskLetter => ({
      id: Number(r.id),
      memberNumber: r.member_number,
      name: `${r.civility} ${r.first_name} ${r.last_name}`.trim(),
      status: r.status,
      requestedAt: r.requested_at,
      requestedBy: r.requested_by,
      flagReason: r.flag_reason,
      batchId: r.batch_id === null ? null : Number(r.batch_id),
      ageDays: Math.floor((now - r.requested_at) / 86_400_000),
      late: now - r.requested_at > LETTER_LATE_AFTER,
    }),
  );
  const batchRows = await store.db
    .selectFrom('letter_batches')
    .leftJoin('letters', 'letters.batch_id', 'letter_batches.id')
    .select((eb) => [
      'letter_batches.id',
      'letter_batches.created_at',
      'letter_batches.created_by',
      'letter_batches.letter_count',
      'letter_batches.status',
      'letter_batches.posted_at',
      eb.fn.min('letters.requested_at').as('oldest'),
    ])
    .where('letter_batches.status', '!=', 'posted')
    .groupBy([
      'letter_batches.id',
      'letter_batches.created_at',
      'letter_batches.created_by',
      'letter_batches.letter_count',
      'letter_batches.status',
      'letter_batches.posted_at',
    ])
    .orderBy('letter_batches.created_at', 'desc')
    .limit(100)
    .execute();
  const batches = batchRows.map(
    (b): DeskBatch => ({
      id: Number(b.id),
      createdAt: b.created_at,
      createdBy: b.created_by,
      letterCount: b.letter_count,
      status: b.status,
      postedAt: b.posted_at,
      late: b.oldest !== null && now - Number(b.oldest) > LETTER_LATE_AFTER,
    }),
  );
  const lateCount = toPrint.filter((l) => l.late).length;
  return { toPrint, batches, lateCount };
}

export interface DeskActor {
  readonly id: number;
  readonly username: string;
  readonly ip: string;
  readonly userAgent: string;
}

export type LettersDeskDeps = Omit<BatchDeps, 'settings'> & { readonly config: Config };

/** Letters waiting to be printed (the flagged ones need an address fix first). */
export async function countLettersToPrint(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom('letters')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('status', '=', 'requested')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * « Imprimer le lot »: the pending letters as one PDF streamed into `output`, recorded as a batch by the
 * letters part once the whole file is written (a download cut short records nothing: the letters stay
 * pending and their passwords never worked).
 */
export function printLetterBatch(
  deps: LettersDeskDeps,
  actor: DeskActor,
  output: NodeJS.WritableStream,
): Promise<PrintResult> {
  const settings = letterSettingsFromConfig(
    deps.config,
    `${deps.config.publicUrl.replace(/\/$/, '')}/connexion`,
  );
  return printPendingLetters({ ...deps, settings }, output, `staff:${actor.username}`);
}

/** « Marquer comme posté »; false when the batch is unknown or not in the « printed » state. */
export async function markLetterBatchPosted(
  deps: LettersDeskDeps,
  actor: DeskActor,
  batchId: number,
): Promise<boolean> {
  try {
    await markBatchPosted(deps.store, batchId, deps.clock.now(), `staff:${actor.username}`);
    return true;
  } catch (e) {
    if (e instanceof LetterBatchError) return false;
    throw e;
  }
}
