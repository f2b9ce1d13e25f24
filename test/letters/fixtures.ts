// Shared set-up of the letter batch tests: batch dependencies, member addresses, printing into a file
// and reading it back with Debian's poppler-utils, as the mail room (and a member) would.
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Selectable } from 'kysely';
import { type BatchDeps, type PrintResult, printPendingLetters } from '../../src/letters/batches.js';
import type { LetterSettings } from '../../src/letters/pdf.js';
import { PROVISIONAL_ALPHABET } from '../../src/letters/provisional-password.js';
import { requestLetter } from '../../src/letters/requests.js';
import { OWASP_HASH_PARAMS } from '../../src/passwords/hashing.js';
import type { Clock } from '../../src/platform/clock.js';
import { cryptoRandom } from '../../src/platform/random.js';
import type { Store } from '../../src/store/db.js';
import type { LetterTable, MemberTable } from '../../src/store/tables.js';
import { seedMember } from '../helpers/members.js';

const poppler = spawnSync('pdftotext', ['-v']).error === undefined;
/** node:test `skip` option: false when pdftotext is there (and always under CI, where it must be). */
export const popplerSkip: false | string =
  poppler || process.env.CI === 'true' ? false : 'pdftotext missing: apt-get install poppler-utils';

export const SETTINGS: LetterSettings = {
  insurerName: 'Mutuelle des agents publics',
  insurerAddressLines: ['Service Adhérents', '12 rue de la République', '75011 PARIS'],
  insurerCity: 'Paris',
  insurerPhone: '09 69 00 00 00',
  signInUrl: 'https://adherents.mutuelle.example/connexion',
};

export function batchDeps(store: Store, clock: Clock): BatchDeps {
  return { store, clock, random: cryptoRandom, hashParams: OWASP_HASH_PARAMS, settings: SETTINGS };
}

export type AddressColumns = Partial<
  Pick<
    MemberTable,
    'address_line2' | 'address_line3' | 'address_line4' | 'address_line5' | 'postal_code' | 'city' | 'country'
  >
>;

export async function setAddress(store: Store, memberId: number, address: AddressColumns): Promise<void> {
  if (Object.keys(address).length === 0) return;
  await store.db.updateTable('members').set(address).where('id', '=', memberId).execute();
}

let printed = 0;
/** Prints the pending letters into a new file of `dir`. */
export async function printToFile(
  deps: BatchDeps,
  dir: string,
  onlyIds?: readonly number[],
): Promise<{ file: string; result: PrintResult }> {
  const file = join(dir, `batch-${process.pid}-${++printed}.pdf`);
  const result = await printPendingLetters(deps, createWriteStream(file, { mode: 0o600 }), 'test', onlyIds);
  return { file, result };
}

/** The text of each page, in page order (pdftotext separates pages with a form feed). */
export function pdfPages(file: string): string[] {
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  return text.split('\f').filter((page) => page.trim() !== '');
}

const GROUP = `[${PROVISIONAL_ALPHABET}]{4}`;
const PRINTED_PASSWORD = new RegExp(`\\b${GROUP}-${GROUP}-${GROUP}\\b`, 'g');

/** The provisional passwords printed on a page, as the member reads them (`XXXX-XXXX-XXXX`). */
export function passwordsOn(page: string): string[] {
  return page.match(PRINTED_PASSWORD) ?? [];
}

/** Member number → the provisional password printed on that member's page. */
export function passwordsByMember(file: string, memberNumbers: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const page of pdfPages(file)) {
    const number = memberNumbers.find((n) => page.includes(n));
    const [password, ...more] = passwordsOn(page);
    if (number === undefined || password === undefined || more.length > 0)
      throw new Error(`page without exactly one member and one password:\n${page}`);
    out.set(number, password);
  }
  return out;
}

/** A member with no e-mail and no mobile, at the given address, who asks for a letter now. */
export async function memberWithLetter(
  store: Store,
  number: string,
  clock: Clock,
  address: AddressColumns = {},
): Promise<number> {
  const id = await seedMember(store, { number, email: null, mobile: null }, clock.now());
  await setAddress(store, id, address);
  await store.db.transaction().execute((trx) =>
    requestLetter(trx, store.dialect, {
      memberId: id,
      requestedBy: 'member',
      now: clock.now(),
      intervalDays: 30,
    }),
  );
  return id;
}

export function lettersOf(store: Store, memberId: number): Promise<Selectable<LetterTable>[]> {
  return store.db.selectFrom('letters').selectAll().where('member_id', '=', memberId).orderBy('id').execute();
}
