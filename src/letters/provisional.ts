// The provisional password of a postal letter (DESIGN.md §2 "Postal letter", §4): valid 30 days, single
// use, entered on the ordinary sign-in page. Only its Argon2id hash is stored; the member's current
// password keeps working until the provisional one is used, so ordering letters cannot lock anyone out.
import { verifyPassword } from '../passwords/hashing.js';
import type { Store } from '../store/db.js';
import { isProvisionalPasswordShape, normaliseProvisionalInput } from './provisional-password.js';

export interface ProvisionalCheck {
  readonly letterId: number;
}

/** The letter whose live provisional password matches, if any. */
export async function verifyProvisionalPassword(
  store: Store,
  memberId: number,
  typed: string,
  now: number,
): Promise<ProvisionalCheck | undefined> {
  const candidates = await store.db
    .selectFrom('letters')
    .select(['id', 'provisional_hash'])
    .where('member_id', '=', memberId)
    .where('status', 'in', ['printed', 'posted'])
    .where('provisional_used_at', 'is', null)
    .where('provisional_expires_at', '>', now)
    .execute();
  if (candidates.length === 0) return undefined;
  const normalised = normaliseProvisionalInput(typed);
  // Most typed passwords cannot be a provisional one at all: no Argon2id work for them.
  if (!isProvisionalPasswordShape(normalised)) return undefined;
  for (const c of candidates) {
    if (c.provisional_hash && (await verifyPassword(c.provisional_hash, normalised)))
      return { letterId: Number(c.id) };
  }
  return undefined;
}

/** Spends it atomically: exactly one concurrent use wins (STYLE.md §3). */
export async function spendProvisionalPassword(
  store: Store,
  check: ProvisionalCheck,
  now: number,
): Promise<boolean> {
  const res = await store.db
    .updateTable('letters')
    .set({ provisional_used_at: now })
    .where('id', '=', check.letterId)
    .where('provisional_used_at', 'is', null)
    .where('provisional_expires_at', '>', now)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
