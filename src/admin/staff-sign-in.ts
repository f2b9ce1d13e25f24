// Staff sign-in in two steps (issue 6): password (same anti-robot, per-IP limit and lockout as members),
// then TOTP. Until the TOTP passes the session has second_factor = 0 and opens nothing but the code page.
// Wrong passwords and wrong codes feed the same lockout (CNIL 2022-100 case 2), keyed `staff:<username>`
// so that a member number can never share a counter with a staff name.
import { type AuditEntry, recordAudit } from '../audit/audit.js';
import { SesameError } from '../errors.js';
import { type HashParams, verifyAgainstDummy, verifyPassword } from '../passwords/hashing.js';
import type { Clock } from '../platform/clock.js';
import { MINUTE } from '../platform/clock.js';
import type { KeyedHasher } from '../platform/keyed-hash.js';
import type { Random } from '../platform/random.js';
import { createSession, endSession, type Session } from '../sessions/sessions.js';
import { readLockState, recordSignInFailure, recordSignInSuccess } from '../sign-in/lockout.js';
import type { Store } from '../store/db.js';
import { findStaffById, findStaffByUsername, normaliseUsername } from './staff.js';
import {
  generateTotpSecret,
  matchTotpStep,
  normaliseTotpInput,
  openTotpSecret,
  sealTotpSecret,
} from './totp.js';

export interface StaffSignInDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  readonly hasher: KeyedHasher;
  readonly hashParams: HashParams;
}

export interface Client {
  readonly ip: string;
  readonly userAgent: string;
}

/** A password-only session must reach the code step quickly; after this it is thrown away. */
export const SECOND_FACTOR_DEADLINE = 10 * MINUTE;

export function staffLockKey(username: string): string {
  return `staff:${username}`;
}

function audit(
  deps: StaffSignInDeps,
  e: Omit<AuditEntry, 'ip' | 'userAgent'>,
  client: Client,
): Promise<void> {
  return recordAudit(deps.store.db, { ...e, ip: client.ip, userAgent: client.userAgent }, deps.clock.now());
}

/** Step 1. Same INVALID_CREDENTIALS for an unknown name, a disabled account or a wrong password. */
export async function signInStaffWithPassword(
  deps: StaffSignInDeps,
  input: Client & { readonly username: string; readonly password: string },
): Promise<{ token: string; staffId: number; enrolled: boolean }> {
  const now = deps.clock.now();
  const typed = input.username.trim().toLowerCase().slice(0, 64);
  const username = normaliseUsername(typed);
  const key = staffLockKey(typed);
  const actor = `staff:${typed}`;
  const lock = await readLockState(deps.store, key, now);
  if (lock.blockedUntil > 0) {
    await audit(
      deps,
      { event: 'staff-sign-in', outcome: 'failure', actor, details: { reason: 'blocked' } },
      input,
    );
    throw new SesameError('SIGN_IN_BLOCKED', 'staff throttled', { until: lock.blockedUntil });
  }
  const row = username ? await findStaffByUsername(deps.store.db, username) : undefined;
  const active = row?.status === 'active' ? row : undefined;
  let ok = false;
  if (active) ok = await verifyPassword(active.password_hash, input.password);
  else await verifyAgainstDummy(input.password, deps.hashParams);
  if (!active || !ok) {
    await recordSignInFailure(deps.store, key, now);
    await audit(
      deps,
      {
        event: 'staff-sign-in',
        outcome: 'failure',
        actor,
        staffId: active?.id ?? null,
        details: { step: 'password' },
      },
      input,
    );
    throw new SesameError('INVALID_CREDENTIALS', 'staff password');
  }
  const { token } = await createSession(
    deps.store.db,
    {
      subjectType: 'staff',
      subjectId: active.id,
      ip: input.ip,
      userAgent: input.userAgent,
      secondFactor: false,
    },
    now,
    deps.random,
  );
  await audit(
    deps,
    { event: 'staff-sign-in', outcome: 'info', actor, staffId: active.id, details: { step: 'password' } },
    input,
  );
  return { token, staffId: active.id, enrolled: active.totp_enrolled_at !== null };
}

/** The pending enrolment secret, made on first need and kept until the first good code. */
export async function pendingEnrolmentSecret(
  deps: StaffSignInDeps,
  staffId: number,
): Promise<string | undefined> {
  const row = await findStaffById(deps.store.db, staffId);
  if (!row || row.totp_enrolled_at !== null) return undefined;
  if (row.totp_secret) return openTotpSecret(deps.hasher, row.totp_secret);
  const secret = generateTotpSecret(deps.random, deps.clock.now());
  // Only fills an empty slot: two tabs opening the page at once end up showing the same secret.
  await deps.store.db
    .updateTable('staff')
    .set({ totp_secret: sealTotpSecret(deps.hasher, deps.random, secret) })
    .where('id', '=', staffId)
    .where('totp_secret', 'is', null)
    .where('totp_enrolled_at', 'is', null)
    .execute();
  const again = await findStaffById(deps.store.db, staffId);
  return again?.totp_secret ? openTotpSecret(deps.hasher, again.totp_secret) : undefined;
}

/**
 * Step 2 (and enrolment: the first good code enrols). A code is spent by raising totp_last_step in one
 * guarded UPDATE, so a replayed code, or the same code sent twice at once, is refused (NIST §5.1.4.2).
 * On success the password-only session is replaced by a new one: a new token at each privilege change.
 */
export async function confirmStaffSecondFactor(
  deps: StaffSignInDeps,
  session: Session,
  input: Client & { readonly code: string },
): Promise<{ token: string; enrolledNow: boolean }> {
  const now = deps.clock.now();
  const row = await findStaffById(deps.store.db, session.subjectId);
  if (row?.status !== 'active') throw new SesameError('SESSION_REQUIRED', 'staff gone');
  const key = staffLockKey(row.username);
  const actor = `staff:${row.username}`;
  const lock = await readLockState(deps.store, key, now);
  if (lock.blockedUntil > 0) {
    await audit(
      deps,
      {
        event: 'staff-sign-in',
        outcome: 'failure',
        actor,
        staffId: row.id,
        details: { step: 'totp', reason: 'blocked' },
      },
      input,
    );
    throw new SesameError('SIGN_IN_BLOCKED', 'staff throttled', { until: lock.blockedUntil });
  }
  const secret = row.totp_secret ? openTotpSecret(deps.hasher, row.totp_secret) : undefined;
  const step = secret ? matchTotpStep(secret, normaliseTotpInput(input.code), now) : null;
  let spent = false;
  if (step !== null) {
    const enrolling = row.totp_enrolled_at === null;
    const res = await deps.store.db
      .updateTable('staff')
      .set({ totp_last_step: step, ...(enrolling ? { totp_enrolled_at: now } : {}) })
      .where('id', '=', row.id)
      .where('totp_last_step', '<', step)
      .executeTakeFirst();
    spent = Number(res.numUpdatedRows) === 1;
  }
  if (!spent) {
    await recordSignInFailure(deps.store, key, now);
    const reason = step === null ? 'wrong' : 'replayed';
    await audit(
      deps,
      {
        event: 'staff-sign-in',
        outcome: 'failure',
        actor,
        staffId: row.id,
        details: { step: 'totp', reason },
      },
      input,
    );
    throw new SesameError('TOTP_INVALID', `staff totp ${reason}`);
  }
  await recordSignInSuccess(deps.store, key);
  await endSession(deps.store.db, session.id);
  const { token } = await createSession(
    deps.store.db,
    { subjectType: 'staff', subjectId: row.id, ip: input.ip, userAgent: input.userAgent, secondFactor: true },
    now,
    deps.random,
  );
  const enrolledNow = row.totp_enrolled_at === null;
  if (enrolledNow)
    await audit(deps, { event: 'staff-totp-enrolled', outcome: 'success', actor, staffId: row.id }, input);
  await audit(
    deps,
    { event: 'staff-sign-in', outcome: 'success', actor, staffId: row.id, details: { step: 'totp' } },
    input,
  );
  return { token, enrolledNow };
}
