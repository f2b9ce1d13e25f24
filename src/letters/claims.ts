// Claiming letters for a print (issue 5/6): before a single byte of PDF is drawn, one transaction opens a
// batch in the « printing » state and ties the pending letters to it (batch_id), so a second print started
// meanwhile learns at once that there is nothing left for it instead of drawing a file that will be void.
//
//   requested, batch_id null ──claim──▶ requested, batch_id B (B printing) ──print──▶ printed (B printed)
//                ▲                               │
//                └──────── release (B void) ◀────┘ failure, interrupted download, or B stale
//
// A claim left by a crashed process is taken over once its batch is STALE_CLAIM old.
import { recordAudit } from '../audit/audit.js';
import { MINUTE } from '../platform/clock.js';
import type { Store } from '../store/db.js';
import { formatPostalAddress } from './address.js';
import { unprintableCharacters } from './pdf.js';

/** A « printing » batch older than this belongs to a process that died: its letters are pending again. */
export const STALE_CLAIM = 30 * MINUTE;

export interface FlaggedLetter {
  readonly letterId: number;
  readonly memberNumber: string;
  readonly reason: string;
}

export interface ClaimedLetter {
  readonly id: number;
  readonly memberNumber: string;
  readonly lines: string[];
}

export interface LetterClaim {
  readonly batchId: number;
  readonly createdBy: string;
  /** Printable letters held by the batch, in print order (postal code, then id). */
  readonly letters: readonly ClaimedLetter[];
  /** Letters set aside for staff because their address cannot be printed, with the reason. */
  readonly flagged: readonly FlaggedLetter[];
}

export type ClaimOutcome =
  | { readonly status: 'claimed'; readonly claim: LetterClaim }
  /** Nothing pending (flagged letters, if any, were set aside). */
  | { readonly status: 'empty'; readonly flagged: readonly FlaggedLetter[] }
  /** The pending letters are held by another print still running: they will be in its file. */
  | { readonly status: 'busy'; readonly flagged: readonly FlaggedLetter[] };

type Db = Store['db'];

/** Ids of the batches whose claim still stands: printing, and younger than STALE_CLAIM. */
export function liveClaims(db: Db, now: number) {
  return db
    .selectFrom('letter_batches')
    .select('letter_batches.id')
    .where('letter_batches.status', '=', 'printing')
    .where('letter_batches.created_at', '>', now - STALE_CLAIM);
}

/**
 * Opens a batch and claims the pending letters for it (all of them, or only `onlyIds`), in one
 * transaction. Letters held by a live print are left to it; those of a stale claim are taken over.
 */
export async function claimPendingLetters(
  deps: { readonly store: Store; readonly clock: { now(): number } },
  createdBy: string,
  onlyIds?: readonly number[],
): Promise<ClaimOutcome> {
  const now = deps.clock.now();
  const claimed = await deps.store.db.transaction().execute(async (trx) => {
    const stale = await trx
      .selectFrom('letter_batches')
      .select('id')
      .where('status', '=', 'printing')
      .where('created_at', '<=', now - STALE_CLAIM)
      .execute();
    for (const s of stale) await releaseClaimIn(trx, Number(s.id));
    const batchId = await openBatch(trx, createdBy, now);
    let claim = trx
      .updateTable('letters')
      .set({ batch_id: batchId })
      .where('status', '=', 'requested')
      .where('batch_id', 'is', null);
    if (onlyIds) claim = claim.where('id', 'in', onlyIds.length ? [...onlyIds] : [-1]);
    const res = await claim.executeTakeFirst();
    if (Number(res.numUpdatedRows) > 0) return batchId;
    // Nothing taken: the batch row never existed for anyone else (same transaction).
    await trx.deleteFrom('letter_batches').where('id', '=', batchId).execute();
    return null;
  });
  if (claimed === null) {
    let held = deps.store.db
      .selectFrom('letters')
      .select('id')
      .where('status', '=', 'requested')
      .where('batch_id', 'in', liveClaims(deps.store.db, now));
    if (onlyIds) held = held.where('id', 'in', onlyIds.length ? [...onlyIds] : [-1]);
    return { status: (await held.executeTakeFirst()) ? 'busy' : 'empty', flagged: [] };
  }
  return loadClaim(deps.store, claimed, createdBy, now);
}

/** A new batch in the « printing » state; its letter count is set when the file is complete. */
export async function openBatch(trx: Db, createdBy: string, now: number): Promise<number> {
  const batch = await trx
    .insertInto('letter_batches')
    .values({ created_at: now, created_by: createdBy, letter_count: 0, status: 'printing', posted_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(batch.id);
}

/**
 * The claimed letters with their addresses formatted; unprintable ones are flagged for staff with the
 * reason and leave the batch. A batch left with nothing printable is released.
 */
export async function loadClaim(
  store: Store,
  batchId: number,
  createdBy: string,
  now: number,
): Promise<ClaimOutcome> {
  const rows = await store.db
    .selectFrom('letters')
    .innerJoin('members', 'members.id', 'letters.member_id')
    .select([
      'letters.id',
      'members.member_number',
      'members.civility',
      'members.first_name',
      'members.last_name',
      'members.address_line2',
      'members.address_line3',
      'members.address_line4',
      'members.address_line5',
      'members.postal_code',
      'members.city',
      'members.country',
    ])
    .where('letters.batch_id', '=', batchId)
    .where('letters.status', '=', 'requested')
    .orderBy('members.postal_code')
    .orderBy('letters.id')
    .execute();
  const letters: ClaimedLetter[] = [];
  const flagged: FlaggedLetter[] = [];
  for (const r of rows) {
    const address = formatPostalAddress(r);
    const unprintable = unprintableCharacters(address.lines.join(''));
    const problems = [
      ...address.problems,
      ...(unprintable.length ? [`caractères non imprimables : ${unprintable.join(' ')}`] : []),
    ];
    if (problems.length > 0)
      flagged.push({ letterId: Number(r.id), memberNumber: r.member_number, reason: problems.join(' ; ') });
    else letters.push({ id: Number(r.id), memberNumber: r.member_number, lines: address.lines });
  }
  if (flagged.length) {
    await store.db.transaction().execute(async (trx) => {
      for (const f of flagged) {
        await trx
          .updateTable('letters')
          .set({ status: 'flagged', flag_reason: f.reason.slice(0, 500), batch_id: null })
          .where('id', '=', f.letterId)
          .where('batch_id', '=', batchId)
          .where('status', '=', 'requested')
          .execute();
      }
    });
  }
  if (letters.length === 0) {
    await releaseClaim(store, batchId, createdBy, now, 'nothing-printable');
    return { status: 'empty', flagged };
  }
  return { status: 'claimed', claim: { batchId, createdBy, letters, flagged } };
}

/**
 * Gives the batch's letters back to the pending pile (a failed or interrupted print). The batch row is
 * kept as « void » rather than deleted: letters cancelled during the print still point at it, and its
 * id, already in the log, is never reused for another file.
 */
export async function releaseClaim(
  store: Store,
  batchId: number,
  by: string,
  now: number,
  reason: string,
): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    const released = await releaseClaimIn(trx, batchId);
    if (released === null) return;
    await recordAudit(
      trx,
      {
        event: 'letter-printed',
        outcome: 'failure',
        actor: by,
        details: { batch: batchId, released, reason: reason.slice(0, 100) },
      },
      now,
    );
  });
}

/** Voids a « printing » batch and frees its letters; null when the batch was no longer printing. */
async function releaseClaimIn(trx: Db, batchId: number): Promise<number | null> {
  const voided = await trx
    .updateTable('letter_batches')
    .set({ status: 'void' })
    .where('id', '=', batchId)
    .where('status', '=', 'printing')
    .executeTakeFirst();
  if (Number(voided.numUpdatedRows) === 0) return null;
  const res = await trx
    .updateTable('letters')
    .set({ batch_id: null })
    .where('batch_id', '=', batchId)
    .where('status', '=', 'requested')
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
