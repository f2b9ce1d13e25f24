// « Mot de passe oublié, ou première connexion » (DESIGN.md §2, the guide's six steps) as plain domain
// functions over the stored flow. Routes call exactly one of these per request.
import { sql } from 'kysely';
import { type AuditEntry, auditRow } from '../audit/audit.js';
import type { Config } from '../config/index.js';
import { outboxRow } from '../delivery/outbox.js';
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
import { insertSelecting } from '../store/statements.js';
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

/** The audit row of a recovery step; written within the step's own statement or transaction. */
function auditOf(
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
  const logged = auditOf(deps, row, input, {
    event: 'recovery-start',
    outcome: 'info',
    details: { known: memberId !== null },
  });
  const { db } = deps.store;
  if (deps.store.dialect === 'postgres') {
    // One round trip and one commit (issue 7): the flow is written in the WITH part.
    await db
      .with('flow', (q) => q.insertInto('recovery_flows').values(row))
      .insertInto('audit_events')
      .values(logged)
      .execute();
  } else {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('recovery_flows').values(row).execute();
      await trx.insertInto('audit_events').values(logged).execute();
    });
  }
  return id;
}

/** A flow with what its pages show of the member: one query for both (issue 7). */
interface LoadedFlow extends RecoveryFlowTable {
  readonly contact_email: string | null;
  readonly contact_mobile: string | null;
  /** Not null when the member already has a password. */
  readonly has_password: number | null;
}

/** The flow, checked against the browser and the clock; the errors say what to do next. */
async function loadFlow(
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

function requireState(flow: RecoveryFlowTable, transition: Transition): void {
  if (!canTransition(flow.state, transition))
    throw new SesameError('FLOW_WRONG_STATE', `${flow.state} -/-> ${transition}`);
}

function contactsOf(deps: RecoveryDeps, flow: LoadedFlow) {
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

function toView(deps: RecoveryDeps, flow: LoadedFlow): FlowView {
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

export async function viewFlow(
  deps: RecoveryDeps,
  flowId: string,
  binding: string | undefined,
): Promise<FlowView> {
  return toView(deps, await loadFlow(deps, flowId, binding));
}

/** SMS pumping and mail bombing brakes (DESIGN.md §4): per number, per IP, and in total per day. */
async function enforceSendLimits(deps: RecoveryDeps, flow: RecoveryFlowTable, client: Client): Promise<void> {
  const { config, counters } = deps;
  // In this order, and a refused send stops counting: hammering one number cannot use up the IP's or
  // everybody's daily allowance.
  const over = await counters.hitUntilOver(
    [
      { key: `codes:member:${flow.member_number}`, windowMs: DAY, limit: config.codesPerMemberPerDay },
      { key: `codes:ip:${client.ip}`, windowMs: DAY, limit: config.codesPerIpPerDay },
      { key: 'codes:all', windowMs: DAY, limit: config.codesPerDay },
    ],
    deps.clock.now(),
  );
  if (over) throw new SesameError('SEND_LIMIT', over.split(':').slice(0, 2).join(':'));
}

async function issueCode(
  deps: RecoveryDeps,
  flow: LoadedFlow,
  channel: Channel,
  client: Client,
  transition: 'send_code' | 'resend_code',
): Promise<void> {
  const now = deps.clock.now();
  const c = contactsOf(deps, flow);
  const offered = channel === 'email' ? c.email : c.mobile;
  if (!offered) throw new SesameError('FLOW_WRONG_STATE', `channel ${channel} not offered`);
  await enforceSendLimits(deps, flow, client);
  const code = newCode(deps.random);
  const recipient = channel === 'email' ? c.realEmail : c.realMobile;
  const { db } = deps.store;
  const moved = db
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
    .where('updated_at', '=', flow.updated_at);
  // The message commits with its code or not at all (outbox pattern). An unknown number sends nothing.
  const message =
    recipient && flow.member_id !== null
      ? outboxRow(
          {
            channel,
            recipient,
            template: 'activation-code',
            locale: flow.locale as Locale,
            payload: { code },
            memberId: flow.member_id,
          },
          now,
        )
      : undefined;
  const logged = auditOf(deps, flow, client, {
    event: 'recovery-code-sent',
    outcome: 'info',
    details: { channel, resend: transition === 'resend_code' },
  });
  if (deps.store.dialect === 'postgres') {
    // One statement (issue 7): the message and the audit row are written only when the flow moved.
    const written = await sql<{ id: number }>`with moved as (${moved.returning('id')})${
      message ? sql`, message as (${insertSelecting('outbox', message, 'moved')})` : sql``
    } ${insertSelecting('audit_events', logged, 'moved')} returning id`.execute(db);
    if (written.rows.length !== 1) throw new SesameError('FLOW_WRONG_STATE', `${transition} raced`);
    return;
  }
  await db.transaction().execute(async (trx) => {
    const done = await trx.executeQuery(moved.compile());
    if (Number(done.numAffectedRows) !== 1) throw new SesameError('FLOW_WRONG_STATE', `${transition} raced`);
    if (message) await trx.insertInto('outbox').values(message).execute();
    await trx.insertInto('audit_events').values(logged).execute();
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
  const matches = sql<boolean>`member_id is not null and code_hash = ${hash} and code_expires_at > ${now} and failed_attempts < ${MAX_CODE_ATTEMPTS}`;
  // One UPDATE checks, spends a right code and counts a wrong one: of two concurrent right answers exactly
  // one moves the flow, and no wrong answer goes uncounted (every CASE reads the row as it was).
  const check = deps.store.db
    .updateTable('recovery_flows')
    .set({
      state: sql`case when ${matches} then 'code_verified' when failed_attempts + 1 >= ${MAX_CODE_ATTEMPTS} then 'failed' else state end`,
      failed_attempts: sql`case when ${matches} then failed_attempts else failed_attempts + 1 end`,
      code_hash: sql`case when ${matches} then null else code_hash end`,
      expires_at: sql`case when ${matches} then ${now + 15 * MINUTE} else expires_at end`,
      updated_at: now,
    })
    .where('id', '=', flow.id)
    .where('state', '=', 'awaiting_code')
    .returning(['state', 'failed_attempts']);
  const logged = auditOf(deps, flow, client, { event: 'recovery-code-check', outcome: 'failure' });
  let checked: { state: string; failed_attempts: number } | undefined;
  if (deps.store.dialect === 'postgres') {
    // With its audit row in one statement (issue 7); a check that found the flow moved on is audited too.
    const outcome = sql`case when checked.state = 'code_verified' then 'success' else 'failure' end`;
    const result = await sql<{
      state: string;
      failed_attempts: number;
    }>`with checked as (${check}), logged as (${insertSelecting(
      'audit_events',
      { ...logged, outcome },
      sql`(select 1) as one left join checked on true`,
    )}) select state, failed_attempts from checked`.execute(deps.store.db);
    checked = result.rows[0];
  } else {
    checked = await deps.store.db.transaction().execute(async (trx) => {
      const row = (await trx.executeQuery(check.compile())).rows[0];
      const outcome = row?.state === 'code_verified' ? 'success' : 'failure';
      await trx
        .insertInto('audit_events')
        .values({ ...logged, outcome })
        .execute();
      return row;
    });
  }
  if (!checked) throw new SesameError('FLOW_WRONG_STATE', 'code raced');
  if (checked.state === 'code_verified') return;
  const left = MAX_CODE_ATTEMPTS - Number(checked.failed_attempts);
  const after = { ...toView(deps, flow), state: checked.state as FlowState, attemptsLeft: Math.max(0, left) };
  if (checked.state === 'failed') throw new CodeRefusal('CODE_TOO_MANY_ATTEMPTS', {}, after);
  throw new CodeRefusal('CODE_WRONG', { left }, after);
}

/** A wrong code, with the flow as the refusal left it: the page is shown again without reading it back. */
export class CodeRefusal extends SesameError {
  constructor(
    code: 'CODE_WRONG' | 'CODE_TOO_MANY_ATTEMPTS',
    params: Record<string, number>,
    readonly flow: FlowView,
  ) {
    super(code, undefined, params);
  }
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
  const c = contactsOf(deps, flow);
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
      await trx
        .insertInto('audit_events')
        .values(
          auditOf(deps, flow, input, {
            event: 'recovery-complete',
            outcome: 'success',
            details: { first: c.firstConnection },
          }),
        )
        .execute();
    },
  );
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
  const view = toView(deps, flow);
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
    await trx
      .insertInto('audit_events')
      .values(
        auditOf(deps, flow, client, {
          event: 'letter-requested',
          outcome: answer.status === 'queued' ? 'success' : 'failure',
        }),
      )
      .execute();
  });
  return answer;
}
