import { hashPassword, OWASP_HASH_PARAMS } from '../../src/passwords/hashing.js';
import type { Store } from '../../src/store/db.js';

export const GOOD_PASSWORD = 'Ciel-Bleu-Marine-42!';
export const OTHER_GOOD_PASSWORD = 'Vagues&Rochers-du-Nord-77';

export interface SeedMember {
  readonly number: string;
  readonly email?: string | null;
  readonly mobile?: string | null;
  readonly password?: string;
  readonly status?: 'active' | 'closed';
  readonly firstName?: string;
  readonly lastName?: string;
}

/** Inserts a member (and a credential when a password is given); returns its id. */
export async function seedMember(store: Store, m: SeedMember, now = Date.now()): Promise<number> {
  const row = await store.db
    .insertInto('members')
    .values({
      member_number: m.number,
      civility: 'Mme',
      first_name: m.firstName ?? 'Hélène',
      last_name: m.lastName ?? 'Lefèvre',
      search_name: 'lefevre helene',
      email: m.email === undefined ? 'helene.lefevre@example.fr' : m.email,
      mobile: m.mobile === undefined ? '+33612345678' : m.mobile,
      address_line2: null,
      address_line3: null,
      address_line4: '12 RUE DES LILAS',
      address_line5: null,
      postal_code: '75011',
      city: 'Paris',
      country: null,
      status: m.status ?? 'active',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  if (m.password) {
    await store.db
      .insertInto('credentials')
      .values({
        member_id: id,
        password_hash: await hashPassword(m.password, OWASP_HASH_PARAMS),
        changed_at: now,
        must_change: 0,
      })
      .execute();
  }
  return id;
}
