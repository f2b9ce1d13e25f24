// « Mot de passe oublié, ou première connexion » (DESIGN.md §2, the guide's six steps) as plain domain
// functions over the stored flow. Routes call exactly one of these per request.
import { sql } from 'kysely';
import { type AuditEntry, recordAudit } from '../audit/audit.js';
import type { Config } from '../config/index.js';
import { enqueueMessage } from '../delivery/outbox.js';
import { SesameError } from '../errors.js';
import type { Locale } from '../i18n/types.js';
import { type LetterRequestAnswer, requestLetter } from '../letters/requests.js';
import { maskEmail, maskMobile, pretendContact } from '../members/mask.js';
import type { HashParams } from '../passwords/hashing.js';
import { type Clock, DAY, HOUR, MINUTE, SECOND } from '../platform/clock.js';
import type { KeyedHasher } from '../platform/keyed-hash.js';
import { type Random, token } from '../platform/random.js';
import { setNewPassword } from '../sign-in/password-change.js';
import type { Counters } from '../store/counters.js';
import type { Store } from '../store/db.js';
import type { RecoveryFlowTable } from '../store/tables.js';
import { canTransition, type FlowState, TERMINAL_STATES, type Transition } from './states.js';

// DESIGN.md §4 "activation codes": NIST 800-63B §3.1.3, ASVS 6.5.
export const CODE_TTL = 10 * MINUTE;
export const FLOW_TTL = HOUR;
export const MAX_CODE_ATTEMPTS = 5;
export const RESEND_AFTER = 60 * SECOND;
const CODE_DIGITS = 6;

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

/** A fresh per-browser binding token for the cookie, or the one the browser already holds. */
export function bindingToken(random: Random, existing: string | undefined): string {
  return existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : token(random, 32);
}

function codeHash(hasher: KeyedHasher, flowId: string, code: string): string {
  return hasher.hash('recovery-code', `${flowId}:${code}`);
}

function newCode(random: Random): string {
  return String(random.int(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
}

function audit(
  deps: RecoveryDeps,
  flow: Pick<RecoveryFlowTable, 'member_id' | 'member_number'>,
  client: Client,
  e: Pick<AuditEntry, 'event' | 'outcome' | 'details'>,
) {
  return recordAudit(
    deps.store.db,
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

/** Step 2 « Merci d'indiquer votre numéro d'adhérent »: the anti-robot check has passed. */
export async function startRecovery(
  deps: RecoveryDeps,
  input: { memberNumber: string; binding: string; locale: Locale } & Client,
): Promise<string> {
  const now = deps.clock.now();
  const member = await deps.store.db
    .selectFrom('members')
    .select(['id', 'status'])
    .where('member_number', '=', input.memberNumber)
    .executeTakeFirst();
  // A closed member walks the pretend path too: never tell who is (still) a member (STYLE.md §4).
  const memberId = member && member.status === 'active' ? Number(member.id) : null;
  const id = token(deps.random, 16);
  const row: RecoveryFlowTable = {
    id,
    state: 'choosing_channel',
    binding_hash: deps.hasher.hash('recovery-binding', input.binding),
    member_number: input.memberNumber,
    member_id: memberId,
    channel: null,
    locale: input.locale,
    code_hash: null,
    code_sent_at: null,
    code_expires_at: null,
    failed_attempts: 0,
    sends: 0,
    ip: input.ip,
    created_at: now,
    updated_at: now,
    expires_at: now + FLOW_TTL,
  };
  await deps.store.db.insertInto('recovery_flows').values(row).execute();
  await audit(deps, row, input, {
    event: 'recovery-start',
    outcome: 'info',
    details: { known: memberId !== null },
  });
  return id;
}

/** The flow, checked against the browser and the clock; the errors say what to do next. */
async function loadFlow(
  deps: RecoveryDeps,
  flowId: string,
  binding: string | undefined,
): Promise<RecoveryFlowTable> {
  if (!/^[A-Za-z0-9_-]{10,40}$/.test(flowId)) throw new SesameError('FLOW_NOT_FOUND', 'malformed id');
  const flow = await deps.store.db
    .selectFrom('recovery_flows')
    .selectAll()
    .where('id', '=', flowId)
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

function requireState(flow: RecoveryFlowTable, transition: Transition): void {
  if (!canTransition(flow.state, transition))
    throw new SesameError('FLOW_WRONG_STATE', `${flow.state} -/-> ${transition}`);
}

async function contactsOf(deps: RecoveryDeps, flow: RecoveryFlowTable) {
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
  const m = await deps.store.db
    .selectFrom('members')
    .leftJoin('credentials', 'credentials.member_id', 'members.id')
    .select(['members.email', 'members.mobile', 'credentials.member_id as has_password'])
    .where('members.id', '=', flow.member_id)
    .executeTakeFirst();
  return {
    email: m?.email ? maskEmail(m.email) : null,
    mobile: m?.mobile ? maskMobile(m.mobile) : null,
    realEmail: m?.email ?? null,
    realMobile: m?.mobile ?? null,
    firstConnection: !m?.has_password,
    known: true,
  };
}

export async function viewFlow(
  deps: RecoveryDeps,
  flowId: string,
  binding: string | undefined,
): Promise<FlowView> {
  const flow = await loadFlow(deps, flowId, binding);
  const c = await contactsOf(deps, flow);
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

/** SMS pumping and mail bombing brakes (DESIGN.md §4): per number, per IP, and in total per day. */
async function enforceSendLimits(deps: RecoveryDeps, flow: RecoveryFlowTable, client: Client): Promise<void> {
  const now = deps.clock.now();
  const { config, counters } = deps;
  const checks: [string, number][] = [
    [`codes:member:${flow.member_number}`, config.codesPerMemberPerDay],
    [`codes:ip:${client.ip}`, config.codesPerIpPerDay],
    ['codes:all', config.codesPerDay],
  ];
  for (const [key, limit] of checks) {
    const hit = await counters.hit(key, DAY, now);
    if (hit.count > limit) throw new SesameError('SEND_LIMIT', key.split(':').slice(0, 2).join(':'));
  }
}

async function issueCode(
  deps: RecoveryDeps,
  flow: RecoveryFlowTable,
  channel: Channel,
  client: Client,
  transition: 'send_code' | 'resend_code',
): Promise<void> {
  const now = deps.clock.now();
  const c = await contactsOf(deps, flow);
  const offered = channel === 'email' ? c.email : c.mobile;
  if (!offered) throw new SesameError('FLOW_WRONG_STATE', `channel ${channel} not offered`);
  await enforceSendLimits(deps, flow, client);
  const code = newCode(deps.random);
  const recipient = channel === 'email' ? c.realEmail : c.realMobile;
  await deps.store.db.transaction().execute(async (trx) => {
    const moved = await trx
      .updateTable('recovery_flows')
      .set({
        state: 'awaiting_code',
        channel,
        code_hash: codeHash(deps.hasher, flow.id, code),
        code_sent_at: now,
        code_expires_at: now + CODE_TTL,
        sends: sql`sends + 1`,
        updated_at: now,
      })
      .where('id', '=', flow.id)
      .where('state', '=', flow.state)
      .where('updated_at', '=', flow.updated_at)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw new SesameError('FLOW_WRONG_STATE', `${transition} raced`);
    // The message commits with its code or not at all (outbox pattern). An unknown number sends nothing.
    if (recipient && flow.member_id !== null) {
      await enqueueMessage(
        trx,
        {
          channel,
          recipient,
          template: 'activation-code',
          locale: flow.locale as Locale,
          payload: { code },
          memberId: flow.member_id,
        },
        now,
      );
    }
  });
  await audit(deps, flow, client, {
    event: 'recovery-code-sent',
    outcome: 'info',
    details: { channel, resend: transition === 'resend_code' },
  });
}

/** Step 3: « Recevoir mon code par e-mail » / « … par SMS ». */
export async function sendCode(
  deps: RecoveryDeps,
  flowId: string,
  binding: string | undefined,
  channel: Channel,
  client: Client,
): Promise<void> {
  const flow = await loadFlow(deps, flowId, binding);
  requireState(flow, 'send_code');
  await issueCode(deps, flow, channel, client, 'send_code');
}

/** « Renvoyer le code »: after 60 s, to the same channel, without resetting the failure count. */
export async function resendCode(
  deps: RecoveryDeps,
  flowId: string,
  binding: string | undefined,
  client: Client,
): Promise<void> {
  const flow = await loadFlow(deps, flowId, binding);
  requireState(flow, 'resend_code');
  const wait = (flow.code_sent_at ?? 0) + RESEND_AFTER - deps.clock.now();
  if (wait > 0) throw new SesameError('RESEND_TOO_EARLY', undefined, { seconds: Math.ceil(wait / SECOND) });
  await issueCode(deps, flow, (flow.channel ?? 'email') as Channel, client, 'resend_code');
}

/** Step 4 « Merci de saisir votre code d'activation »: the code is spent atomically, once. */
export async function checkCode(
  deps: RecoveryDeps,
  flowId: string,
  binding: string | undefined,
  rawCode: string,
  client: Client,
): Promise<void> {
  const code = rawCode.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(code)) throw new SesameError('CODE_FORMAT');
  const flow = await loadFlow(deps, flowId, binding);
  requireState(flow, 'check_code');
  const now = deps.clock.now();
  if (flow.code_expires_at === null || now >= flow.code_expires_at) throw new SesameError('CODE_EXPIRED');
  const hash = codeHash(deps.hasher, flow.id, code);
  // One UPDATE both checks and spends: of two concurrent right answers exactly one moves the flow.
  const spent = await deps.store.db
    .updateTable('recovery_flows')
    .set({ state: 'code_verified', code_hash: null, updated_at: now, expires_at: now + 15 * MINUTE })
    .where('id', '=', flow.id)
    .where('state', '=', 'awaiting_code')
    .where('member_id', 'is not', null)
    .where('code_hash', '=', hash)
    .where('code_expires_at', '>', now)
    .where('failed_attempts', '<', MAX_CODE_ATTEMPTS)
    .executeTakeFirst();
  if (Number(spent.numUpdatedRows) === 1) {
    await audit(deps, flow, client, { event: 'recovery-code-check', outcome: 'success' });
    return;
  }
  const failed = await deps.store.db
    .updateTable('recovery_flows')
    .set({
      failed_attempts: sql`failed_attempts + 1`,
      state: sql`case when failed_attempts + 1 >= ${MAX_CODE_ATTEMPTS} then 'failed' else state end`,
      updated_at: now,
    })
    .where('id', '=', flow.id)
    .where('state', '=', 'awaiting_code')
    .returning(['failed_attempts', 'state'])
    .executeTakeFirst();
  await audit(deps, flow, client, { event: 'recovery-code-check', outcome: 'failure' });
  if (!failed) throw new SesameError('FLOW_WRONG_STATE', 'code raced');
  if (failed.state === 'failed') throw new SesameError('CODE_TOO_MANY_ATTEMPTS');
  throw new SesameError('CODE_WRONG', undefined, {
    left: MAX_CODE_ATTEMPTS - Number(failed.failed_attempts),
  });
}

/** Step 5 « Merci de saisir votre nouveau mot de passe »; the flow closes in the same transaction. */
export async function completeWithPassword(
  deps: RecoveryDeps,
  flowId: string,
  binding: string | undefined,
  input: { newPassword: string; confirmation: string; locale: Locale } & Client,
): Promise<{ firstConnection: boolean }> {
  const flow = await loadFlow(deps, flowId, binding);
  requireState(flow, 'set_password');
  if (flow.member_id === null) throw new SesameError('FLOW_WRONG_STATE', 'pretend flow cannot verify');
  const c = await contactsOf(deps, flow);
  const now = deps.clock.now();
  await setNewPassword(
    { store: deps.store, hashParams: deps.hashParams, policy: deps.config.passwordPolicy },
    { memberId: flow.member_id, ...input, reason: 'recovery' },
    now,
    async (trx) => {
      const closed = await trx
        .updateTable('recovery_flows')
        .set({ state: 'completed', updated_at: now })
        .where('id', '=', flow.id)
        .where('state', '=', 'code_verified')
        .executeTakeFirst();
      if (Number(closed.numUpdatedRows) !== 1) throw new SesameError('FLOW_WRONG_STATE', 'completed twice');
    },
  );
  await audit(deps, flow, input, {
    event: 'recovery-complete',
    outcome: 'success',
    details: { first: c.firstConnection },
  });
  return { firstConnection: c.firstConnection };
}

export type LetterAnswer = LetterRequestAnswer;

/** « Recevoir un nouveau mot de passe par courrier » (the letters issue): same pages for an unknown number. */
export async function requestLetterByPost(
  deps: RecoveryDeps,
  flowId: string,
  binding: string | undefined,
  client: Client,
): Promise<LetterAnswer> {
  const flow = await loadFlow(deps, flowId, binding);
  requireState(flow, 'request_letter');
  const view = await viewFlow(deps, flowId, binding);
  if (!view.letterOffered) throw new SesameError('FLOW_WRONG_STATE', 'letter not offered');
  const now = deps.clock.now();
  let answer: LetterAnswer = { status: 'queued' };
  await deps.store.db.transaction().execute(async (trx) => {
    const moved = await trx
      .updateTable('recovery_flows')
      .set({ state: 'letter_requested', channel: 'letter', updated_at: now })
      .where('id', '=', flow.id)
      .where('state', '=', 'choosing_channel')
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw new SesameError('FLOW_WRONG_STATE', 'letter raced');
    if (flow.member_id !== null) {
      answer = await requestLetter(trx, deps.store.dialect, {
        memberId: flow.member_id,
        requestedBy: 'member',
        now,
        intervalDays: deps.config.letterIntervalDays,
      });
    }
  });
  await audit(deps, flow, client, {
    event: 'letter-requested',
    outcome: answer.status === 'queued' ? 'success' : 'failure',
  });
  return answer;
}
