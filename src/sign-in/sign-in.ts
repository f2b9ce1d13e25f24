// Password sign-in (DESIGN.md §2 "Sign in", §4). The anti-robot check has already passed when this runs.
// Every failure returns the same INVALID_CREDENTIALS, whatever its cause (unknown number, closed member,
// no password yet, wrong password): NIST 800-63B §5.2.2 and ASVS 6.3.8 on enumeration.
import type { AuditEntry } from '../audit/audit.js';
import { recordAudit } from '../audit/audit.js';
import { SesameError } from '../errors.js';
import {
  type ProvisionalCheck,
  spendProvisionalPassword,
  verifyProvisionalPassword,
} from '../letters/provisional.js';
import {
  type HashParams,
  hashPassword,
  needsRehash,
  verifyAgainstDummy,
  verifyPassword,
} from '../passwords/hashing.js';
import type { Clock } from '../platform/clock.js';
import type { Random } from '../platform/random.js';
import { createSession, endOtherSessions } from '../sessions/sessions.js';
import type { Store } from '../store/db.js';
import { readLockState, recordSignInFailure, recordSignInSuccess } from './lockout.js';

export interface SignInDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  readonly hashParams: HashParams;
}

export interface SignInInput {
  readonly memberNumber: string;
  readonly password: string;
  readonly ip: string;
  readonly userAgent: string;
}

export interface SignInSuccess {
  readonly memberId: number;
  readonly token: string;
  /** Signed in with a letter's provisional password: a new password must be chosen first. */
  readonly mustChangePassword: boolean;
}

export async function signInWithPassword(deps: SignInDeps, input: SignInInput): Promise<SignInSuccess> {
  const { store, clock } = deps;
  const now = clock.now();
  const audit = (e: Omit<AuditEntry, 'actor' | 'ip' | 'userAgent' | 'memberNumber'>) =>
    recordAudit(
      store.db,
      {
        ...e,
        actor: `member:${input.memberNumber}`,
        memberNumber: input.memberNumber,
        ip: input.ip,
        userAgent: input.userAgent,
      },
      now,
    );

  const lock = await readLockState(store, input.memberNumber, now);
  if (lock.blockedUntil > 0) {
    await audit({ event: 'sign-in-blocked', outcome: 'failure', details: { until: lock.blockedUntil } });
    throw new SesameError('SIGN_IN_BLOCKED', 'account throttled', { until: lock.blockedUntil });
  }

  const member = await store.db
    .selectFrom('members')
    .leftJoin('credentials', 'credentials.member_id', 'members.id')
    .select(['members.id', 'members.status', 'credentials.password_hash', 'credentials.must_change'])
    .where('members.member_number', '=', input.memberNumber)
    .executeTakeFirst();
  const active = member && member.status === 'active' ? member : undefined;

  // The same Argon2id work whether or not the member exists or has a password: comparable timing.
  let passwordOk = false;
  if (active?.password_hash) passwordOk = await verifyPassword(active.password_hash, input.password);
  else await verifyAgainstDummy(input.password, deps.hashParams);

  let provisional: ProvisionalCheck | undefined;
  if (!passwordOk && active)
    provisional = await verifyProvisionalPassword(store, Number(active.id), input.password, now);

  if (!active || (!passwordOk && !provisional)) {
    const after = await recordSignInFailure(store, input.memberNumber, now);
    await audit({ event: 'sign-in', outcome: 'failure', memberId: active ? Number(active.id) : null });
    if (after.blockedUntil > 0 && lock.blockedUntil === 0) {
      await audit({
        event: 'lock',
        outcome: 'info',
        details: { until: after.blockedUntil, failures: after.dayCount },
      });
    }
    throw new SesameError('INVALID_CREDENTIALS');
  }

  const memberId = Number(active.id);
  if (provisional) {
    // Single use: spent atomically; a concurrent second use of the same letter loses here.
    if (!(await spendProvisionalPassword(store, provisional, now)))
      throw new SesameError('INVALID_CREDENTIALS', 'provisional raced');
    // Issue 5: using the letter's password ends the member's other sessions (whoever held the old one).
    await endOtherSessions(store.db, 'member', memberId);
    await audit({
      event: 'provisional-password-used',
      outcome: 'success',
      memberId,
      details: { letter: provisional.letterId },
    });
  }
  await recordSignInSuccess(store, input.memberNumber);
  if (passwordOk && active.password_hash && needsRehash(active.password_hash, deps.hashParams)) {
    // Parameters were raised since this hash was made: upgrade it now that we hold the password (OWASP).
    const upgraded = await hashPassword(input.password, deps.hashParams);
    await store.db
      .updateTable('credentials')
      .set({ password_hash: upgraded })
      .where('member_id', '=', memberId)
      .execute();
  }
  const mustChangePassword = Boolean(provisional) || active.must_change === 1;
  const { token } = await createSession(
    store.db,
    {
      subjectType: 'member',
      subjectId: memberId,
      ip: input.ip,
      userAgent: input.userAgent,
      mustChangePassword,
    },
    now,
    deps.random,
  );
  await audit({
    event: 'sign-in',
    outcome: 'success',
    memberId,
    details: provisional ? { provisional: true } : {},
  });
  return { memberId, token, mustChangePassword };
}
