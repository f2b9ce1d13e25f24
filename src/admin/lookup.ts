// Member lookup for the back office (issue 6): by member number or by name, accent- and case-insensitive
// through the folded `search_name` column, 20 a page. What staff see of a member leaves out every secret:
// no password hash, no code hash, no provisional password (issue 6 « never see a password or a code »).
import { foldForSearch } from '../members/search-name.js';
import { DAY } from '../platform/clock.js';
import { listSessions, type Session } from '../sessions/sessions.js';
import { type LockState, readLockState } from '../sign-in/lockout.js';
import type { Store } from '../store/db.js';

export const LOOKUP_PAGE_SIZE = 20;
/** Longer input is cut, not refused: a pasted paragraph still gets an answer, never a 500 (issue 6). */
export const MAX_QUERY_LENGTH = 100;
const MAX_TOKENS = 5;
const MAX_PAGE = 10_000;

export interface MemberSummary {
  readonly id: number;
  readonly number: string;
  readonly civility: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly status: string;
  readonly city: string | null;
}

export interface LookupResult {
  readonly query: string;
  readonly items: readonly MemberSummary[];
  readonly total: number;
  readonly page: number;
  readonly pages: number;
}

/** A page number from a query string: 1 for anything that is not a small positive integer. */
export function parsePage(raw: unknown): number {
  const n = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return Math.min(Math.max(n, 1), MAX_PAGE);
}

/**
 * Digits only (or the configured number format): the member number, exactly. Anything else: every word of the folded query must start a word
 * of « nom prénom ». Folding leaves only letters, digits and spaces, and values are bound parameters, so
 * `%`, `_`, quotes or SQL in the query match nothing special.
 */
export async function searchMembersForStaff(
  store: Store,
  rawQuery: string,
  page: number,
  memberNumberPattern: RegExp = /^\d+$/,
): Promise<LookupResult> {
  const query = rawQuery.trim().slice(0, MAX_QUERY_LENGTH);
  const empty: LookupResult = { query, items: [], total: 0, page: 1, pages: 0 };
  if (!query) return empty;
  let base = store.db.selectFrom('members');
  if (/^\d+$/.test(query) || memberNumberPattern.test(query)) {
    base = base.where('member_number', '=', query);
  } else {
    const tokens = foldForSearch(query).split(' ').filter(Boolean).slice(0, MAX_TOKENS);
    if (tokens.length === 0) return empty;
    for (const t of tokens) {
      base = base.where((eb) =>
        eb.or([eb('search_name', 'like', `${t}%`), eb('search_name', 'like', `% ${t}%`)]),
      );
    }
  }
  const count = await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  const total = Number(count?.n ?? 0);
  const pages = Math.ceil(total / LOOKUP_PAGE_SIZE);
  const current = Math.min(page, Math.max(pages, 1));
  const rows = await base
    .select(['id', 'member_number', 'civility', 'first_name', 'last_name', 'status', 'city'])
    .orderBy('search_name')
    .orderBy('member_number')
    .limit(LOOKUP_PAGE_SIZE)
    .offset((current - 1) * LOOKUP_PAGE_SIZE)
    .execute();
  return {
    query,
    total,
    page: current,
    pages,
    items: rows.map((r) => ({
      id: Number(r.id),
      number: r.member_number,
      civility: r.civility,
      firstName: r.first_name,
      lastName: r.last_name,
      status: r.status,
      city: r.city,
    })),
  };
}

export interface MemberFileEvent {
  readonly id: number;
  readonly at: number;
  readonly event: string;
  readonly outcome: string;
  readonly actor: string;
  readonly ip: string | null;
  readonly details: string | null;
}

export interface MemberFileLetter {
  readonly id: number;
  readonly status: string;
  readonly requestedAt: number;
  readonly requestedBy: string;
  readonly printedAt: number | null;
  readonly postedAt: number | null;
  readonly cancelledAt: number | null;
  readonly provisionalUsed: boolean;
}

export interface MemberFileFlow {
  readonly state: string;
  readonly channel: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly failedAttempts: number;
}

export interface MemberFile {
  readonly member: MemberSummary & {
    readonly email: string | null;
    readonly mobile: string | null;
    readonly postalCode: string | null;
  };
  readonly password: {
    readonly changedAt: number;
    readonly ageDays: number;
    readonly mustChange: boolean;
  } | null;
  readonly lock: LockState;
  readonly recentFailures: readonly MemberFileEvent[];
  readonly openFlows: readonly MemberFileFlow[];
  readonly letters: readonly MemberFileLetter[];
  readonly events: readonly MemberFileEvent[];
  readonly sessions: readonly Session[];
}

export const MEMBER_FILE_EVENTS = 50;

export async function findMemberForStaff(
  store: Store,
  number: string,
): Promise<MemberFile['member'] | undefined> {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(number)) return undefined;
  const m = await store.db
    .selectFrom('members')
    .select([
      'id',
      'member_number',
      'civility',
      'first_name',
      'last_name',
      'status',
      'city',
      'email',
      'mobile',
      'postal_code',
    ])
    .where('member_number', '=', number)
    .executeTakeFirst();
  if (!m) return undefined;
  return {
    id: Number(m.id),
    number: m.member_number,
    civility: m.civility,
    firstName: m.first_name,
    lastName: m.last_name,
    status: m.status,
    city: m.city,
    email: m.email,
    mobile: m.mobile,
    postalCode: m.postal_code,
  };
}

/** Everything the member page shows, in a handful of indexed queries. */
export async function loadMemberFile(
  store: Store,
  number: string,
  now: number,
): Promise<MemberFile | undefined> {
  const member = await findMemberForStaff(store, number);
  if (!member) return undefined;
  const [cred, lock, failures, flows, letters, events, sessions] = await Promise.all([
    store.db
      .selectFrom('credentials')
      .select(['changed_at', 'must_change'])
      .where('member_id', '=', member.id)
      .executeTakeFirst(),
    readLockState(store, member.number, now),
    store.db
      .selectFrom('audit_events')
      .select(['id', 'at', 'event', 'outcome', 'actor', 'ip', 'details'])
      .where('member_id', '=', member.id)
      .where('event', 'in', ['sign-in', 'sign-in-blocked'])
      .where('outcome', '=', 'failure')
      .where('at', '>', now - DAY)
      .orderBy('at', 'desc')
      .limit(10)
      .execute(),
    store.db
      .selectFrom('recovery_flows')
      .select(['state', 'channel', 'created_at', 'expires_at', 'failed_attempts'])
      .where('member_id', '=', member.id)
      .where('state', 'in', ['choosing_channel', 'awaiting_code', 'code_verified'])
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .execute(),
    store.db
      .selectFrom('letters')
      .select([
        'id',
        'status',
        'requested_at',
        'requested_by',
        'printed_at',
        'posted_at',
        'cancelled_at',
        'provisional_used_at',
      ])
      .where('member_id', '=', member.id)
      .orderBy('requested_at', 'desc')
      .limit(20)
      .execute(),
    store.db
      .selectFrom('audit_events')
      .select(['id', 'at', 'event', 'outcome', 'actor', 'ip', 'details'])
      .where('member_id', '=', member.id)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(MEMBER_FILE_EVENTS)
      .execute(),
    listSessions(store, 'member', member.id, now),
  ]);
  const toEvent = (e: (typeof events)[number]): MemberFileEvent => ({ ...e, id: Number(e.id) });
  return {
    member,
    password: cred
      ? {
          changedAt: cred.changed_at,
          ageDays: Math.floor((now - cred.changed_at) / DAY),
          mustChange: cred.must_change === 1,
        }
      : null,
    lock,
    recentFailures: failures.map(toEvent),
    openFlows: flows.map((f) => ({
      state: f.state,
      channel: f.channel,
      createdAt: f.created_at,
      expiresAt: f.expires_at,
      failedAttempts: f.failed_attempts,
    })),
    letters: letters.map((l) => ({
      id: Number(l.id),
      status: l.status,
      requestedAt: l.requested_at,
      requestedBy: l.requested_by,
      printedAt: l.printed_at,
      postedAt: l.posted_at,
      cancelledAt: l.cancelled_at,
      provisionalUsed: l.provisional_used_at !== null,
    })),
    events: events.map(toEvent),
    sessions,
  };
}
