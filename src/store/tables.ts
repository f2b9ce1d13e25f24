// Row types of every table, shared by SQLite and PostgreSQL. Times are integer milliseconds since the
// epoch on both dialects: one representation, no time-zone conversions, exact comparisons in SQL.
import type { Generated } from 'kysely';

export interface MemberTable {
  id: Generated<number>;
  member_number: string;
  civility: string;
  first_name: string;
  last_name: string;
  /** Lower-case, accent-free "last first" for the back office's name search. */
  search_name: string;
  email: string | null;
  mobile: string | null;
  address_line2: string | null;
  address_line3: string | null;
  address_line4: string | null;
  address_line5: string | null;
  postal_code: string | null;
  city: string | null;
  country: string | null;
  status: 'active' | 'closed';
  created_at: number;
  updated_at: number;
}

export interface CredentialTable {
  member_id: number;
  password_hash: string;
  changed_at: number;
  /** Set when the password came from a provisional (letter) password and must be changed. */
  must_change: number;
}

export interface ThrottleTable {
  /** What is throttled, e.g. "account:123456" or "ip:1.2.3.4:sign-in". */
  key: string;
  consecutive: number;
  window_start: number;
  window_count: number;
  blocked_until: number;
  updated_at: number;
}

export interface SessionTable {
  /** SHA-256 of the cookie token: a database leak yields no usable session. */
  id: string;
  subject_type: 'member' | 'staff';
  subject_id: number;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string;
  user_agent: string;
  /** 1 when the member signed in with a provisional password and must choose a new one first. */
  must_change_password: number;
  /** Staff sessions: 1 once the second factor was checked. */
  second_factor: number;
}

export interface ChallengeTable {
  id: string;
  kind: 'image';
  word: string;
  locale: string;
  /** Keyed hash of the correct choice: the answer itself is not stored in clear either. */
  answer_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface ChallengePictureTable {
  token: string;
  challenge_id: string;
  position: number;
  icon: string;
  served_at: number | null;
}

export interface SpentProofTable {
  /** Hash of a spent proof-of-work payload, kept until it would have expired anyway. */
  id: string;
  expires_at: number;
}

export interface RecoveryFlowTable {
  id: string;
  state: string;
  /** Keyed hash of the browser-binding cookie. */
  binding_hash: string;
  member_number: string | null;
  /** Null for an unknown or closed number: the flow then pretends (STYLE.md habit 4). */
  member_id: number | null;
  channel: string | null;
  locale: string;
  code_hash: string | null;
  code_sent_at: number | null;
  code_expires_at: number | null;
  failed_attempts: number;
  sends: number;
  ip: string;
  created_at: number;
  updated_at: number;
  expires_at: number;
}

export interface OutboxTable {
  id: Generated<number>;
  channel: 'email' | 'sms';
  recipient: string;
  template: string;
  locale: string;
  /** JSON of the template's variables; cleared of secrets once delivered. */
  payload: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: number;
  locked_until: number;
  last_error: string | null;
  member_id: number | null;
  created_at: number;
  sent_at: number | null;
}

export interface OutboxAttemptTable {
  id: Generated<number>;
  outbox_id: number;
  at: number;
  ok: number;
  error: string | null;
}

export interface LetterTable {
  id: Generated<number>;
  member_id: number;
  status: 'requested' | 'printed' | 'posted' | 'cancelled' | 'flagged';
  requested_at: number;
  requested_by: string;
  batch_id: number | null;
  printed_at: number | null;
  posted_at: number | null;
  cancelled_at: number | null;
  cancel_reason: string | null;
  flag_reason: string | null;
  provisional_hash: string | null;
  provisional_expires_at: number | null;
  provisional_used_at: number | null;
}

export interface LetterBatchTable {
  id: Generated<number>;
  created_at: number;
  created_by: string;
  letter_count: number;
  status: 'printed' | 'posted' | 'reprinted';
  posted_at: number | null;
}

export interface StaffTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  role: 'agent' | 'supervisor' | 'admin';
  password_hash: string;
  totp_secret: string | null;
  totp_enrolled_at: number | null;
  totp_last_step: number;
  status: 'active' | 'disabled';
  created_at: number;
}

export interface AuditTable {
  id: Generated<number>;
  at: number;
  event: string;
  outcome: string;
  actor: string;
  member_id: number | null;
  member_number: string | null;
  staff_id: number | null;
  ip: string | null;
  user_agent: string | null;
  details: string | null;
}

export interface Database {
  members: MemberTable;
  credentials: CredentialTable;
  throttles: ThrottleTable;
  sessions: SessionTable;
  challenges: ChallengeTable;
  challenge_pictures: ChallengePictureTable;
  spent_proofs: SpentProofTable;
  recovery_flows: RecoveryFlowTable;
  outbox: OutboxTable;
  outbox_attempts: OutboxAttemptTable;
  letters: LetterTable;
  letter_batches: LetterBatchTable;
  staff: StaffTable;
  audit_events: AuditTable;
}
