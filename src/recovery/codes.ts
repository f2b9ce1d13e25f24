// Steps 3 and 4 of the recovery flow: the activation code sent by e-mail or SMS (« Recevoir mon code »,
// « Renvoyer le code ») and typed back (« Merci de saisir votre code d'activation »). DESIGN.md §4
// "activation codes": NIST 800-63B §3.1.3, ASVS 6.5.
import { sql } from 'kysely';
import { outboxRow } from '../delivery/outbox.js';
import { SesameError } from '../errors.js';
import type { Locale } from '../i18n/types.js';
import { DAY, MINUTE, SECOND } from '../platform/clock.js';
import type { KeyedHasher } from '../platform/keyed-hash.js';
import type { Random } from '../platform/random.js';
import { insertSelecting } from '../store/statements.js';
import type { RecoveryFlowTable } from '../store/tables.js';
import type { FlowState } from './states.js';
import {
  auditOf,
  type Channel,
  type Client,
  contactsOf,
  type FlowView,
  type LoadedFlow,
  loadFlow,
  MAX_CODE_ATTEMPTS,
  RESEND_AFTER,
  type RecoveryDeps,
  requireState,
  toView,
} from './stored-flow.js';

export const CODE_TTL = 10 * MINUTE;
const CODE_DIGITS = 6;

function codeHash(hasher: KeyedHasher, flowId: string, code: string): string {
  return hasher.hash('recovery-code', `${flowId}:${code}`);
}

function newCode(random: Random): string {
  return String(random.int(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
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
