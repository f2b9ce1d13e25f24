// Hostile input on the command line (issue 8): a member CSV full of quotes, separators, line breaks, NUL,
// confusable digits, markup and bytes that are not UTF-8; hostile member numbers for `members show` and
// hostile batch ids for `letters posted`. Each time: a French message and a non-zero exit when refused,
// no stack trace, and an import that is applied entirely or not at all.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { MEMBER_FIELDS } from '../../src/members/validate.js';
import { migrate, openStore, type Store } from '../../src/store/db.js';
import {
  assertCleanFailure,
  assertNoLeak,
  checkProperty,
  hostileString,
  invalidUtf8,
  runSesame,
} from '../helpers/hostile.js';
import { seedMember } from '../helpers/members.js';

const VALID_ROW: readonly string[] = [
  '300001',
  'Mme',
  'Hélène',
  'Lefèvre',
  'helene@example.fr',
  '0612345678',
  '',
  '',
  '12 rue des Lilas',
  '',
  '75011',
  'Paris',
  '',
];

/** A CSV field as written: quoted properly, or raw (a quote or separator inside then breaks the line). */
const csvField = (value: string, quoted: boolean): string =>
  quoted ? `"${value.replaceAll('"', '""')}"` : value;

interface HostileCsv {
  readonly bytes: Buffer;
  readonly skipInvalid: boolean;
}

/** A member file: the right header (or not), rows with some fields replaced by hostile text or bytes. */
const hostileCsv: fc.Arbitrary<HostileCsv> = fc
  .record({
    separator: fc.constantFrom(',', ';'),
    newline: fc.constantFrom('\n', '\r\n', '\r'),
    bom: fc.boolean(),
    header: fc.option(hostileString, { freq: 5 }),
    rows: fc.array(
      fc.record({
        n: fc.integer({ min: 0, max: 999 }),
        hostile: fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), hostileString), { maxLength: 3 }),
        quoted: fc.boolean(),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    bytes: fc.option(invalidUtf8, { freq: 5 }),
    skipInvalid: fc.boolean(),
  })
  .map((f) => {
    const header = f.header ?? MEMBER_FIELDS.join(f.separator);
    const lines = f.rows.map((r) => {
      const row = [...VALID_ROW];
      row[0] = String(300000 + r.n);
      for (const [i, v] of r.hostile) row[i] = v;
      return row.map((v) => csvField(v, r.quoted)).join(f.separator);
    });
    const text = Buffer.from([header, ...lines].join(f.newline) + f.newline);
    const body = f.bytes ? Buffer.concat([text, f.bytes, Buffer.from(f.newline)]) : text;
    return {
      bytes: f.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body,
      skipInvalid: f.skipInvalid,
    };
  });

async function memberCount(store: Store): Promise<number> {
  const r = await store.db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('hostile input on the sesame command', () => {
  let dir: string;
  let dataDir: string;
  let store: Store;
  const env = () => ({ SESAME_DATA_DIR: dataDir });
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sesame-cli-hostile-'));
    dataDir = join(dir, 'data');
    store = openStore({ databaseUrl: '', dataDir });
    await migrate(store);
    await seedMember(store, { number: '100001' });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a hostile member file entirely or not at all, with a French report and no stack trace', async () => {
    let n = 0;
    await checkProperty(
      fc.asyncProperty(hostileCsv, async (csv) => {
        const file = join(dir, `members-${n++}.csv`);
        writeFileSync(file, csv.bytes);
        const before = await memberCount(store);
        const out = await runSesame(
          ['members', 'import', file, ...(csv.skipInvalid ? ['--skip-invalid'] : [])],
          env(),
        );
        assertNoLeak(`${out.stdout}\n${out.stderr}`, 'members import');
        const after = await memberCount(store);
        if (out.code === 0) {
          assert.match(out.stdout, /Import terminé\./);
          const added = Number(/ajoutés\s+(\d+)/.exec(out.stdout)?.[1]);
          assert.equal(after, before + added, 'the summary tells what was added');
        } else {
          assertCleanFailure(out, 'members import', /Import refusé|^Erreur :/m);
          assert.match(out.stderr, /ligne \d+|Aucune modification/);
          assert.equal(after, before, 'a refused file changes nothing');
        }
      }),
      { numRuns: 8 },
    );
  });

  it('refuses an unreadable file name with a French message', async () => {
    const out = await runSesame(['members', 'import', join(dir, 'absent\u202e.csv')], env());
    assertCleanFailure(out, 'members import', /fichier introuvable/);
  });

  it('answers hostile member numbers on `members show` with a French message and exit 1', async () => {
    await checkProperty(
      fc.asyncProperty(
        // An argument cannot hold NUL (the system cuts it) and one starting with « - » is an option.
        hostileString.map((s) => s.replaceAll('\u0000', '').replace(/^-+/, '') || "'"),
        async (number) => {
          const out = await runSesame(['members', 'show', '--', number], env());
          assertCleanFailure(out, `members show ${number.slice(0, 40)}`, /^Aucun adhérent avec le N° /m);
          // The echo is cut: a 9,000-character argument does not come back whole.
          assert.ok(out.stderr.length < 200, 'the message stays short');
        },
      ),
      { numRuns: 5 },
    );
  });

  it('answers hostile batch ids on `letters posted` with a French message and exit 1', async () => {
    await checkProperty(
      fc.asyncProperty(
        fc.oneof(
          hostileString.map((s) => s.replaceAll('\u0000', '').replace(/^-+/, '') || 'x'),
          fc.constantFrom('99999999999999999999', '1e3', '0x10', '１２', '9007199254740993', '3.5'),
        ),
        async (batch) => {
          const out = await runSesame(['letters', 'posted', '--', batch], env());
          assertCleanFailure(out, `letters posted ${batch.slice(0, 40)}`, /^Erreur : /m);
          assert.ok(out.stderr.length < 300, 'the message stays short');
        },
      ),
      { numRuns: 5 },
    );
  });

  it('takes a negative number for a member number, not for an option', async () => {
    const out = await runSesame(['members', 'show', '-1'], env());
    assertCleanFailure(out, 'members show -1', /^Aucun adhérent avec le N° -1\.$/m);
  });
});
