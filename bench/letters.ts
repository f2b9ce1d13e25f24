// Letter printing benchmark (issue 5): pages per second and peak memory for a batch of N letters.
//   node --import tsx bench/letters.ts [count] [--mode both|pdf|batch] [--keep]
// - pdf: the PDF alone (writeLettersPdf), passwords generated but not hashed, no database;
// - batch: the real path, printPendingLetters on a temporary SQLite store seeded with N members and N
//   requested letters, an Argon2id hash (OWASP parameters) per provisional password, the batch recorded;
// - both (default): each mode in its own child process, so that each peak RSS is its own, then the ratio.
// Peak RSS is the kernel's high-water mark for the process (getrusage maxrss), seeding included.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatPostalAddress, type PostalMember } from '../src/letters/address.js';
import { type BatchDeps, printPendingLetters } from '../src/letters/batches.js';
import { type LetterContent, type LetterSettings, writeLettersPdf } from '../src/letters/pdf.js';
import { generateProvisionalPassword } from '../src/letters/provisional-password.js';
import { newLetterRow } from '../src/letters/requests.js';
import { OWASP_HASH_PARAMS } from '../src/passwords/hashing.js';
import { DAY } from '../src/platform/clock.js';
import { cryptoRandom } from '../src/platform/random.js';
import { migrate, openStore, type Store } from '../src/store/db.js';

type Mode = 'pdf' | 'batch';

interface ModeResult {
  readonly mode: Mode;
  readonly pages: number;
  readonly seconds: number;
  readonly pagesPerSecond: number;
  readonly fileMib: number;
  readonly startRssMib: number;
  readonly peakRssMib: number;
}

const SETTINGS: LetterSettings = {
  insurerName: 'Mutuelle des agents publics',
  insurerAddressLines: ['Service Adhérents', '12 rue de la République', '75011 PARIS'],
  insurerCity: 'Paris',
  insurerPhone: '09 69 00 00 00',
  signInUrl: 'https://adherents.mutuelle.example/connexion',
};
const DATE = Date.UTC(2026, 10, 29, 9, 0);
const STREETS = [
  'rue de la République',
  'avenue du Général-de-Gaulle',
  'boulevard Saint-Michel',
  'chemin des Écoliers',
];
const mib = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** The i-th member's address, the same in both modes; postal codes spread so that sorting has work. */
function benchAddress(i: number): PostalMember {
  return {
    civility: i % 2 ? 'M.' : 'Mme',
    first_name: i % 2 ? 'François' : 'Chloé',
    last_name: `Lefèvre-${i}`,
    address_line2: i % 3 ? null : `Appartement ${i % 50}`,
    address_line3: null,
    address_line4: `${(i % 200) + 1} ${STREETS[i % STREETS.length]}`,
    address_line5: null,
    postal_code: String(10_000 + ((i * 7919) % 85_000)).padStart(5, '0'),
    city: 'Saint-Étienne',
    country: null,
  };
}

function* pdfOnlyLetters(count: number): Generator<LetterContent> {
  for (let i = 0; i < count; i++) {
    yield {
      memberNumber: String(10_000_000 + i),
      addressLines: formatPostalAddress(benchAddress(i)).lines,
      provisionalPassword: generateProvisionalPassword(cryptoRandom),
      expiresAt: DATE + 30 * DAY,
      date: DATE,
    };
  }
}

/** N members with no e-mail and no mobile, each with a requested letter; 500 rows an INSERT. */
async function seedLetters(store: Store, count: number): Promise<void> {
  const CHUNK = 500;
  await store.db.transaction().execute(async (trx) => {
    for (let from = 0; from < count; from += CHUNK) {
      const members = [];
      for (let i = from; i < Math.min(count, from + CHUNK); i++) {
        const a = benchAddress(i);
        members.push({
          ...a,
          member_number: String(10_000_000 + i),
          search_name: `lefevre ${i}`,
          email: null,
          mobile: null,
          status: 'active' as const,
          created_at: DATE,
          updated_at: DATE,
        });
      }
      const ids = await trx.insertInto('members').values(members).returning('id').execute();
      await trx
        .insertInto('letters')
        .values(ids.map(({ id }) => newLetterRow(Number(id), 'member', DATE)))
        .execute();
    }
  });
}

async function runMode(mode: Mode, count: number, keep: boolean): Promise<ModeResult> {
  const dir = mkdtempSync(join(tmpdir(), `sesame-letters-bench-${mode}-`));
  const file = join(dir, 'letters.pdf');
  let store: Store | undefined;
  try {
    let deps: BatchDeps | undefined;
    if (mode === 'batch') {
      store = openStore({ databaseUrl: '', dataDir: dir });
      await migrate(store);
      await seedLetters(store, count);
      deps = {
        store,
        clock: { now: () => DATE },
        random: cryptoRandom,
        hashParams: OWASP_HASH_PARAMS,
        settings: SETTINGS,
      };
    }
    const startRss = process.memoryUsage().rss;
    const started = performance.now();
    const output = createWriteStream(file, { mode: 0o600 });
    const pages = deps
      ? (await printPendingLetters(deps, output, 'bench')).printed
      : (await writeLettersPdf(pdfOnlyLetters(count), output, SETTINGS)).pages;
    const seconds = (performance.now() - started) / 1000;
    return {
      mode,
      pages,
      seconds: Math.round(seconds * 10) / 10,
      pagesPerSecond: Math.round(pages / seconds),
      fileMib: mib(statSync(file).size),
      startRssMib: mib(startRss),
      // ru_maxrss is in KiB on Linux.
      peakRssMib: mib(process.resourceUsage().maxRSS * 1024),
    };
  } finally {
    await store?.close();
    if (keep) console.error(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one mode in a child process of its own and reads its one-line JSON result. */
function runChild(mode: Mode, count: number, keep: boolean): ModeResult {
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), String(count), '--mode', mode];
  if (keep) args.push('--keep');
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`${mode} mode failed (exit ${child.status})`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as ModeResult;
}

function describeResult(r: ModeResult): string {
  const what = r.mode === 'pdf' ? 'PDF only          ' : 'batch + Argon2id  ';
  return `${what} ${r.pages} pages in ${r.seconds} s = ${r.pagesPerSecond} pages/s; file ${r.fileMib} MiB; RSS ${r.startRssMib} MiB before, ${r.peakRssMib} MiB peak`;
}

const args = process.argv.slice(2);
const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 10_000);
const mode = args.includes('--mode') ? args[args.indexOf('--mode') + 1] : 'both';
const keep = args.includes('--keep');
if (mode === 'pdf' || mode === 'batch') {
  console.log(JSON.stringify(await runMode(mode, count, keep)));
} else {
  const pdf = runChild('pdf', count, keep);
  console.log(describeResult(pdf));
  const batch = runChild('batch', count, keep);
  console.log(describeResult(batch));
  console.log(
    `ratio: the real batch prints at ${(batch.pagesPerSecond / pdf.pagesPerSecond).toFixed(2)}× the PDF-only speed ` +
      `(${(pdf.pagesPerSecond / batch.pagesPerSecond).toFixed(1)}× slower); peak RSS ${(batch.peakRssMib / pdf.peakRssMib).toFixed(2)}×`,
  );
}
