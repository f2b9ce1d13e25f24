// The outbox (transactional outbox pattern): a message is a row written in the same transaction as the code
// it carries, so a code is never stored without its message nor sent without being stored. A worker claims
// due rows under a lease, delivers, and records each attempt.
//
//   pending ──claim──▶ sending ──success──▶ sent (secrets cleared)
//      ▲                  │ failure, attempts < MAX_ATTEMPTS
//      └──── backoff ◀────┘ failure at MAX_ATTEMPTS, or too old ──▶ failed (flagged for staff, kept)
import type { ExpressionBuilder, Insertable, Kysely, Selectable } from 'kysely';
import type { Locale } from '../i18n/types.js';
import { HOUR, SECOND } from '../platform/clock.js';
import type { Random } from '../platform/random.js';
import type { Store } from '../store/db.js';
import type { Database, OutboxTable } from '../store/tables.js';
import {
  type Channel,
  redactPayload,
  SECRET_FIELDS,
  type TemplateId,
  type TemplatePayloads,
} from './templates.js';

/** Attempts before a message is flagged 'failed' (≈ 2 h of retries with the delays below). */
export const MAX_ATTEMPTS = 8;
export const RETRY_BASE_MS = 30 * SECOND;
export const RETRY_CAP_MS = HOUR;
const MAX_ERROR_LENGTH = 500;

/** A message to enqueue; the payload's type follows the template. */
export type NewMessage = {
  [T in TemplateId]: {
    readonly channel: Channel;
    readonly recipient: string;
    readonly template: T;
    readonly locale: Locale;
    readonly payload: TemplatePayloads[T];
    readonly memberId?: number;
  };
}[TemplateId];

/** A row claimed by one worker until `lockedUntil`. */
export interface ClaimedMessage {
  readonly id: number;
  readonly channel: Channel;
  readonly recipient: string;
  readonly template: string;
  readonly locale: string;
  readonly payload: Readonly<Record<string, string>>;
  /** Failed attempts so far. */
  readonly attempts: number;
  readonly createdAt: number;
  readonly lockedUntil: number;
}

export interface OutboxStats {
  /** Waiting for a (first or next) attempt. */
  readonly pending: number;
  /** Claimed by a worker right now. */
  readonly sending: number;
  /** Gave up: flagged for staff. */
  readonly failed: number;
  /** Age of the oldest pending or sending message; 0 when none. */
  readonly oldestPendingAgeMs: number;
}

/** The row enqueueMessage() writes; also for a caller that writes it within a larger statement. */
export function outboxRow(msg: NewMessage, now: number): Insertable<OutboxTable> {
  return {
    channel: msg.channel,
    recipient: msg.recipient,
    template: msg.template,
    locale: msg.locale,
    payload: JSON.stringify(msg.payload),
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    locked_until: 0,
    last_error: null,
    member_id: msg.memberId ?? null,
    created_at: now,
    sent_at: null,
  };
}

/** Adds a message to the outbox. Pass the caller's transaction so the message commits with its code. */
export async function enqueueMessage(trx: Kysely<Database>, msg: NewMessage, now: number): Promise<number> {
  const row = await trx
    .insertInto('outbox')
    .values(outboxRow(msg, now))
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

function isDue(now: number) {
  return (eb: ExpressionBuilder<Database, 'outbox'>) =>
    eb.or([
      eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now), eb('locked_until', '<=', now)]),
      // A worker that died mid-send leaves 'sending' behind: its lease expiry hands the row to another.
      eb.and([eb('status', '=', 'sending'), eb('locked_until', '<=', now)]),
    ]);
}

function parsePayload(json: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(json);
    if (value && typeof value === 'object') return value as Record<string, string>;
  } catch {
    // An unreadable payload renders as "field missing": retried, then flagged for staff.
  }
  return {};
}

function toClaimed(row: Selectable<OutboxTable>, lockedUntil: number): ClaimedMessage {
  return {
    id: Number(row.id),
    channel: row.channel,
    recipient: row.recipient,
    template: row.template,
    locale: row.locale,
    payload: parsePayload(row.payload),
    attempts: Number(row.attempts),
    createdAt: Number(row.created_at),
    lockedUntil,
  };
}

/**
 * Claims up to `limit` due messages for `leaseMs`: only the claimer delivers them until the lease ends.
 * The lease must outlast a send (transport timeouts are ≤ 30 s).
 */
export async function claimDueMessages(
  store: Store,
  now: number,
  limit: number,
  leaseMs: number,
): Promise<ClaimedMessage[]> {
  const lockedUntil = now + leaseMs;
  // One statement (one round trip, one commit per claim: issue 7). On PostgreSQL, SKIP LOCKED: concurrent
  // workers take disjoint rows instead of queueing behind each other's locks, and a row committed as
  // 'sending' meanwhile fails the re-checked WHERE and is skipped too. SQLite has one writer at a time: the
  // UPDATE … RETURNING takes the write lock before it reads, so two processes cannot claim the same row.
  const rows = await store.db
    .updateTable('outbox')
    .set({ status: 'sending', locked_until: lockedUntil })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox')
        .select('id')
        .where(isDue(now))
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .$if(store.dialect === 'postgres', (q) => q.forUpdate().skipLocked()),
    )
    .returningAll()
    .execute();
  return rows.map((r) => toClaimed(r, lockedUntil)).sort((a, b) => a.id - b.id);
}

/** Exponential backoff with ±20 % jitter (so failed messages do not retry in lockstep), capped at 1 h. */
export function retryDelayMs(failedAttempts: number, random: Random): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 20);
  const delay = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** exponent);
  const low = Math.floor(delay * 0.8);
  return Math.min(RETRY_CAP_MS, low + random.int(0, Math.floor(delay * 0.4) + 1));
}

/** The error text to store: one line, bounded, and with any secret of the payload blanked out. */
function cleanError(message: ClaimedMessage, error: string): string {
  let text = error.replace(/\s+/g, ' ').trim();
  const secrets = SECRET_FIELDS[message.template as TemplateId] ?? [];
  for (const key of secrets) {
    const value = message.payload[key];
    if (value) text = text.replaceAll(value, '[redacted]');
  }
  return text.slice(0, MAX_ERROR_LENGTH) || 'unknown error';
}

/** Marks a claimed message delivered and clears its secrets: codes are not kept after delivery. */
export async function recordSuccess(store: Store, message: ClaimedMessage, now: number): Promise<void> {
  const sent = {
    status: 'sent' as const,
    sent_at: now,
    locked_until: 0,
    last_error: null,
    payload: JSON.stringify(redactPayload(message.template, message.payload)),
  };
  if (store.dialect === 'postgres') {
    // One statement on PostgreSQL: the WITH part and the main insert commit together (issue 7).
    await store.db
      .with('sent', (db) => db.updateTable('outbox').set(sent).where('id', '=', message.id))
      .insertInto('outbox_attempts')
      .values({ outbox_id: message.id, at: now, ok: 1, error: null })
      .execute();
    return;
  }
  await store.db.transaction().execute(async (trx) => {
    await trx.updateTable('outbox').set(sent).where('id', '=', message.id).execute();
    await trx
      .insertInto('outbox_attempts')
      .values({ outbox_id: message.id, at: now, ok: 1, error: null })
      .execute();
  });
}

/**
 * Records a failed attempt: schedules the next one after a backoff, or after MAX_ATTEMPTS flags the message
 * 'failed' for staff (never dropped). Returns the new status.
 */
export async function recordFailure(
  store: Store,
  message: ClaimedMessage,
  error: string,
  now: number,
  random: Random,
): Promise<'pending' | 'failed'> {
  const attempts = message.attempts + 1;
  const text = cleanError(message, error);
  const status = attempts >= MAX_ATTEMPTS ? 'failed' : 'pending';
  await store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('outbox')
      .set(
        status === 'failed'
          ? {
              status,
              attempts,
              locked_until: 0,
              last_error: text,
              payload: JSON.stringify(redactPayload(message.template, message.payload)),
            }
          : {
              status,
              attempts,
              locked_until: 0,
              last_error: text,
              next_attempt_at: now + retryDelayMs(attempts, random),
            },
      )
      .where('id', '=', message.id)
      .execute();
    await trx
      .insertInto('outbox_attempts')
      .values({ outbox_id: message.id, at: now, ok: 0, error: text })
      .execute();
  });
  return status;
}

/**
 * Flags a message 'failed' without sending it (e.g. its code expired while retrying), secrets cleared; the
 * reason is kept as an unsuccessful attempt so staff see it in the message's history.
 */
export async function recordAbandon(
  store: Store,
  message: ClaimedMessage,
  reason: string,
  now: number,
): Promise<void> {
  const text = cleanError(message, reason);
  await store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('outbox')
      .set({
        status: 'failed',
        locked_until: 0,
        last_error: text,
        payload: JSON.stringify(redactPayload(message.template, message.payload)),
      })
      .where('id', '=', message.id)
      .execute();
    await trx
      .insertInto('outbox_attempts')
      .values({ outbox_id: message.id, at: now, ok: 0, error: text })
      .execute();
  });
}

/** Figures for /readyz and /metrics. */
export async function outboxStats(store: Store, now: number): Promise<OutboxStats> {
  const rows = await store.db
    .selectFrom('outbox')
    .select((eb) => ['status', eb.fn.countAll().as('n'), eb.fn.min('created_at').as('oldest')])
    .where('status', 'in', ['pending', 'sending', 'failed'])
    .groupBy('status')
    .execute();
  const count = (status: string): number => Number(rows.find((r) => r.status === status)?.n ?? 0);
  const oldest = rows
    .filter((r) => r.status === 'pending' || r.status === 'sending')
    .map((r) => Number(r.oldest))
    .reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  return {
    pending: count('pending'),
    sending: count('sending'),
    failed: count('failed'),
    oldestPendingAgeMs: Number.isFinite(oldest) ? Math.max(0, now - oldest) : 0,
  };
}
