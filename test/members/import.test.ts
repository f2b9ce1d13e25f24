import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it, type TestContext } from 'node:test';
import {
  describeMember,
  formatImportSummary,
  ImportError,
  type ImportOptions,
  type ImportSummary,
  importMembers,
} from '../../src/members/import.js';
import { findMemberByNumber } from '../../src/members/repository.js';
import type { Store } from '../../src/store/db.js';
import { DIALECTS, type DialectCase } from '../helpers/stores.js';

const HEADER = [
  'member_number',
  'civility',
  'first_name',
  'last_name',
  'email',
  'mobile',
  'address_line2',
  'address_line3',
  'address_line4',
  'address_line5',
  'postal_code',
  'city',
  'country',
];
type Row = string[];
const GOOD: Row[] = [
  [
    '100001',
    'Mme',
    'Hélène',
    'Lefèvre',
    'helene.lefevre@orange.fr',
    '06 12 34 56 78',
    '',
    '',
    '8 rue des Tanneurs',
    '',
    '67000',
    'Strasbourg',
    '',
  ],
  [
    '100002',
    'M.',
    'François',
    'Nguyễn',
    'francois@gmail.com',
    '',
    '',
    'Résidence Les Érables',
    '27, avenue Jean Jaurès',
    '',
    '69007',
    'Lyon',
    '',
  ],
  [
    '100003',
    'Mme',
    'Aïcha',
    'Benali',
    '',
    '+33 7 81 23 45 67',
    '',
    '',
    '3 place du Capitole',
    '',
    '31000',
    'Toulouse',
    '',
  ],
  [
    '100004',
    'M.',
    'Jean-Noël',
    'Le Gall',
    '',
    '',
    'Chez Mme Le Gall',
    '',
    '14 hameau de Kerbriant',
    'Lieu-dit Kerbriant',
    '29200',
    'Brest',
    '',
  ],
  [
    '100005',
    '',
    'Anna',
    'Müller',
    'anna@web.de',
    '+49 151 23456789',
    '',
    '',
    'Hauptstraße 5',
    '',
    '10115',
    'Berlin',
    'DE',
  ],
];
const T0 = Date.UTC(2026, 0, 15, 2, 0);
const T1 = T0 + 86_400_000;

function csv(
  rows: Row[],
  o: { delimiter?: string; bom?: boolean; crlf?: boolean; header?: string[] } = {},
): Buffer {
  const d = o.delimiter ?? ',';
  const quote = (v: string) => (v.includes(d) || v.includes('"') ? `"${v.replace(/"/g, '""')}"` : v);
  const eol = o.crlf ? '\r\n' : '\n';
  const text = [o.header ?? HEADER, ...rows].map((r) => r.map(quote).join(d)).join(eol) + eol;
  return Buffer.concat([Buffer.from(o.bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text, 'utf8')]);
}

/** The file in small chunks, as a slow disk or a pipe would deliver it. */
function stream(bytes: Buffer, size = 97): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

function run(store: Store, bytes: Buffer, options: Partial<ImportOptions> = {}): Promise<ImportSummary> {
  return importMembers(store, stream(bytes), { memberNumberPattern: '^[0-9]{6,10}$', now: T0, ...options });
}

async function refusal(promise: Promise<unknown>): Promise<ImportError> {
  const error = await promise.then(
    () => assert.fail('expected the import to be refused'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ImportError, String(error));
  return error;
}

async function snapshot(store: Store): Promise<string> {
  const rows = await store.db.selectFrom('members').selectAll().orderBy('member_number').execute();
  return JSON.stringify(rows);
}

async function withStore(
  d: DialectCase,
  t: TestContext,
  body: (store: Store) => Promise<void>,
): Promise<void> {
  const reason = await d.skip();
  if (reason) return t.skip(reason);
  const store = await d.open();
  try {
    await body(store);
  } finally {
    await store.dispose();
  }
}

const changed = (rows: Row[], at: number, column: number, value: string): Row[] =>
  rows.map((r, i) => (i === at ? r.map((v, c) => (c === column ? value : v)) : r));

for (const d of DIALECTS) {
  describe(`member import on ${d.name}`, () => {
    it('inserts a comma-separated file and normalises its fields', (t) =>
      withStore(d, t, async (store) => {
        const summary = await run(store, csv(GOOD));
        assert.deepEqual(
          { ...summary, problems: summary.problems.length },
          { rows: 5, inserted: 5, updated: 0, unchanged: 0, rejected: 0, problems: 0 },
        );
        const helene = await findMemberByNumber(store.db, '100001');
        assert.equal(helene?.mobile, '+33612345678');
        assert.equal(helene?.search_name, 'lefevre helene');
        assert.equal(helene?.status, 'active');
        assert.equal(helene?.created_at, T0);
        const francois = await findMemberByNumber(store.db, '100002');
        assert.equal(francois?.address_line4, '27, avenue Jean Jaurès');
        assert.equal(francois?.email, 'francois@gmail.com');
        assert.equal(francois?.mobile, null);
        const anna = await findMemberByNumber(store.db, '100005');
        assert.equal(anna?.country, 'Allemagne');
        assert.equal(anna?.mobile, '+4915123456789');
      }));

    it('inserts a semicolon-separated file with a BOM and Windows line ends', (t) =>
      withStore(d, t, async (store) => {
        const summary = await run(store, csv(GOOD, { delimiter: ';', bom: true, crlf: true }));
        assert.equal(summary.inserted, 5);
        assert.equal((await findMemberByNumber(store.db, '100002'))?.address_line4, '27, avenue Jean Jaurès');
        assert.equal((await findMemberByNumber(store.db, '100005'))?.city, 'Berlin');
      }));

    it('reads the same registry whatever the delimiter and with or without a BOM', (t) =>
      withStore(d, t, async (store) => {
        const variants = [
          csv(GOOD, { delimiter: ',', bom: false }),
          csv(GOOD, { delimiter: ',', bom: true }),
          csv(GOOD, { delimiter: ';', bom: false }),
          csv(GOOD, { delimiter: ';', bom: true, crlf: true }),
        ];
        const counts = [];
        for (const file of variants) {
          const s = await run(store, file, { now: T1 });
          counts.push([s.inserted, s.unchanged]);
        }
        assert.deepEqual(counts, [
          [5, 0],
          [0, 5],
          [0, 5],
          [0, 5],
        ]);
      }));

    it('leaves every row alone when the same file comes again', (t) =>
      withStore(d, t, async (store) => {
        await run(store, csv(GOOD));
        const before = await snapshot(store);
        const again = await run(store, csv(GOOD, { delimiter: ';', bom: true }), { now: T1 });
        assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 5]);
        assert.equal(await snapshot(store), before, 'not even updated_at moved');
      }));

    it('updates the changed rows only and adds the new ones', (t) =>
      withStore(d, t, async (store) => {
        await run(store, csv(GOOD));
        const next = [
          ...changed(changed(GOOD, 0, 5, '07 99 88 77 66'), 3, 3, 'Le Gall-Kerouac'),
          ['100006', 'Mme', 'Zoé', 'Brûlé', '', '', '', '', '1 rue Haute', '', '75011', 'Paris', ''],
        ];
        const summary = await run(store, csv(next), { now: T1 });
        assert.deepEqual([summary.inserted, summary.updated, summary.unchanged], [1, 2, 3]);
        const helene = await findMemberByNumber(store.db, '100001');
        assert.equal(helene?.mobile, '+33799887766');
        assert.deepEqual([helene?.created_at, helene?.updated_at], [T0, T1]);
        assert.equal(
          (await findMemberByNumber(store.db, '100004'))?.search_name,
          'le gall kerouac jean noel',
        );
        assert.equal((await findMemberByNumber(store.db, '100002'))?.updated_at, T0);
      }));

    it('counts right across many batches', (t) =>
      withStore(d, t, async (store) => {
        const many = (n: number, from = 0, city = 'Lyon'): Row[] =>
          Array.from({ length: n }, (_, i) => {
            const k = from + i;
            return [
              String(300000 + k),
              'M.',
              'Jean',
              `Martin${k}`,
              '',
              '',
              '',
              '',
              '',
              '',
              '69003',
              k % 10 === 0 ? city : 'Lyon',
              '',
            ];
          });
        const first = await run(store, csv(many(2600)));
        assert.deepEqual([first.inserted, first.updated, first.unchanged], [2600, 0, 0]);
        const second = await run(store, csv([...many(2600, 0, 'Villeurbanne'), ...many(100, 2600)]), {
          now: T1,
        });
        assert.deepEqual(
          [second.rows, second.inserted, second.updated, second.unchanged],
          [2700, 100, 260, 2340],
        );
      }));

    // Each bad file is imported over a registry loaded at T0; it also carries a change and a new member,
    // which must not be applied either.
    const overGood = (bad: Row[]): Row[] => [
      ...changed(GOOD, 0, 4, 'changed@orange.fr'),
      ['100006', 'Mme', 'Zoé', 'Brûlé', '', '', '', '', '1 rue Haute', '', '75011', 'Paris', ''],
      ...bad,
    ];
    const badFiles: Array<[string, () => Buffer, RegExp]> = [
      [
        'a wrong header',
        () => csv(GOOD, { header: ['numero', ...HEADER.slice(1)] }),
        /ligne 1\u202F: colonne inconnue «\u202Fnumero\u202F»[\s\S]*colonne manquante «\u202Fmember_number\u202F»/,
      ],
      [
        'an unknown column',
        () =>
          csv(
            GOOD.map((r) => [...r, 'x']),
            { header: [...HEADER, 'iban'] },
          ),
        /ligne 1\u202F: colonne inconnue «\u202Fiban\u202F»/,
      ],
      [
        'a duplicate member number',
        () => csv(overGood([['100003', 'M.', 'Paul', 'Petit', '', '', '', '', '', '', '', '', '']])),
        /ligne 8\u202F: N° adhérent déjà présent ligne 4 du fichier/,
      ],
      [
        'a 10 MB line',
        () => Buffer.concat([csv(overGood([])), Buffer.alloc(10 * 1024 * 1024, 'x'), Buffer.from('\n')]),
        /ligne 8\u202F: ligne de plus de 64 Kio/,
      ],
      [
        'Latin-1 bytes',
        () =>
          Buffer.concat([
            csv(overGood([])),
            Buffer.from('100007,Mme,H\xe9l\xe8ne,Dupr\xe9,,,,,,,,,\n', 'latin1'),
          ]),
        /ligne 8\u202F: le fichier n’est pas en UTF-8/,
      ],
      [
        'a bad e-mail',
        () =>
          csv(overGood([['100007', 'M.', 'Paul', 'Petit', 'paul@@free.fr', '', '', '', '', '', '', '', '']])),
        /ligne 8\u202F: adresse e-mail invalide/,
      ],
      [
        'a bad mobile',
        () =>
          csv(
            overGood([['100007', 'M.', 'Paul', 'Petit', '', '01 45 67 89 12', '', '', '', '', '', '', '']]),
          ),
        /ligne 8\u202F: numéro de mobile invalide/,
      ],
      [
        'a 39-character address line',
        () =>
          csv(overGood([['100007', 'M.', 'Paul', 'Petit', '', '', '', '', 'x'.repeat(39), '', '', '', '']])),
        /ligne 8\u202F: «\u202Fadresse ligne 4\u202F» trop long\u202F: 39 caractères, 38 au plus/,
      ],
      [
        'a row with a missing column',
        () => csv(overGood([['100007', 'M.', 'Paul']])),
        /ligne 8\u202F: 3 colonne\(s\) au lieu de 13/,
      ],
      ['an empty file', () => Buffer.alloc(0), /ligne 1\u202F: fichier vide/],
    ];
    for (const [what, file, expected] of badFiles) {
      it(`refuses a file with ${what}, naming the line, and changes nothing`, (t) =>
        withStore(d, t, async (store) => {
          await run(store, csv(GOOD));
          const before = await snapshot(store);
          const error = await refusal(run(store, file(), { now: T1 }));
          assert.match(error.message, expected);
          assert.match(error.message, /Aucune modification n’a été appliquée/);
          assert.equal(await snapshot(store), before);
        }));
    }

    it('refuses an empty file even on an empty registry', (t) =>
      withStore(d, t, async (store) => {
        const error = await refusal(run(store, Buffer.from([0xef, 0xbb, 0xbf, 0x0a])));
        assert.equal(error.problems[0]?.line, 1);
        assert.equal(await store.db.selectFrom('members').select('id').executeTakeFirst(), undefined);
      }));

    it('with skipInvalid, applies the good rows and reports the bad ones', (t) =>
      withStore(d, t, async (store) => {
        const rows = [
          ...GOOD.slice(0, 2),
          ['100007', 'M.', 'Paul', 'Petit', 'paul@@free.fr', '', '', '', '', '', '', '', ''],
          ...GOOD.slice(2),
          ['100001', 'M.', 'Doublon', 'Doublon', '', '', '', '', '', '', '', '', ''],
        ];
        const summary = await run(store, csv(rows), { skipInvalid: true });
        assert.deepEqual([summary.rows, summary.inserted, summary.rejected], [7, 5, 2]);
        assert.deepEqual(
          summary.problems.map((p) => p.line),
          [4, 8],
        );
        assert.equal(await findMemberByNumber(store.db, '100007'), undefined);
        assert.equal((await findMemberByNumber(store.db, '100001'))?.first_name, 'Hélène');
        const report = formatImportSummary(summary);
        assert.match(report, /ajoutés +5/);
        assert.match(report, /rejetés +2/);
        assert.match(report, /ligne 4\u202F: adresse e-mail invalide/);
        assert.match(report, /ligne 8\u202F: N° adhérent déjà présent ligne 2 du fichier/);
      }));

    it('lists at most 100 problems and says there may be more', (t) =>
      withStore(d, t, async (store) => {
        const bad = Array.from({ length: 150 }, (_, i) => [
          String(200000 + i),
          'Sire',
          'A',
          'B',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
        ]);
        const error = await refusal(run(store, csv(bad)));
        assert.equal(error.problems.length, 100);
        assert.equal(error.problems[99]?.line, 101);
        assert.match(error.message, /^Import refusé\u202F: 100 ligne\(s\) invalide\(s\) au moins/);
      }));

    it('reports progress in bytes and rows', (t) =>
      withStore(d, t, async (store) => {
        const bytes = csv(GOOD);
        const seen: Array<{ bytes: number; rows: number }> = [];
        await run(store, bytes, { onProgress: (p) => seen.push(p) });
        assert.deepEqual(seen.at(-1), { bytes: bytes.length, rows: 5 });
      }));

    it('describes a member with masked contact details', (t) =>
      withStore(d, t, async (store) => {
        await run(store, csv(GOOD));
        const text = describeMember((await findMemberByNumber(store.db, '100001'))!);
        assert.match(text, /N° adhérent +100001/);
        assert.match(text, /Mme Hélène Lefèvre/);
        assert.match(text, /h\*{5}@o\*{4}\.fr/);
        assert.match(text, /06 \*\* \*\* \*\* 78/);
        assert.doesNotMatch(text, /helene\.lefevre|12 34 56|Tanneurs/);
      }));
  });
}
