// Setting a new password, from the member space, after a provisional (letter) password, or at the end of
// a recovery. One transaction: the credential, the end of the other sessions, the cleared lock, the audit
// entry and the notifications commit together or not at all (issue 8: no partial write).
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.js';
import { enqueueMessage } from '../delivery/outbox.js';
import { SesameError } from '../errors.js';
import type { Locale } from '../i18n/types.js';
import { type HashParams, hashPassword, verifyPassword } from '../passwords/hashing.js';
import { checkPassword, type PolicyPreset } from '../passwords/policy.js';
import { endOtherSessions } from '../sessions/sessions.js';
import type { Store } from '../store/db.js';
import type { Database } from '../store/tables.js';

export interface PasswordChangeDeps {
  readonly store: Store;
  readonly hashParams: HashParams;
  readonly policy: PolicyPreset;
}

export interface NewPasswordInput {
  readonly memberId: number;
  readonly newPassword: string;
  readonly confirmation: string;
  readonly ip: string;
  readonly userAgent: string;
  readonly locale: Locale;
  /** The session to keep (the one making the change); every other session ends. */
  readonly keepSessionId?: string;
  /** Required from the member space; absent after a recovery or a provisional password. */
  readonly currentPassword?: string;
  readonly reason: 'member-space' | 'recovery' | 'provisional';
}

/** Failed policy rule ids, for the page to list (NIST: say which rule failed). */
export class PolicyRefusal extends SesameError {
  constructor(readonly failedRules: readonly string[]) {
    super('PASSWORD_POLICY', failedRules.join(','));
  }
}

export async function setNewPassword(
  deps: PasswordChangeDeps,
  input: NewPasswordInput,
  now: number,
  // Lets the recovery flow close itself in the same transaction.
  within?: (trx: Kysely<Database>) => Promise<void>,
): Promise<void> {
  const { store } = deps;
  const member = await store.db
    .selectFrom('members')
    .leftJoin('credentials', 'credentials.member_id', 'members.id')
    .select([
      'members.id',
      'members.member_number',
      'members.first_name',
      'members.last_name',
      'members.email',
      'members.mobile',
      'credentials.password_hash',
    ])
    .where('members.id', '=', input.memberId)
    .executeTakeFirst();
  if (!member) throw new SesameError('SESSION_REQUIRED', 'member vanished');

  if (input.reason === 'member-space') {
    const ok =
      member.password_hash && input.currentPassword !== undefined
        ? await verifyPassword(member.password_hash, input.currentPassword)
        : false;
    if (!ok) throw new SesameError('CURRENT_PASSWORD_WRONG');
  }
  const result = checkPassword(input.newPassword, {
    preset: deps.policy,
    memberNumber: member.member_number,
    firstName: member.first_name,
    lastName: member.last_name,
  });
  if (!result.ok) throw new PolicyRefusal(result.failed);
  if (input.newPassword !== input.confirmation) throw new SesameError('PASSWORD_MISMATCH');

  const hash = await hashPassword(input.newPassword, deps.hashParams);
  await store.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('credentials')
      .values({ member_id: input.memberId, password_hash: hash, changed_at: now, must_change: 0 })
      .onConflict((oc) =>
        oc.column('member_id').doUpdateSet({ password_hash: hash, changed_at: now, must_change: 0 }),
      )
      .execute();
    await endOtherSessions(trx, 'member', input.memberId, input.keepSessionId);
    // A recovery or a new password proves control: the failure counter and any lock go (DESIGN.md §4).
    await trx.deleteFrom('throttles').where('key', '=', `account:${member.member_number}`).execute();
    // Letters not yet used are now pointless: their provisional passwords stop working.
    await trx
      .updateTable('letters')
      .set({ status: 'cancelled', cancelled_at: now, cancel_reason: 'password-set', provisional_hash: null })
      .where('member_id', '=', input.memberId)
      .where('status', 'in', ['requested', 'printed', 'flagged'])
      .where('provisional_used_at', 'is', null)
      .execute();
    await trx
      .updateTable('letters')
      .set({ provisional_hash: null })
      .where('member_id', '=', input.memberId)
      .where('status', '=', 'posted')
      .where('provisional_used_at', 'is', null)
      .execute();
    // NIST 800-63B §4.2 / ASVS 6.3.7: tell every address on file, never the password itself.
    for (const [channel, recipient] of [
      ['email', member.email],
      ['sms', member.mobile],
    ] as const) {
      if (!recipient) continue;
      await enqueueMessage(
        trx,
        {
          channel,
          recipient,
          template: 'password-changed',
          locale: input.locale,
          payload: { changedAt: String(now) },
          memberId: input.memberId,
        },
        now,
      );
    }
    await recordAudit(
      trx,
      {
        event: 'password-change',
        outcome: 'success',
        actor: `member:${member.member_number}`,
        memberId: input.memberId,
        memberNumber: member.member_number,
        ip: input.ip,
        userAgent: input.userAgent,
        details: { reason: input.reason },
      },
      now,
    );
    if (within) await within(trx);
  });
}
