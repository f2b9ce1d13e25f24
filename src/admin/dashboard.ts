// The supervisors' figures (issue 6): per Paris day over the last 30 days. Each figure is one grouped query
// over an indexed time range, bucketed by day in SQL with a CASE over the day boundaries, so both dialects
// count the same way and DST days stay exact.
import { type Expression, type RawBuilder, sql } from 'kysely';
import { LETTER_PROMISE } from '../letters/batches.js';
import type { Store } from '../store/db.js';
import { type Day, lastDays } from './days.js';

export const DASHBOARD_DAYS = 30;
/** DESIGN.md §2: a letter is promised « sous huit jours »; older and not posted means late. */
export const LETTER_LATE_AFTER = LETTER_PROMISE;
export const RECOVERY_CHANNELS = ['email', 'sms', 'letter'] as const;
export type RecoveryChannel = (typeof RECOVERY_CHANNELS)[number];

export interface ChannelFigures {
  readonly started: number;
  readonly completed: number;
}

export interface DayFigures {
  readonly day: string;
  readonly signIns: number;
  readonly failures: number;
  readonly locks: number;
  readonly recoveries: Readonly<Record<RecoveryChannel, ChannelFigures>>;
  readonly messagesSent: number;
  readonly messagesFailed: number;
  /** At the end of the day (or now, for today): requested and not yet posted. */
  readonly lettersPending: number;
  readonly lettersLate: number;
}

/** A CASE expression giving the index of the day a time falls in (null outside the range). */
function dayIndex(column: Expression<number | null>, days: readonly Day[]): RawBuilder<number | null> {
  const whens = days.map((d, i) => sql`when ${column} >= ${d.start} and ${column} < ${d.end} then ${i}`);
  return sql<number | null>`case ${sql.join(whens, sql` `)} else null end`;
}

type Counts = Map<number, number>;

function add(map: Counts, index: unknown, n: unknown): void {
  if (index === null || index === undefined) return;
  const i = Number(index);
  map.set(i, (map.get(i) ?? 0) + Number(n));
}

export async function computeDashboard(
  store: Store,
  now: number,
  dayCount = DASHBOARD_DAYS,
): Promise<DayFigures[]> {
  const days = lastDays(now, dayCount);
  const start = days[0]!.start;
  const end = Math.min(days[days.length - 1]!.end, now + 1);
  const db = store.db;

  const audit = await db
    .selectFrom('audit_events')
    .select((eb) => [dayIndex(eb.ref('at'), days).as('d'), 'event', 'outcome', eb.fn.countAll().as('n')])
    .where('at', '>=', start)
    .where('at', '<', end)
    .where('event', 'in', ['sign-in', 'lock'])
    .groupBy(['d', 'event', 'outcome'])
    .execute();
  const signIns: Counts = new Map();
  const failures: Counts = new Map();
  const locks: Counts = new Map();
  for (const r of audit) {
    if (r.event === 'lock') add(locks, r.d, r.n);
    else if (r.outcome === 'success') add(signIns, r.d, r.n);
    else if (r.outcome === 'failure') add(failures, r.d, r.n);
  }

  // E-mail and SMS recoveries: flows that reached a channel; completed when a new password was set.
  const flows = await db
    .selectFrom('recovery_flows')
    .select((eb) => [
      dayIndex(eb.ref('created_at'), days).as('d'),
      'channel',
      'state',
      eb.fn.countAll().as('n'),
    ])
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .where('channel', 'in', ['email', 'sms'])
    .groupBy(['d', 'channel', 'state'])
    .execute();
  // Letters (asked by the member or by staff): completed when the provisional password was used.
  const letters = await db
    .selectFrom('letters')
    .select((eb) => [
      dayIndex(eb.ref('requested_at'), days).as('d'),
      eb.fn.countAll().as('n'),
      eb.fn.count('provisional_used_at').as('used'),
    ])
    .where('requested_at', '>=', start)
    .where('requested_at', '<', end)
    .where('status', '!=', 'cancelled')
    .groupBy('d')
    .execute();
  const started: Record<RecoveryChannel, Counts> = { email: new Map(), sms: new Map(), letter: new Map() };
  const completed: Record<RecoveryChannel, Counts> = { email: new Map(), sms: new Map(), letter: new Map() };
  for (const r of flows) {
    const ch = r.channel as 'email' | 'sms';
    add(started[ch], r.d, r.n);
    if (r.state === 'completed') add(completed[ch], r.d, r.n);
  }
  for (const r of letters) {
    add(started.letter, r.d, r.n);
    add(completed.letter, r.d, r.used);
  }

  const sent = await db
    .selectFrom('outbox')
    .select((eb) => [dayIndex(eb.ref('sent_at'), days).as('d'), eb.fn.countAll().as('n')])
    .where('status', '=', 'sent')
    .where('sent_at', '>=', start)
    .where('sent_at', '<', end)
    .groupBy('d')
    .execute();
  const failed = await db
    .selectFrom('outbox')
    .select((eb) => [dayIndex(eb.ref('created_at'), days).as('d'), eb.fn.countAll().as('n')])
    .where('status', '=', 'failed')
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .groupBy('d')
    .execute();
  const sentBy: Counts = new Map();
  const failedBy: Counts = new Map();
  for (const r of sent) add(sentBy, r.d, r.n);
  for (const r of failed) add(failedBy, r.d, r.n);

  // Pending letters at each day's end: few rows (letters are rare), counted here rather than in 30 queries.
  const open = await db
    .selectFrom('letters')
    .select(['requested_at', 'posted_at', 'cancelled_at'])
    .where('requested_at', '<', end)
    .where((eb) => eb.or([eb('posted_at', 'is', null), eb('posted_at', '>=', start)]))
    .where((eb) => eb.or([eb('cancelled_at', 'is', null), eb('cancelled_at', '>=', start)]))
    .execute();

  return days.map((d, i) => {
    const at = Math.min(d.end, now);
    let pending = 0;
    let late = 0;
    for (const l of open) {
      const waiting =
        l.requested_at < at &&
        (l.posted_at === null || l.posted_at >= at) &&
        (l.cancelled_at === null || l.cancelled_at >= at);
      if (!waiting) continue;
      pending++;
      if (at - l.requested_at > LETTER_LATE_AFTER) late++;
    }
    const channel = (c: RecoveryChannel): ChannelFigures => ({
      started: started[c].get(i) ?? 0,
      completed: completed[c].get(i) ?? 0,
    });
    return {
      day: d.key,
      signIns: signIns.get(i) ?? 0,
      failures: failures.get(i) ?? 0,
      locks: locks.get(i) ?? 0,
      recoveries: { email: channel('email'), sms: channel('sms'), letter: channel('letter') },
      messagesSent: sentBy.get(i) ?? 0,
      messagesFailed: failedBy.get(i) ?? 0,
      lettersPending: pending,
      lettersLate: late,
    };
  });
}

/** Completion rate in percent, or null when nothing started (shown as a dash, not 0 %). */
export function completionRate(c: ChannelFigures): number | null {
  return c.started === 0 ? null : Math.round((100 * c.completed) / c.started);
}
