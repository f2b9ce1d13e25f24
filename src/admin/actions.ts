// What staff may do to a member's account (issue 6), each recorded in the audit trail with the staff
// member's name (DESIGN.md §4 last row). None of them reads or shows a secret.
import { recordAudit } from '../audit/audit.js';
import { type LetterRequestAnswer, requestLetter } from '../letters/requests.js';
import { cancelLetter } from '../letters/status.js';
import type { Clock } from '../platform/clock.js';
import { endOtherSessions } from '../sessions/sessions.js';
import { clearLock } from '../sign-in/lockout.js';
import type { Store } from '../store/db.js';

export interface ActionDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly letterIntervalDays: number;
}

/** Who acts, from where: every action's audit row carries it. */
export interface StaffActor {
  readonly id: number;
  readonly username: string;
  readonly ip: string;
  readonly userAgent: string;
}

export interface TargetMember {
  readonly id: number;
  readonly number: string;
}

export type StaffAction = 'unlock' | 'end-sessions' | 'order-letter' | 'cancel-letter';

function auditAction(
  deps: ActionDeps,
  actor: StaffActor,
  member: TargetMember,
  event: 'member-unlocked' | 'member-sessions-ended' | 'letter-requested' | 'letter-cancelled',
  outcome: 'success' | 'failure',
  details: Record<string, string | number | boolean> = {},
): Promise<void> {
  return recordAudit(
    deps.store.db,
    {
      event,
      outcome,
      actor: `staff:${actor.username}`,
      staffId: actor.id,
      memberId: member.id,
      memberNumber: member.number,
      ip: actor.ip,
      userAgent: actor.userAgent,
      details: { ...details, by: actor.username },
    },
    deps.clock.now(),
  );
}

/** Ends the wait after failed sign-ins (CNIL 2022-100: an unlock by a human who checked the caller). */
export async function unlockMember(deps: ActionDeps, actor: StaffActor, member: TargetMember): Promise<void> {
  await clearLock(deps.store, member.number);
  await auditAction(deps, actor, member, 'member-unlocked', 'success');
}

/** Signs the member out of every device (a stolen phone, a shared computer). */
export async function endMemberSessions(
  deps: ActionDeps,
  actor: StaffActor,
  member: TargetMember,
): Promise<number> {
  const ended = await endOtherSessions(deps.store.db, 'member', member.id);
  await auditAction(deps, actor, member, 'member-sessions-ended', 'success', { sessions: ended });
  return ended;
}

/** Orders a letter with a provisional password; the one-letter-per-interval rule holds for staff too. */
export async function orderLetterForMember(
  deps: ActionDeps,
  actor: StaffActor,
  member: TargetMember,
): Promise<LetterRequestAnswer> {
  const now = deps.clock.now();
  const answer = await deps.store.db.transaction().execute((trx) =>
    requestLetter(trx, deps.store.dialect, {
      memberId: member.id,
      requestedBy: `staff:${actor.username}`,
      now,
      intervalDays: deps.letterIntervalDays,
    }),
  );
  await auditAction(
    deps,
    actor,
    member,
    'letter-requested',
    answer.status === 'queued' ? 'success' : 'failure',
    {
      answer: answer.status,
    },
  );
  return answer;
}

/** Letters staff may still cancel: not posted yet. A printed one's provisional password stops working. */
export const CANCELLABLE_LETTER_STATUSES: readonly string[] = ['requested', 'flagged', 'printed'];

/** Cancels a letter not yet posted; false when it is not this member's or is already posted or cancelled. */
export async function cancelMemberLetter(
  deps: ActionDeps,
  actor: StaffActor,
  member: TargetMember,
  letterId: number,
): Promise<boolean> {
  const own = await deps.store.db
    .selectFrom('letters')
    .select('id')
    .where('id', '=', letterId)
    .where('member_id', '=', member.id)
    .executeTakeFirst();
  const done =
    own !== undefined &&
    (await cancelLetter(deps.store, letterId, `staff:${actor.username}`, deps.clock.now()));
  await auditAction(deps, actor, member, 'letter-cancelled', done ? 'success' : 'failure', {
    letter: letterId,
  });
  return done;
}
