// « Mot de passe oublié, ou première connexion » (DESIGN.md §2, the guide's six steps) as plain domain
// functions over the stored flow. Routes call exactly one of these per request: the number (step 2), the
// flow's page, the new password (step 5) and the letter here; the code (steps 3 and 4) in codes.ts.
import { SesameError } from '../errors.js';
import type { Locale } from '../i18n/types.js';
import { type LetterRequestAnswer, requestLetter } from '../letters/requests.js';
import { type Random, token } from '../platform/random.js';
import { setNewPassword } from '../sign-in/password-change.js';
import type { RecoveryFlowTable } from '../store/tables.js';
import {
  auditOf,
  type Client,
  contactsOf,
  FLOW_TTL,
  type FlowView,
  loadFlow,
  type RecoveryDeps,
  requireState,
  toView,
} from './stored-flow.js';

/** A fresh per-browser binding token for the cookie, or the one the browser already holds. */
export function bindingToken(random: Random, existing: string | undefined): string {
  return existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : token(random, 32);
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

export async function viewFlow(
  deps: RecoveryDeps,
  flowId: string,
  binding: string | undefined,
): Promise<FlowView> {
  return toView(deps, await loadFlow(deps, flowId, binding));
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
