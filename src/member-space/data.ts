// What the member space shows (DESIGN.md §2 "Member space"), read in a few queries.
import { DAY } from '../platform/clock.js';
import { listSessions, type Session } from '../sessions/sessions.js';
import type { Store } from '../store/db.js';

/** The guide: « un changement souhaité tous les 6 mois » — a reminder, never a forced change (NIST, ANSSI R24). */
export const PASSWORD_REMINDER_AGE = 183 * DAY;

export interface SignInEvent {
  readonly at: number;
  readonly outcome: string;
  readonly ip: string;
  readonly userAgent: string;
}

export interface MemberSpaceData {
  readonly member: {
    readonly number: string;
    readonly civility: string;
    readonly firstName: string;
    readonly lastName: string;
    readonly email: string | null;
    readonly mobile: string | null;
  };
  readonly passwordChangedAt: number | null;
  readonly passwordIsOld: boolean;
  readonly previousSignIn: SignInEvent | null;
  readonly history: readonly SignInEvent[];
  readonly sessions: readonly Session[];
}

export async function loadMemberSpace(
  store: Store,
  memberId: number,
  now: number,
): Promise<MemberSpaceData | null> {
  const m = await store.db
    .selectFrom('members')
    .leftJoin('credentials', 'credentials.member_id', 'members.id')
    .select([
      'members.member_number',
      'members.civility',
      'members.first_name',
      'members.last_name',
      'members.email',
      'members.mobile',
      'credentials.changed_at',
    ])
    .where('members.id', '=', memberId)
    .executeTakeFirst();
  if (!m) return null;
  const history = await store.db
    .selectFrom('audit_events')
    .select(['at', 'outcome', 'ip', 'user_agent'])
    .where('member_id', '=', memberId)
    .where('event', '=', 'sign-in')
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(21)
    .execute();
  const events: SignInEvent[] = history.map((h) => ({
    at: h.at,
    outcome: h.outcome,
    ip: h.ip ?? '',
    userAgent: h.user_agent ?? '',
  }));
  // The latest success is the sign-in that opened this session; the one before it is "previous".
  const successes = events.filter((e) => e.outcome === 'success');
  return {
    member: {
      number: m.member_number,
      civility: m.civility,
      firstName: m.first_name,
      lastName: m.last_name,
      email: m.email,
      mobile: m.mobile,
    },
    passwordChangedAt: m.changed_at ?? null,
    passwordIsOld:
      m.changed_at !== null && m.changed_at !== undefined && now - m.changed_at > PASSWORD_REMINDER_AGE,
    previousSignIn: successes[1] ?? null,
    history: events.slice(0, 20),
    sessions: await listSessions(store, 'member', memberId, now),
  };
}

/** A short, human description of a browser from its User-Agent ("Firefox sur Windows"). */
export function describeDevice(userAgent: string, unknown: string, on: string): string {
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : '';
  const os = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : '';
  if (!browser && !os) return unknown;
  return [browser, os].filter(Boolean).join(` ${on} `);
}
