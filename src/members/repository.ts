// Plain queries over the member registry (STYLE.md §8: a small persistence interface per concept).
import type { Kysely, Selectable } from 'kysely';
import type { CredentialTable, Database, MemberTable } from '../store/tables.js';
import { foldForSearch } from './search-name.js';

export type Member = Selectable<MemberTable>;
export type Credential = Selectable<CredentialTable>;

const MAX_QUERY_LENGTH = 100;
const MAX_WORDS = 5;

export async function findMemberByNumber(
  db: Kysely<Database>,
  memberNumber: string,
): Promise<Member | undefined> {
  return db.selectFrom('members').selectAll().where('member_number', '=', memberNumber).executeTakeFirst();
}

export async function findMemberById(db: Kysely<Database>, id: number): Promise<Member | undefined> {
  return db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Digits: member numbers starting with them. Anything else: members whose folded « nom prénom » has a word
 * starting with each folded word of the query (« lefevre h », « Hélène LEFÈVRE »). Folding leaves only
 * letters, digits and spaces, so no LIKE wildcard can come from the query.
 */
export async function searchMembers(
  db: Kysely<Database>,
  query: string,
  page: { readonly limit: number; readonly offset: number },
): Promise<Member[]> {
  const q = query.trim().slice(0, MAX_QUERY_LENGTH);
  let select = db.selectFrom('members').selectAll();
  if (/^[0-9]+$/.test(q)) {
    select = select.where('member_number', 'like', `${q}%`);
  } else {
    const words = foldForSearch(q).split(' ').filter(Boolean).slice(0, MAX_WORDS);
    if (words.length === 0) return [];
    for (const w of words) {
      select = select.where((eb) =>
        eb.or([eb('search_name', 'like', `${w}%`), eb('search_name', 'like', `% ${w}%`)]),
      );
    }
  }
  return select
    .orderBy('search_name')
    .orderBy('member_number')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function getCredential(db: Kysely<Database>, memberId: number): Promise<Credential | undefined> {
  return db.selectFrom('credentials').selectAll().where('member_id', '=', memberId).executeTakeFirst();
}

/** Sets (or replaces) the member's password hash; `mustChange` for a provisional password from a letter. */
export async function setPassword(
  db: Kysely<Database>,
  memberId: number,
  hash: string,
  now: number,
  mustChange = false,
): Promise<void> {
  const values = { password_hash: hash, changed_at: now, must_change: mustChange ? 1 : 0 };
  await db
    .insertInto('credentials')
    .values({ member_id: memberId, ...values })
    .onConflict((oc) => oc.column('member_id').doUpdateSet(values))
    .execute();
}
