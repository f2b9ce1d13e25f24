// Letter batches (issue 5): the day's pending letters become one PDF, one letter per page, sorted by
// postal code for the postal rate. Each letter moves requested → printed (batch) → posted, or cancelled.
// The provisional password exists in clear only inside the PDF written to the operator's path; the
// database keeps its Argon2id hash (DESIGN.md §4, ASVS 6.4.1).
import { recordAudit } from '../audit/audit.js';
import { type HashParams, hashPassword } from '../passwords/hashing.js';
import { type Clock, DAY } from '../platform/clock.js';
import type { Random } from '../platform/random.js';
import type { Store } from '../store/db.js';
import { formatPostalAddress } from './address.js';
import { type LetterContent, type LetterSettings, unprintableCharacters, writeLettersPdf } from './pdf.js';
import { generateProvisionalPassword } from './provisional-password.js';
import { newLetterRow } from './requests.js';

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
  readonly flagged: readonly { letterId: number; memberNumber: string; reason: string }[];
  /**
   * Letters cancelled while the file was being written (the member finished another way): their page is
   * in the file but its password never works; staff take the page out before posting.
   */
  readonly withdrawn: readonly { letterId: number; memberNumber: string; page: number }[];
}

interface Pending {
  readonly id: number;
  readonly memberNumber: string;
  readonly lines: string[];
}

/** The pending letters, addresses formatted; unprintable ones are flagged for staff with the reason. */
async function collectPending(store: Store, now: number, onlyIds?: readonly number[]) {
  let q = store.db
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
    .where('letters.status', '=', 'requested')
    .orderBy('members.postal_code')
    .orderBy('letters.id');
  if (onlyIds) q = q.where('letters.id', 'in', onlyIds.length ? [...onlyIds] : [-1]);
  const rows = await q.execute();
  const pending: Pending[] = [];
  const flagged: { letterId: number; memberNumber: string; reason: string }[] = [];
  for (const r of rows) {
    const address = formatPostalAddress(r);
    const unprintable = unprintableCharacters(address.lines.join(''));
    const problems = [
      ...address.problems,
      ...(unprintable.length ? [`caractères non imprimables : ${unprintable.join(' ')}`] : []),
    ];
    if (problems.length > 0)
      flagged.push({ letterId: Number(r.id), memberNumber: r.member_number, reason: problems.join(' ; ') });
    else pending.push({ id: Number(r.id), memberNumber: r.member_number, lines: address.lines });
  }
  if (flagged.length) {
    await store.db.transaction().execute(async (trx) => {
      for (const f of flagged) {
        await trx
          .updateTable('letters')
          .set({ status: 'flagged', flag_reason: f.reason.slice(0, 500) })
          .where('id', '=', f.letterId)
          .execute();
      }
    });
  }
  return { pending, flagged, now };
}

/**
 * Prints every pending letter into `output` and records the batch. The PDF is written first and the batch
 * committed after, in one transaction: a crash in between leaves the letters pending (the passwords in
 * the lost file never worked), so the next run prints them again. If another print recorded some of these
 * letters meanwhile, this run records nothing and throws LetterBatchError: its file is void.
 */
export async function printPendingLetters(
  deps: BatchDeps,
  output: NodeJS.WritableStream,
  createdBy: string,
  onlyIds?: readonly number[],
): Promise<PrintResult> {
  const now = deps.clock.now();
  const { pending, flagged } = await collectPending(deps.store, now, onlyIds);
  if (pending.length === 0) {
    output.end?.();
    return { batchId: null, printed: 0, flagged, withdrawn: [] };
  }
  const hashes = new Map<number, string>();
  const expiresAt = now + PROVISIONAL_TTL;
  async function* contents(): AsyncGenerator<LetterContent> {
    // Hash a few letters ahead of the page being drawn; clear passwords live only until their page is out.
    for (let i = 0; i < pending.length; i += HASH_CONCURRENCY) {
      const slice = pending.slice(i, i + HASH_CONCURRENCY);
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
  const { pages } = await writeLettersPdf(contents(), output, deps.settings);
  let batchId = 0;
  let printed = 0;
  const withdrawn: { letterId: number; memberNumber: string; page: number }[] = [];
  await deps.store.db.transaction().execute(async (trx) => {
    const batch = await trx
      .insertInto('letter_batches')
      .values({
        created_at: now,
        created_by: createdBy,
        letter_count: pages,
        status: 'printed',
        posted_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    batchId = Number(batch.id);
    const missed: { letterId: number; memberNumber: string; page: number }[] = [];
    for (const [index, p] of pending.entries()) {
      const res = await trx
        .updateTable('letters')
        .set({
          status: 'printed',
          batch_id: batchId,
          printed_at: now,
          provisional_hash: hashes.get(p.id) ?? null,
          provisional_expires_at: expiresAt,
        })
        .where('id', '=', p.id)
        .where('status', '=', 'requested')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) printed++;
      else missed.push({ letterId: p.id, memberNumber: p.memberNumber, page: index + 1 });
    }
    if (missed.length > 0) {
      const ids = missed.map((m) => m.letterId);
      const states = await trx
        .selectFrom('letters')
        .select(['id', 'status'])
        .where('id', 'in', ids)
        .execute();
      const taken = states.filter((l) => l.status !== 'cancelled').length;
      // Another print took these letters while this file was written (two staff printing at once): recording
      // this batch too would send members two letters, one with a dead password. Nothing is kept of this run.
      if (taken > 0)
        throw new LetterBatchError(
          `${taken} courrier(s) de ce fichier ont été imprimés en même temps par une autre impression : ce fichier n’est pas valable, détruisez-le`,
        );
      withdrawn.push(...missed);
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
  return { batchId, printed, flagged, withdrawn };
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
    if (batch.status !== 'printed')
      throw new LetterBatchError(
        `le lot ${batchId} est déjà ${batch.status === 'posted' ? 'posté' : 'réimprimé'}`,
      );
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
  const newIds = await deps.store.db.transaction().execute(async (trx) => {
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
    const ids: number[] = [];
    for (const l of letters) {
      // The member's request keeps its date: the eight-day promise runs from the member's request.
      const row = await trx
        .insertInto('letters')
        .values(newLetterRow(l.member_id, l.requested_by, l.requested_at))
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
    return ids;
  });
  return printPendingLetters(deps, output, by, newIds);
}

export class LetterBatchError extends Error {
  override name = 'LetterBatchError';
}
