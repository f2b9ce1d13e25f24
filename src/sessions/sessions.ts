// Sessions (DESIGN.md §4, ASVS 7.2): a 256-bit random token in the cookie, only its SHA-256 stored; a new
// token at every sign-in (no fixation); idle and absolute expiry checked on the server.
import { HOUR, MINUTE } from '../platform/clock.js';
import { sha256 } from '../platform/keyed-hash.js';
import { type Random, token as randomToken } from '../platform/random.js';
import type { Store } from '../store/db.js';
import type { SessionTable } from '../store/tables.js';

export type SubjectType = SessionTable['subject_type'];

export const SESSION_LIMITS: Readonly<Record<SubjectType, { idle: number; absolute: number }>> = {
  member: { idle: 30 * MINUTE, absolute: 12 * HOUR },
  // Staff see many members' data: shorter idle time (issue 6).
  staff: { idle: 15 * MINUTE, absolute: 10 * HOUR },
};

// Writing last_seen_at on every request would double the writes of a busy member space; a minute of
// slack on a 30-minute idle limit is harmless.
const TOUCH_EVERY = MINUTE;

export interface Session {
  readonly id: string;
  readonly subjectType: SubjectType;
  readonly subjectId: number;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
  readonly ip: string;
  readonly userAgent: string;
  readonly mustChangePassword: boolean;
  readonly secondFactor: boolean;
}

export interface NewSession {
  readonly subjectType: SubjectType;
  readonly subjectId: number;
  readonly ip: string;
  readonly userAgent: string;
  readonly mustChangePassword?: boolean;
  readonly secondFactor?: boolean;
}

function toSession(row: SessionTable): Session {
  return {
    id: row.id,
    subjectType: row.subject_type,
    subjectId: Number(row.subject_id),
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    ip: row.ip,
    userAgent: row.user_agent,
    mustChangePassword: row.must_change_password === 1,
    secondFactor: row.second_factor === 1,
  };
}

/** A new session's row and its cookie token, not yet written (createSession writes it). */
export function newSessionRow(
  input: NewSession,
  now: number,
  random: Random,
): { token: string; row: SessionTable } {
  const token = randomToken(random, 32);
  const row: SessionTable = {
    id: sha256(token),
    subject_type: input.subjectType,
    subject_id: input.subjectId,
    created_at: now,
    last_seen_at: now,
    expires_at: now + SESSION_LIMITS[input.subjectType].absolute,
    ip: input.ip,
    user_agent: input.userAgent.slice(0, 300),
    must_change_password: input.mustChangePassword ? 1 : 0,
    second_factor: input.secondFactor ? 1 : 0,
  };
  return { token, row };
}

/** Creates a session and returns the cookie token (the only place it exists in clear). */
export async function createSession(
  db: Store['db'],
  input: NewSession,
  now: number,
  random: Random,
): Promise<{ token: string; session: Session }> {
  const { token, row } = newSessionRow(input, now, random);
  await db.insertInto('sessions').values(row).execute();
  return { token, session: toSession(row) };
}

/** The live session behind a cookie token, or null (unknown, idle too long, past its absolute limit). */
export async function validateSession(
  store: Store,
  token: string,
  subjectType: SubjectType,
  now: number,
): Promise<Session | null> {
  if (token.length < 40 || token.length > 64) return null;
  const id = sha256(token);
  const row = await store.db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', id)
    .where('subject_type', '=', subjectType)
    .executeTakeFirst();
  if (!row) return null;
  const limits = SESSION_LIMITS[subjectType];
  if (now >= row.expires_at || now - row.last_seen_at >= limits.idle) {
    await store.db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  if (now - row.last_seen_at >= TOUCH_EVERY) {
    await store.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
    row.last_seen_at = now;
  }
  return toSession(row);
}

export async function updateSessionFlags(
  store: Store,
  id: string,
  flags: { mustChangePassword?: boolean; secondFactor?: boolean },
): Promise<void> {
  const set: Partial<SessionTable> = {};
  if (flags.mustChangePassword !== undefined) set.must_change_password = flags.mustChangePassword ? 1 : 0;
  if (flags.secondFactor !== undefined) set.second_factor = flags.secondFactor ? 1 : 0;
  await store.db.updateTable('sessions').set(set).where('id', '=', id).execute();
}

export async function endSession(db: Store['db'], id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Ends every session of a subject but `exceptId` (after a password change: ASVS 7.4.3). */
export async function endOtherSessions(
  db: Store['db'],
  subjectType: SubjectType,
  subjectId: number,
  exceptId?: string,
): Promise<number> {
  let q = db
    .deleteFrom('sessions')
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId);
  if (exceptId) q = q.where('id', '!=', exceptId);
  const res = await q.executeTakeFirst();
  return Number(res.numDeletedRows);
}

export async function listSessions(
  store: Store,
  subjectType: SubjectType,
  subjectId: number,
  now: number,
): Promise<Session[]> {
  const rows = await store.db
    .selectFrom('sessions')
    .selectAll()
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .where('expires_at', '>', now)
    .where('last_seen_at', '>', now - SESSION_LIMITS[subjectType].idle)
    .orderBy('last_seen_at', 'desc')
    .execute();
  return rows.map(toSession);
}

export async function purgeExpiredSessions(store: Store, now: number): Promise<void> {
  await store.db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - SESSION_LIMITS.member.idle)]),
    )
    .execute();
}
