// Letter batches (issue 5): the day's pending letters become one PDF, one letter per page, sorted by
// postal code for the postal rate. Each letter moves requested → printed (batch) → posted, or cancelled;
// a batch moves printing → printed → posted (or reprinted), or printing → void (see claims.ts).
// The provisional password exists in clear only inside the PDF written to the operator's path; the
// database keeps its Argon2id hash (DESIGN.md §4, ASVS 6.4.1).
import { recordAudit } from '../audit/audit.js';
import { type HashParams, hashPassword } from '../passwords/hashing.js';
import { type Clock, DAY } from '../platform/clock.js';
import type { Random } from '../platform/random.js';
import type { Store } from '../store/db.js';
import {
  type ClaimOutcome,
  claimPendingLetters,
  type FlaggedLetter,
  type LetterClaim,
  loadClaim,
  openBatch,
  releaseClaim,
} from './claims.js';
import { type LetterContent, type LetterSettings, writeLettersPdf } from './pdf.js';
import { generateProvisionalPassword } from './provisional-password.js';

export const PROVISIONAL_TTL = 30 * DAY;
/** The guide's promise: « sous huit jours ». A letter not posted by then is late. */
export const LETTER_PROMISE = 8 * DAY;
// Argon2id runs on the libuv pool; a few hashes in flight keep every core busy without piling up memory.
const HASH_CONCURRENCY = 4;

export interface BatchDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  readonly hashParams: HashParams;
  readonly settings: LetterSettings;
}

export interface PrintResult {
  readonly batchId: number | null;
  readonly printed: number;
  /** Letters set aside for staff because their address cannot be printed, with the reason. */
  readonly flagged: readonly FlaggedLetter[];
  /**
   * Letters cancelled while the file was being written (the member finished another way): their page is
   * in the file but its password never works; staff take the page out before posting.
   */
  readonly withdrawn: readonly { letterId: number; memberNumber: string; page: number }[];
}

/**
 * Draws the claimed letters into `output`, then records them printed in one transaction. Any failure
 * (a download cut short destroys `output`) releases the claim: the letters are pending again, and the
 * passwords of the partial file never worked.
 */
export async function printClaimedLetters(
  deps: BatchDeps,
  claim: LetterClaim,
  output: NodeJS.WritableStream,
): Promise<PrintResult> {
  try {
    return await drawAndRecord(deps, claim, output, deps.clock.now());
  } catch (error) {
    // Best effort: if even this fails (database gone), the claim goes stale and is taken over in 30 minutes.
    await releaseClaim(
      deps.store,
      claim.batchId,
      claim.createdBy,
      deps.clock.now(),
      error instanceof Error ? error.message : String(error),
    ).catch(() => {});
    throw error;
  }
}

async function drawAndRecord(
  deps: BatchDeps,
  claim: LetterClaim,
  output: NodeJS.WritableStream,
  now: number,
): Promise<PrintResult> {
  const { batchId, letters, createdBy } = claim;
  const hashes = new Map<number, string>();
  const expiresAt = now + PROVISIONAL_TTL;
  async function* contents(): AsyncGenerator<LetterContent> {
    // Hash a few letters ahead of the page being drawn; clear passwords live only until their page is out.
    for (let i = 0; i < letters.length; i += HASH_CONCURRENCY) {
      const slice = letters.slice(i, i + HASH_CONCURRENCY);
      const made = await Promise.all(
        slice.map(async (p) => {
          const password = generateProvisionalPassword(deps.random);
          hashes.set(p.id, await hashPassword(password, deps.hashParams));
          return {
            memberNumber: p.memberNumber,
            addressLines: p.lines,
            provisionalPassword: password,
            expiresAt,
            date: now,
          };
        }),
      );
      yield* made;
    }
  }
  await writeLettersPdf(contents(), output, deps.settings);
  let printed = 0;
  const withdrawn: { letterId: number; memberNumber: string; page: number }[] = [];
  await deps.store.db.transaction().execute(async (trx) => {
    const still = await trx
      .updateTable('letter_batches')
      .set({ status: 'printed' })
      .where('id', '=', batchId)
      .where('status', '=', 'printing')
      .executeTakeFirst();
    // Only a print that outlived STALE_CLAIM gets here: a later print took its letters over.
    if (Number(still.numUpdatedRows) !== 1)
      throw new LetterBatchError(
        `le lot ${batchId} a été abandonné pendant son impression (trop longue) : ce fichier n’est pas valable, détruisez-le`,
      );
    for (const [index, p] of letters.entries()) {
      const res = await trx
        .updateTable('letters')
        .set({
          status: 'printed',
          printed_at: now,
          provisional_hash: hashes.get(p.id) ?? null,
          provisional_expires_at: expiresAt,
        })
        .where('id', '=', p.id)
        .where('batch_id', '=', batchId)
        .where('status', '=', 'requested')
        .executeTakeFirst();
      // The claim keeps other prints away: a letter that is no longer 'requested' was cancelled meanwhile.
      if (Number(res.numUpdatedRows) === 1) printed++;
      else withdrawn.push({ letterId: p.id, memberNumber: p.memberNumber, page: index + 1 });
    }
    await trx
      .updateTable('letter_batches')
      .set({ letter_count: printed })
      .where('id', '=', batchId)
      .execute();
    await recordAudit(
      trx,
      {
        event: 'letter-printed',
        outcome: 'success',
        actor: createdBy,
        details: { batch: batchId, letters: printed, withdrawn: withdrawn.length },
      },
      now,
    );
  });
  return { batchId, printed, flagged: claim.flagged, withdrawn };
}

/** Said when the pending letters are held by another print still running (French, as the CLI speaks). */
export const PRINT_IN_PROGRESS =
  'une impression est déjà en cours : les courriers en attente seront dans ce lot';

/**
 * Claims and prints in one call, for callers with no one to warn in between (the bench, scripts). Nothing
 * pending ends `output` untouched; letters held by another print still running throw LetterBatchError.
 */
export async function printPendingLetters(
  deps: BatchDeps,
  output: NodeJS.WritableStream,
  createdBy: string,
  onlyIds?: readonly number[],
): Promise<PrintResult> {
  return printClaimOutcome(deps, await claimPendingLetters(deps, createdBy, onlyIds), output);
}

/** Prints a claim; an empty outcome ends `output` untouched, a busy one throws LetterBatchError. */
export async function printClaimOutcome(
  deps: BatchDeps,
  outcome: ClaimOutcome,
  output: NodeJS.WritableStream,
): Promise<PrintResult> {
  if (outcome.status === 'busy') throw new LetterBatchError(PRINT_IN_PROGRESS);
  if (outcome.status === 'empty') {
    output.end?.();
    return { batchId: null, printed: 0, flagged: outcome.flagged, withdrawn: [] };
  }
  return printClaimedLetters(deps, outcome.claim, output);
}

/** « Marquer comme posté »: every printed letter of the batch is now in the post. */
export async function markBatchPosted(
  store: Store,
  batchId: number,
  now: number,
  by: string,
): Promise<number> {
  return store.db.transaction().execute(async (trx) => {
    const batch = await trx
      .selectFrom('letter_batches')
      .select(['id', 'status'])
      .where('id', '=', batchId)
      .executeTakeFirst();
    if (!batch) throw new LetterBatchError(`lot ${batchId} introuvable`);
    if (batch.status !== 'printed') throw new LetterBatchError(notPrinted(batchId, batch.status));
    const res = await trx
      .updateTable('letters')
      .set({ status: 'posted', posted_at: now })
      .where('batch_id', '=', batchId)
      .where('status', '=', 'printed')
      .executeTakeFirst();
    await trx
      .updateTable('letter_batches')
      .set({ status: 'posted', posted_at: now })
      .where('id', '=', batchId)
      .execute();
    const n = Number(res.numUpdatedRows);
    await recordAudit(
      trx,
      { event: 'letter-posted', outcome: 'success', actor: by, details: { batch: batchId, letters: n } },
      now,
    );
    return n;
  });
}

/**
 * Re-prints a batch (jammed printer, lost file): its letters are cancelled — their passwords stop working at
 * once, since none is kept in clear to print again — and new letters are issued and printed.
 */
export async function reprintBatch(
  deps: BatchDeps,
  batchId: number,
  output: NodeJS.WritableStream,
  by: string,
): Promise<PrintResult> {
  const now = deps.clock.now();
  const newBatch = await deps.store.db.transaction().execute(async (trx) => {
    const batch = await trx
      .selectFrom('letter_batches')
      .select(['status'])
      .where('id', '=', batchId)
      .executeTakeFirst();
    if (!batch) throw new LetterBatchError(`lot ${batchId} introuvable`);
    if (batch.status !== 'printed')
      throw new LetterBatchError(`seul un lot imprimé et non posté peut être réimprimé`);
    const letters = await trx
      .selectFrom('letters')
      .select(['id', 'member_id', 'requested_at', 'requested_by'])
      .where('batch_id', '=', batchId)
      .where('status', '=', 'printed')
      .execute();
    await trx
      .updateTable('letters')
      .set({ status: 'cancelled', cancelled_at: now, cancel_reason: 'reprint', provisional_hash: null })
      .where('batch_id', '=', batchId)
      .where('status', '=', 'printed')
      .execute();
    await trx.updateTable('letter_batches').set({ status: 'reprinted' }).where('id', '=', batchId).execute();
    // The new letters are born claimed by the new batch: no other print can take them in between.
    const claimed = await openBatch(trx, by, now);
    const ids: number[] = [];
    for (const l of letters) {
      // The member's request keeps its date: the eight-day promise runs from the member's request.
      const row = await trx
        .insertInto('letters')
        .values({
          member_id: l.member_id,
          status: 'requested',
          requested_at: l.requested_at,
          requested_by: l.requested_by,
          batch_id: claimed,
          printed_at: null,
          posted_at: null,
          cancelled_at: null,
          cancel_reason: null,
          flag_reason: null,
          provisional_hash: null,
          provisional_expires_at: null,
          provisional_used_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(Number(row.id));
    }
    await recordAudit(
      trx,
      {
        event: 'letter-cancelled',
        outcome: 'info',
        actor: by,
        details: { batch: batchId, reason: 'reprint', letters: ids.length },
      },
      now,
    );
    return claimed;
  });
  return printClaimOutcome(deps, await loadClaim(deps.store, newBatch, by, now), output);
}

function notPrinted(batchId: number, status: string): string {
  if (status === 'posted') return `le lot ${batchId} est déjà posté`;
  if (status === 'reprinted') return `le lot ${batchId} est déjà réimprimé`;
  if (status === 'printing') return `le lot ${batchId} est en cours d’impression`;
  return `le lot ${batchId} n’a pas été imprimé jusqu’au bout (impression interrompue)`;
}

export class LetterBatchError extends Error {
  override name = 'LetterBatchError';
}
