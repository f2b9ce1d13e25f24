// The stored recovery flow (recovery_flows) as its steps read it: loaded with the member's contacts in one
// query, checked against the browser that started it and the clock, and shown as a FlowView. Shared by the
// steps in flow.ts and codes.ts.
import { type AuditEntry, auditRow } from '../audit/audit.js';
import type { Config } from '../config/index.js';
import { SesameError } from '../errors.js';
import type { Locale } from '../i18n/types.js';
import { maskEmail, maskMobile, pretendContact } from '../members/mask.js';
import type { HashParams } from '../passwords/hashing.js';
import { type Clock, HOUR, SECOND } from '../platform/clock.js';
import type { KeyedHasher } from '../platform/keyed-hash.js';
import type { Random } from '../platform/random.js';
import type { Counters } from '../store/counters.js';
import type { Store } from '../store/db.js';
import type { RecoveryFlowTable } from '../store/tables.js';
import { canTransition, type FlowState, TERMINAL_STATES, type Transition } from './states.js';

// DESIGN.md §4 "activation codes": NIST 800-63B §3.1.3, ASVS 6.5.
export const FLOW_TTL = HOUR;
export const MAX_CODE_ATTEMPTS = 5;
export const RESEND_AFTER = 60 * SECOND;

export type RecoveryConfig = Pick<
  Config,
  | 'codesPerMemberPerDay'
  | 'codesPerIpPerDay'
  | 'codesPerDay'
  | 'letterForAll'
  | 'letterIntervalDays'
  | 'passwordPolicy'
>;

export interface RecoveryDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  readonly hasher: KeyedHasher;
  readonly counters: Counters;
  readonly config: RecoveryConfig;
  readonly hashParams: HashParams;
}

export interface Client {
  readonly ip: string;
  readonly userAgent: string;
}

export type Channel = 'email' | 'sms';

export interface FlowView {
  readonly id: string;
  readonly state: FlowState;
  /** Masked contacts to offer; real ones for a member, derived ones for an unknown number. */
  readonly email: string | null;
  readonly mobile: string | null;
  readonly letterOffered: boolean;
  readonly channel: string | null;
  /** When « renvoyer le code » becomes available (ms), for awaiting_code. */
  readonly resendAt: number | null;
  readonly attemptsLeft: number;
  /** No password yet: the success page says the member space is now open. */
  readonly firstConnection: boolean;
  readonly locale: Locale;
}

/** The audit row of a recovery step; written within the step's own statement or transaction. */
export function auditOf(
  deps: RecoveryDeps,
  flow: Pick<RecoveryFlowTable, 'member_id' | 'member_number'>,
  client: Client,
  e: Pick<AuditEntry, 'event' | 'outcome' | 'details'>,
) {
  return auditRow(
    {
      ...e,
      actor: `member:${flow.member_number ?? '?'}`,
      memberId: flow.member_id,
      memberNumber: flow.member_number,
      ip: client.ip,
      userAgent: client.userAgent,
    },
    deps.clock.now(),
  );
}

/** A flow with what its pages show of the member: one query for both (issue 7). */
export interface LoadedFlow extends RecoveryFlowTable {
  readonly contact_email: string | null;
  readonly contact_mobile: string | null;
  /** Not null when the member already has a password. */
  readonly has_password: number | null;
}

/** The flow, checked against the browser and the clock; the errors say what to do next. */
export async function loadFlow(
  deps: RecoveryDeps,
  flowId: string,
  binding: string | undefined,
): Promise<LoadedFlow> {
  if (!/^[A-Za-z0-9_-]{10,40}$/.test(flowId)) throw new SesameError('FLOW_NOT_FOUND', 'malformed id');
  const flow = await deps.store.db
    .selectFrom('recovery_flows')
    .leftJoin('members', 'members.id', 'recovery_flows.member_id')
    .leftJoin('credentials', 'credentials.member_id', 'recovery_flows.member_id')
    .selectAll('recovery_flows')
    .select([
      'members.email as contact_email',
      'members.mobile as contact_mobile',
      'credentials.member_id as has_password',
    ])
    .where('recovery_flows.id', '=', flowId)
    .executeTakeFirst();
  if (!flow) throw new SesameError('FLOW_NOT_FOUND');
  // « sur la même page internet où vous avez soumis votre demande »: a code is only good in the browser
  // that asked for it (ASVS 6.5.4), so a phished code typed elsewhere is useless.
  if (!binding || !deps.hasher.verify('recovery-binding', binding, flow.binding_hash)) {
    throw new SesameError('FLOW_OTHER_BROWSER');
  }
  if (deps.clock.now() >= flow.expires_at && !TERMINAL_STATES.includes(flow.state as FlowState)) {
    throw new SesameError('FLOW_EXPIRED');
  }
  return flow;
}

export function requireState(flow: RecoveryFlowTable, transition: Transition): void {
  if (!canTransition(flow.state, transition))
    throw new SesameError('FLOW_WRONG_STATE', `${flow.state} -/-> ${transition}`);
}

export function contactsOf(deps: RecoveryDeps, flow: LoadedFlow) {
  if (flow.member_id === null) {
    const p = pretendContact(deps.hasher, flow.member_number ?? '');
    return {
      email: p.email,
      mobile: p.mobile,
      realEmail: null,
      realMobile: null,
      firstConnection: false,
      known: false,
    };
  }
  return {
    email: flow.contact_email ? maskEmail(flow.contact_email) : null,
    mobile: flow.contact_mobile ? maskMobile(flow.contact_mobile) : null,
    realEmail: flow.contact_email,
    realMobile: flow.contact_mobile,
    firstConnection: flow.has_password === null,
    known: true,
  };
}

export function toView(deps: RecoveryDeps, flow: LoadedFlow): FlowView {
  const c = contactsOf(deps, flow);
  return {
    id: flow.id,
    state: flow.state as FlowState,
    email: c.email,
    mobile: c.mobile,
    letterOffered: deps.config.letterForAll || (c.known && !c.email && !c.mobile),
    channel: flow.channel,
    resendAt: flow.code_sent_at !== null ? flow.code_sent_at + RESEND_AFTER : null,
    attemptsLeft: Math.max(0, MAX_CODE_ATTEMPTS - flow.failed_attempts),
    firstConnection: c.firstConnection,
    locale: flow.locale as Locale,
  };
}
