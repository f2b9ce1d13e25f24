// Prints N letters to one PDF under /tmp and reports pages/s and peak RSS, to check that a big batch
// streams with flat memory. Run: node --import tsx bench/letters.ts [count] (default 10000); add
// --expose-gc to also see the live heap as pages go.
import { createWriteStream, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatPostalAddress } from '../src/letters/address.js';
import { type LetterContent, writeLettersPdf } from '../src/letters/pdf.js';
import { generateProvisionalPassword } from '../src/letters/provisional-password.js';
import { DAY } from '../src/platform/clock.js';
import { cryptoRandom } from '../src/platform/random.js';

const count = Number(process.argv[2] ?? 10_000);
const file = join(tmpdir(), `sesame-letters-bench-${process.pid}.pdf`);
const date = Date.UTC(2026, 10, 29, 9, 0);
const streets = [
  'rue de la République',
  'avenue du Général-de-Gaulle',
  'boulevard Saint-Michel',
  'chemin des Écoliers',
];

let peakRss = process.memoryUsage().rss;
const startRss = peakRss;
function sampleRss(): void {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}

// With --expose-gc, what stays reachable as pages go (pdfkit keeps a small page-tree entry per page).
const gc = (globalThis as { gc?: () => void }).gc;
const liveHeaps: number[] = [];

function* letters(): Generator<LetterContent> {
  for (let i = 0; i < count; i++) {
    if (i % 100 === 0) sampleRss();
    if (gc && i % 1000 === 0) {
      gc();
      liveHeaps.push(process.memoryUsage().heapUsed);
    }
    const address = formatPostalAddress({
      civility: i % 2 ? 'M.' : 'Mme',
      first_name: i % 2 ? 'François' : 'Chloé',
      last_name: `Lefèvre-${i}`,
      address_line2: i % 3 ? null : `Appartement ${i % 50}`,
      address_line3: null,
      address_line4: `${(i % 200) + 1} ${streets[i % streets.length]}`,
      address_line5: null,
      postal_code: String(10_000 + (i % 85_000)).padStart(5, '0'),
      city: 'Saint-Étienne',
      country: null,
    });
    yield {
      memberNumber: String(10_000_000 + i),
      addressLines: address.lines,
      provisionalPassword: generateProvisionalPassword(cryptoRandom),
      expiresAt: date + 30 * DAY,
      date,
    };
  }
}

const timer = setInterval(sampleRss, 20);
const started = performance.now();
const { pages } = await writeLettersPdf(letters(), createWriteStream(file), {
  insurerName: 'Mutuelle des agents publics',
  insurerAddressLines: ['Service Adhérents', '12 rue de la République', '75011 PARIS'],
  insurerCity: 'Paris',
  insurerPhone: '09 69 00 00 00',
  signInUrl: 'https://adherents.mutuelle.example/connexion',
});
const seconds = (performance.now() - started) / 1000;
clearInterval(timer);
sampleRss();
const mib = (n: number): string => (n / 1024 / 1024).toFixed(1);
console.log(`letters: ${pages} pages in ${seconds.toFixed(1)} s = ${(pages / seconds).toFixed(0)} pages/s`);
console.log(`file: ${file} (${mib(statSync(file).size)} MiB)`);
console.log(`rss: ${mib(startRss)} MiB at start, ${mib(peakRss)} MiB peak`);
if (gc) console.log(`live heap (after GC, every 1000 letters): ${liveHeaps.map(mib).join(' → ')} MiB`);
