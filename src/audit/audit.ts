// The audit trail (DESIGN.md §4 last row): who, what, when, from where, with which outcome. Details never
// hold a password, a code, a token or a full contact detail.
import type { Insertable, Kysely } from 'kysely';
import type { AuditTable, Database } from '../store/tables.js';

export type AuditEvent =
  | 'sign-in'
  | 'sign-in-blocked'
  | 'lock'
  | 'sign-out'
  | 'sign-out-everywhere'
  | 'password-change'
  | 'recovery-start'
  | 'recovery-code-sent'
  | 'recovery-code-check'
  | 'recovery-complete'
  | 'letter-requested'
  | 'letter-printed'
  | 'letter-posted'
  | 'letter-cancelled'
  | 'provisional-password-used'
  | 'staff-sign-in'
  | 'staff-action'
  | 'staff-sign-out'
  | 'staff-totp-enrolled'
  | 'staff-access-denied'
  | 'staff-created'
  | 'staff-disabled'
  | 'staff-enabled'
  | 'staff-totp-reset'
  | 'member-unlocked'
  | 'member-sessions-ended'
  | 'audit-exported'
  | 'audit-purged';

export interface AuditEntry {
  readonly event: AuditEvent;
  readonly outcome: 'success' | 'failure' | 'info';
  /** "member:<number>", "staff:<username>", "anonymous" or "system". */
  readonly actor: string;
  readonly memberId?: number | null;
  readonly memberNumber?: string | null;
  readonly staffId?: number | null;
  readonly ip?: string | null;
  readonly userAgent?: string | null;
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

/** The row recordAudit() writes; also for a caller that writes it within a larger statement. */
export function auditRow(entry: AuditEntry, now: number): Insertable<AuditTable> {
  return {
    at: now,
    event: entry.event,
    outcome: entry.outcome,
    actor: entry.actor,
    member_id: entry.memberId ?? null,
    member_number: entry.memberNumber?.slice(0, 64) ?? null,
    staff_id: entry.staffId ?? null,
    ip: entry.ip ?? null,
    user_agent: entry.userAgent?.slice(0, 300) ?? null,
    details: entry.details ? JSON.stringify(entry.details) : null,
  };
}

export async function recordAudit(db: Kysely<Database>, entry: AuditEntry, now: number): Promise<void> {
  await db.insertInto('audit_events').values(auditRow(entry, now)).execute();
}
