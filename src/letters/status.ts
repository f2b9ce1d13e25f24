// Where the letters stand: pending and late ones for `sesame letters status`, the letters desk, the
// dashboard and the metrics; and cancelling one that is not posted yet.
import { sql } from 'kysely';
import type { Store } from '../store/db.js';
import { LETTER_PROMISE } from './batches.js';

export interface LetterStatusRow {
  readonly id: number;
  readonly memberNumber: string;
  readonly status: string;
  readonly requestedAt: number;
  readonly batchId: number | null;
  readonly late: boolean;
  readonly flagReason: string | null;
}

/** Pending (requested, flagged or printed but not posted) letters, oldest first, with the late ones marked. */
export async function pendingLetters(store: Store, now: number): Promise<LetterStatusRow[]> {
  const rows = await store.db
    .selectFrom('letters')
    .innerJoin('members', 'members.id', 'letters.member_id')
    .select([
      'letters.id',
      'members.member_number',
      'letters.status',
      'letters.requested_at',
      'letters.batch_id',
      'letters.flag_reason',
    ])
    .where('letters.status', 'in', ['requested', 'flagged', 'printed'])
    .orderBy('letters.requested_at')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    memberNumber: r.member_number,
    status: r.status,
    requestedAt: r.requested_at,
    batchId: r.batch_id === null ? null : Number(r.batch_id),
    late: now - r.requested_at > LETTER_PROMISE,
    flagReason: r.flag_reason,
  }));
}

/** Cancels a letter not yet posted (staff action, or the member finished another way). */
export async function cancelLetter(
  store: Store,
  letterId: number,
  reason: string,
  now: number,
): Promise<boolean> {
  const res = await store.db
    .updateTable('letters')
    .set({
      status: 'cancelled',
      cancelled_at: now,
      cancel_reason: reason.slice(0, 200),
      provisional_hash: null,
    })
    .where('id', '=', letterId)
    .where('status', 'in', ['requested', 'flagged', 'printed'])
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Counters for metrics and the dashboard. */
export async function letterCounts(store: Store, now: number): Promise<{ pending: number; late: number }> {
  const row = await store.db
    .selectFrom('letters')
    .select([
      (eb) => eb.fn.countAll<number>().as('pending'),
      sql<number>`sum(case when requested_at < ${now - LETTER_PROMISE} then 1 else 0 end)`.as('late'),
    ])
    .where('status', 'in', ['requested', 'flagged', 'printed'])
    .executeTakeFirst();
  return { pending: Number(row?.pending ?? 0), late: Number(row?.late ?? 0) };
}
