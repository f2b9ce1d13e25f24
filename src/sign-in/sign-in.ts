// Password sign-in (DESIGN.md §2 "Sign in", §4). The anti-robot check has already passed when this runs.
// Every failure returns the same INVALID_CREDENTIALS, whatever its cause (unknown number, closed member,
// no password yet, wrong password): NIST 800-63B §5.2.2 and ASVS 6.3.8 on enumeration.

import { sql } from 'kysely';
import type { AuditEntry } from '../audit/audit.js';
import { auditRow, recordAudit } from '../audit/audit.js';
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
import { createSession, endOtherSessions, newSessionRow } from '../sessions/sessions.js';
import type { Store } from '../store/db.js';
import { accountKey, lockStateOf, recordSignInFailure, recordSignInSuccess } from './lockout.js';

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
  const entry = (e: Omit<AuditEntry, 'actor' | 'ip' | 'userAgent' | 'memberNumber'>): AuditEntry => ({
    ...e,
    actor: `member:${input.memberNumber}`,
    memberNumber: input.memberNumber,
    ip: input.ip,
    userAgent: input.userAgent,
  });
  const audit = (db: Store['db'], e: Parameters<typeof entry>[0]) => recordAudit(db, entry(e), now);

  // The account's throttle and the member in one query: one round trip before the hash (issue 7).
  const found = await store.db
    .selectFrom(sql<{ one: number }>`(select 1 as one)`.as('base'))
    .leftJoin('throttles', (join) => join.on('throttles.key', '=', accountKey(input.memberNumber)))
    .leftJoin('members', (join) => join.on('members.member_number', '=', input.memberNumber))
    .leftJoin('credentials', 'credentials.member_id', 'members.id')
    .select([
      'throttles.consecutive',
      'throttles.window_start',
      'throttles.window_count',
      'throttles.updated_at',
      'members.id',
      'members.status',
      'credentials.password_hash',
      'credentials.must_change',
    ])
    .executeTakeFirstOrThrow();
  const lock = lockStateOf(
    found.consecutive === null
      ? undefined
      : {
          consecutive: found.consecutive,
          window_start: found.window_start ?? 0,
          window_count: found.window_count ?? 0,
          updated_at: found.updated_at ?? 0,
        },
    now,
  );
  if (lock.blockedUntil > 0) {
    await audit(store.db, {
      event: 'sign-in-blocked',
      outcome: 'failure',
      details: { until: lock.blockedUntil },
    });
    throw new SesameError('SIGN_IN_BLOCKED', 'account throttled', { until: lock.blockedUntil });
  }
  const member = found.id === null ? undefined : found;
  const active = member && member.status === 'active' ? member : undefined;

  // The same Argon2id work whether or not the member exists or has a password: comparable timing.
  let passwordOk = false;
  if (active?.password_hash) passwordOk = await verifyPassword(active.password_hash, input.password);
  else await verifyAgainstDummy(input.password, deps.hashParams);

  let provisional: ProvisionalCheck | undefined;
  if (!passwordOk && active)
    provisional = await verifyProvisionalPassword(store, Number(active.id), input.password, now);

  // Reads before the hash, every write after it in one transaction (issue 7): one commit per sign-in, and
  // never a transaction held open across Argon2id work.
  if (!active || (!passwordOk && !provisional)) {
    await store.db.transaction().execute(async (trx) => {
      const after = await recordSignInFailure({ ...store, db: trx }, input.memberNumber, now);
      await audit(trx, { event: 'sign-in', outcome: 'failure', memberId: active ? Number(active.id) : null });
      if (after.blockedUntil > 0 && lock.blockedUntil === 0) {
        await audit(trx, {
          event: 'lock',
          outcome: 'info',
          details: { until: after.blockedUntil, failures: after.dayCount },
        });
      }
    });
    throw new SesameError('INVALID_CREDENTIALS');
  }

  const memberId = Number(active.id);
  // Parameters were raised since this hash was made: upgrade it now that we hold the password (OWASP).
  const upgraded =
    passwordOk && active.password_hash && needsRehash(active.password_hash, deps.hashParams)
      ? await hashPassword(input.password, deps.hashParams)
      : undefined;
  const mustChangePassword = Boolean(provisional) || active.must_change === 1;
  const session = {
    subjectType: 'member',
    subjectId: memberId,
    ip: input.ip,
    userAgent: input.userAgent,
    mustChangePassword,
  } as const;
  if (store.dialect === 'postgres' && !provisional && !upgraded) {
    // The usual case on PostgreSQL in one statement, hence one round trip and one commit: the parts of a
    // WITH that write run exactly once, atomically with the main statement.
    const { token, row } = newSessionRow(session, now, deps.random);
    await store.db
      .with('reset', (db) =>
        db
          .updateTable('throttles')
          .set({ consecutive: 0 })
          .where('key', '=', accountKey(input.memberNumber))
          .where('consecutive', '>', 0),
      )
      .with('session', (db) => db.insertInto('sessions').values(row))
      .insertInto('audit_events')
      .values(auditRow(entry({ event: 'sign-in', outcome: 'success', memberId, details: {} }), now))
      .execute();
    return { memberId, token, mustChangePassword };
  }
  return store.db.transaction().execute(async (trx) => {
    if (provisional) {
      // Single use: spent atomically; a concurrent second use of the same letter loses here.
      if (!(await spendProvisionalPassword({ ...store, db: trx }, provisional, now)))
        throw new SesameError('INVALID_CREDENTIALS', 'provisional raced');
      // Issue 5: using the letter's password ends the member's other sessions (whoever held the old one).
      await endOtherSessions(trx, 'member', memberId);
      await audit(trx, {
        event: 'provisional-password-used',
        outcome: 'success',
        memberId,
        details: { letter: provisional.letterId },
      });
    }
    await recordSignInSuccess({ ...store, db: trx }, input.memberNumber);
    if (upgraded) {
      await trx
        .updateTable('credentials')
        .set({ password_hash: upgraded })
        .where('member_id', '=', memberId)
        .execute();
    }
    const { token } = await createSession(trx, session, now, deps.random);
    await audit(trx, {
      event: 'sign-in',
      outcome: 'success',
      memberId,
      details: provisional ? { provisional: true } : {},
    });
    return { memberId, token, mustChangePassword };
  });
}
