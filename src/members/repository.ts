// Plain queries over the member registry (STYLE.md §8: a small persistence interface per concept).
import type { Kysely, Selectable } from 'kysely';
import type { Database, MemberTable } from '../store/tables.js';
import { foldForSearch } from './search-name.js';

export type Member = Selectable<MemberTable>;

export async function findMemberByNumber(db: Kysely<Database>, memberNumber: string): Promise<Member | undefined> {
  return db.selectFrom('members').selectAll().where('member_number', '=', memberNumber).executeTakeFirst();
}

export async function findMemberById(db: Kysely<Database>, id: number): Promise<Member | undefined> {
  return db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * By number prefix when the query is digits, else by name (accent- and case-insensitive). Both forms hold
 * only letters, digits and spaces once folded, so no LIKE wildcard can come from the query.
 */
export async function searchMembers(
  db: Kysely<Database>,
  query: string,
  page: { limit: number; offset: number },
): Promise<Member[]> {
  const q = query.trim().slice(0, 100);
  if (!q) return [];
  let select = db.selectFrom('members').selectAll();
  if (/^\d+$/.test(q)) select = select.where('member_number', 'like', `${q}%`);
  else {
    for (const word of foldForSearch(q).split(/\s+/).filter(Boolean).slice(0, 5)) {
      select = select.where('search_name', 'like', `%${word}%`);
    }
  }
  return select.orderBy('search_name').orderBy('member_number').limit(page.limit).offset(page.offset).execute();
}

export async function getCredential(db: Kysely<Database>, memberId: number) {
  return db.selectFrom('credentials').selectAll().where('member_id', '=', memberId).executeTakeFirst();
}
