// Failed sign-ins per account (DESIGN.md §4, CNIL 2022-100 case 2): after 5 consecutive failures a
// growing wait (1 min, doubling), at most 25 failures in 24 h, then password sign-in is refused until a
// recovery succeeds or the day has passed. Never a permanent lock. The state lives in the shared
// database so that every process agrees, and is keyed by the number as typed so that unknown numbers
// are throttled exactly like real ones (no enumeration through lockout behaviour).
import { sql } from 'kysely';
import { DAY, MINUTE } from '../platform/clock.js';
import type { Store } from '../store/db.js';

export const FREE_FAILURES = 5;
export const MAX_FAILURES_PER_DAY = 25;

export interface LockState {
  readonly consecutive: number;
  readonly dayCount: number;
  /** 0 when sign-in is allowed now; otherwise when it will be. */
  readonly blockedUntil: number;
}

/** Wait imposed after the n-th consecutive failure: none up to 5, then 1 min doubling, at most a day. */
export function waitAfter(consecutive: number): number {
  if (consecutive < FREE_FAILURES) return 0;
  return Math.min(MINUTE * 2 ** (consecutive - FREE_FAILURES), DAY);
}

export function lockStateOf(
  row: { consecutive: number; window_start: number; window_count: number; updated_at: number } | undefined,
  now: number,
): LockState {
  if (!row) return { consecutive: 0, dayCount: 0, blockedUntil: 0 };
  const dayCount = row.window_start > now - DAY ? row.window_count : 0;
  let until = row.updated_at + waitAfter(row.consecutive);
  if (dayCount >= MAX_FAILURES_PER_DAY) until = Math.max(until, row.window_start + DAY);
  return { consecutive: row.consecutive, dayCount, blockedUntil: until > now ? until : 0 };
}

/** The throttles row of an account (keyed by the number as typed: unknown numbers are throttled alike). */
export const accountKey = (memberNumber: string): string => `account:${memberNumber}`;

export async function readLockState(store: Store, memberNumber: string, now: number): Promise<LockState> {
  const row = await store.db
    .selectFrom('throttles')
    .select(['consecutive', 'window_start', 'window_count', 'updated_at'])
    .where('key', '=', accountKey(memberNumber))
    .executeTakeFirst();
  return lockStateOf(row, now);
}

/** Records one failure atomically (one statement, safe across processes) and returns the new state. */
export async function recordSignInFailure(
  store: Store,
  memberNumber: string,
  now: number,
): Promise<LockState> {
  const dayAgo = now - DAY;
  const row = await store.db
    .insertInto('throttles')
    .values({
      key: accountKey(memberNumber),
      consecutive: 1,
      window_start: now,
      window_count: 1,
      blocked_until: 0,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        consecutive: sql`throttles.consecutive + 1`,
        window_start: sql`case when throttles.window_start <= ${dayAgo} then ${now} else throttles.window_start end`,
        window_count: sql`case when throttles.window_start <= ${dayAgo} then 1 else throttles.window_count + 1 end`,
        updated_at: now,
      }),
    )
    .returning(['consecutive', 'window_start', 'window_count', 'updated_at'])
    .executeTakeFirstOrThrow();
  return lockStateOf(row, now);
}

/** A successful sign-in ends the run of consecutive failures; the 24-hour count stays. */
export async function recordSignInSuccess(store: Store, memberNumber: string): Promise<void> {
  await store.db
    .updateTable('throttles')
    .set({ consecutive: 0 })
    .where('key', '=', accountKey(memberNumber))
    .where('consecutive', '>', 0)
    .execute();
}

/** A completed recovery (or a staff unlock) clears everything: the member proved control of a channel. */
export async function clearLock(store: Store, memberNumber: string): Promise<void> {
  await store.db.deleteFrom('throttles').where('key', '=', accountKey(memberNumber)).execute();
}
