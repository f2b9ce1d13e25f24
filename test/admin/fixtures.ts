// Data for the back-office tests, without the web app: staff accounts and members with real folded names.
import { createStaff, type StaffMember } from '../../src/admin/staff.js';
import { toSearchName } from '../../src/members/search-name.js';
import { OWASP_HASH_PARAMS } from '../../src/passwords/hashing.js';
import type { Store } from '../../src/store/db.js';

export const STAFF_PASSWORD = 'Guichet-Tournesol-2024!';

export async function seedStaff(
  store: Store,
  username: string,
  role: 'agent' | 'supervisor' | 'admin',
  now: number,
  displayName = `Agent ${username}`,
): Promise<StaffMember> {
  return createStaff(
    store.db,
    { username, displayName, role, password: STAFF_PASSWORD },
    { now, hashParams: OWASP_HASH_PARAMS, policy: 'house' },
  );
}

let memberSeq = 0;

/** A member with a real folded search name (the shared seedMember always writes « lefevre helene »). */
export async function seedNamedMember(
  store: Store,
  m: { number?: string; firstName: string; lastName: string; city?: string },
  now: number,
): Promise<{ id: number; number: string }> {
  const number = m.number ?? String(700000 + ++memberSeq);
  const row = await store.db
    .insertInto('members')
    .values({
      member_number: number,
      civility: 'Mme',
      first_name: m.firstName,
      last_name: m.lastName,
      search_name: toSearchName(m.lastName, m.firstName),
      email: `${number}@example.fr`,
      mobile: '+33612345678',
      address_line2: null,
      address_line3: null,
      address_line4: '3 RUE DES ÉCOLES',
      address_line5: null,
      postal_code: '69001',
      city: m.city ?? 'Lyon',
      country: null,
      status: 'active',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), number };
}

export async function auditRows(store: Store, event: string) {
  return store.db.selectFrom('audit_events').selectAll().where('event', '=', event).orderBy('id').execute();
}
