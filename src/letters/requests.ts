// A member's request for a postal letter (DESIGN.md §2 "Postal letter"). One letter per member per
// interval (30 days by default): a second request in the window gets an answer, not a second letter.
import { type Insertable, type Kysely, sql } from 'kysely';
import { DAY } from '../platform/clock.js';
import type { Dialect } from '../store/db.js';
import type { Database, LetterTable } from '../store/tables.js';

export type LetterRequestAnswer =
  | { readonly status: 'queued' }
  | { readonly status: 'too_soon'; readonly lastAt: number; readonly nextAt: number };

/** A letter waiting to be printed: the one row shape every request, reprint and seeded letter starts from. */
export function newLetterRow(
  memberId: number,
  requestedBy: string,
  requestedAt: number,
): Insertable<LetterTable> {
  return {
    member_id: memberId,
    status: 'requested',
    requested_at: requestedAt,
    requested_by: requestedBy,
    batch_id: null,
    printed_at: null,
    posted_at: null,
    cancelled_at: null,
    cancel_reason: null,
    flag_reason: null,
    provisional_hash: null,
    provisional_expires_at: null,
    provisional_used_at: null,
  };
}

export async function requestLetter(
  trx: Kysely<Database>,
  dialect: Dialect,
  input: { memberId: number; requestedBy: string; now: number; intervalDays: number },
): Promise<LetterRequestAnswer> {
  // Serialises concurrent requests for the same member on PostgreSQL (SQLite transactions already are).
  if (dialect === 'postgres')
    await sql`select id from members where id = ${input.memberId} for update`.execute(trx);
  const last = await trx
    .selectFrom('letters')
    .select(['requested_at'])
    .where('member_id', '=', input.memberId)
    .where('status', '!=', 'cancelled')
    .where('requested_at', '>', input.now - input.intervalDays * DAY)
    .orderBy('requested_at', 'desc')
    .executeTakeFirst();
  if (last)
    return {
      status: 'too_soon',
      lastAt: last.requested_at,
      nextAt: last.requested_at + input.intervalDays * DAY,
    };
  await trx
    .insertInto('letters')
    .values(newLetterRow(input.memberId, input.requestedBy, input.now))
    .execute();
  return { status: 'queued' };
}
