// Staff accounts (issue 6): separate from members, Argon2id passwords under the same policy as members,
// a mandatory TOTP second factor enrolled at first sign-in. Disabled accounts are kept for the audit trail.
import type { Kysely, Selectable } from 'kysely';
import { type HashParams, hashPassword } from '../passwords/hashing.js';
import { checkPassword, type PolicyPreset, type RuleId } from '../passwords/policy.js';
import type { Database, StaffTable } from '../store/tables.js';
import { isStaffRole, type StaffRole } from './roles.js';

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;
export const DISPLAY_NAME_MAX = 100;

/** A staff row as read (ids are plain numbers). Holds the hash and sealed secret: never sent to a view. */
export type StaffRow = Selectable<StaffTable>;

export interface StaffMember {
  readonly id: number;
  readonly username: string;
  readonly displayName: string;
  readonly role: StaffRole;
  readonly status: 'active' | 'disabled';
  readonly totpEnrolled: boolean;
  readonly createdAt: number;
}

export type StaffRefusalReason = 'username' | 'username-taken' | 'display-name' | 'role' | 'password';

/** Why an account could not be created: one reason, plus the failed password rules if any. */
export class StaffRefusal extends Error {
  constructor(
    readonly reason: StaffRefusalReason,
    readonly failedRules: readonly RuleId[] = [],
  ) {
    super(`staff refused: ${reason}${failedRules.length ? ` (${failedRules.join(', ')})` : ''}`);
    this.name = 'StaffRefusal';
  }
}

export interface NewStaff {
  readonly username: string;
  readonly displayName: string;
  readonly role: string;
  readonly password: string;
}

/** Lower-case and trimmed, or undefined when it cannot be a username. */
export function normaliseUsername(raw: string): string | undefined {
  const u = raw.trim().toLowerCase();
  return USERNAME_PATTERN.test(u) ? u : undefined;
}

export function toStaffMember(
  row: Pick<
    StaffRow,
    'id' | 'username' | 'display_name' | 'role' | 'status' | 'totp_enrolled_at' | 'created_at'
  >,
): StaffMember {
  return {
    id: Number(row.id),
    username: row.username,
    displayName: row.display_name,
    role: isStaffRole(row.role) ? row.role : 'agent',
    status: row.status === 'active' ? 'active' : 'disabled',
    totpEnrolled: row.totp_enrolled_at !== null,
    createdAt: Number(row.created_at),
  };
}

const PUBLIC_COLUMNS = [
  'id',
  'username',
  'display_name',
  'role',
  'status',
  'totp_enrolled_at',
  'created_at',
] as const;

/** Checks and stores a new account; the password follows the members' policy preset (NIST 800-63B §3.1.1.2). */
export async function createStaff(
  db: Kysely<Database>,
  input: NewStaff,
  opts: { readonly now: number; readonly hashParams: HashParams; readonly policy: PolicyPreset },
): Promise<StaffMember> {
  const username = normaliseUsername(input.username);
  if (!username) throw new StaffRefusal('username');
  const displayName = input.displayName.trim().replace(/\s+/g, ' ');
  if (displayName.length === 0 || displayName.length > DISPLAY_NAME_MAX || /[\p{Cc}]/u.test(displayName)) {
    throw new StaffRefusal('display-name');
  }
  if (!isStaffRole(input.role)) throw new StaffRefusal('role');
  const verdict = checkPassword(input.password, {
    preset: opts.policy,
    memberNumber: username,
    lastName: displayName,
  });
  if (!verdict.ok) throw new StaffRefusal('password', verdict.failed);
  if (await findStaffByUsername(db, username)) throw new StaffRefusal('username-taken');
  const passwordHash = await hashPassword(input.password, opts.hashParams);
  try {
    const row = await db
      .insertInto('staff')
      .values({
        username,
        display_name: displayName,
        role: input.role,
        password_hash: passwordHash,
        totp_secret: null,
        totp_enrolled_at: null,
        totp_last_step: 0,
        status: 'active',
        created_at: opts.now,
      })
      .returning(PUBLIC_COLUMNS)
      .executeTakeFirstOrThrow();
    return toStaffMember(row);
  } catch (e) {
    // Two creations of the same name at once: the unique index decides, the loser gets a clear refusal.
    if (await findStaffByUsername(db, username)) throw new StaffRefusal('username-taken');
    throw e;
  }
}

export async function findStaffByUsername(
  db: Kysely<Database>,
  username: string,
): Promise<StaffRow | undefined> {
  const row = await db
    .selectFrom('staff')
    .selectAll()
    .where('username', '=', username.slice(0, 64))
    .executeTakeFirst();
  return row ? { ...row, id: Number(row.id) } : undefined;
}

export async function findStaffById(db: Kysely<Database>, id: number): Promise<StaffRow | undefined> {
  const row = await db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? { ...row, id: Number(row.id) } : undefined;
}

export async function listStaff(db: Kysely<Database>): Promise<StaffMember[]> {
  const rows = await db.selectFrom('staff').select(PUBLIC_COLUMNS).orderBy('username').execute();
  return rows.map(toStaffMember);
}

export async function setStaffStatus(
  db: Kysely<Database>,
  id: number,
  status: 'active' | 'disabled',
): Promise<boolean> {
  const res = await db.updateTable('staff').set({ status }).where('id', '=', id).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Lost phone: the next sign-in enrols a new authenticator. The step counter stays, so old codes stay spent. */
export async function resetStaffTotp(db: Kysely<Database>, id: number): Promise<boolean> {
  const res = await db
    .updateTable('staff')
    .set({ totp_secret: null, totp_enrolled_at: null })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
