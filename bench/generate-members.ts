// Realistic synthetic member registry as CSV (DESIGN.md §6 columns), for the import benchmark.
//   node --import tsx bench/generate-members.ts 1000000 > /tmp/m.csv
//   node --import tsx bench/generate-members.ts 1000 --out /tmp/m.csv --delimiter ';' --seed 7
// Deterministic for a given seed. Member numbers are 8 digits in a scrambled order (a registry export
// is rarely sorted the way the index is), names carry French accents, and the contact mix covers the
// four cases of the guide: e-mail and mobile, e-mail only, mobile only, neither.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { MEMBER_FIELDS } from '../src/members/validate.js';

const HEADER = MEMBER_FIELDS;

const WOMEN = (
  'Marie|Nathalie|Isabelle|Sylvie|Catherine|Françoise|Hélène|Céline|Sophie|Valérie|Chloé|Léa' +
  '|Manon|Zoé|Élodie|Gaëlle|Noémie|Anaïs|Océane|Maëlle|Béatrice|Geneviève|Josée|Marie-Thérèse' +
  '|Anne-Sophie|Cécile|Agnès|Mélanie|Laëtitia|Inès'
).split('|');
const MEN = (
  'Jean|Pierre|Michel|Philippe|Alain|Nicolas|François|Jérôme|Stéphane|Frédéric|Hervé|Benoît' +
  '|Jérémy|Théo|Loïc|Gaël|Noël|Raphaël|Joël|Mathéo|Éric|André|Jean-Pierre|Jean-François|René' +
  '|Gérard|Aurélien|Clément|Sébastien|Maël'
).split('|');
const LAST = (
  'Martin|Bernard|Dubois|Thomas|Robert|Richard|Petit|Durand|Leroy|Moreau|Simon|Laurent' +
  '|Lefèvre|Michel|Garcia|David|Bertrand|Roux|Vincent|Fournier|Morel|Girard|André|Lefebvre' +
  '|Mercier|Dupont|Lambert|Bonnet|François|Martinez|Légaré|Bénard|Ménard|Gérard|Hébert|Côté' +
  '|Thériault|Pelletier|Lévêque|Boucher|Le Gall|Le Goff|N’Diaye|De La Fontaine|Saint-Étienne' +
  '|Müller|Nguyen|Da Silva|Lemaître|Brûlé|Dupré|Ferrand|Évrard|Noël|Rémy|Châtelain|Bœuf' +
  '|Lacôte|Besançon|Béranger'
).split('|');
const STREETS = (
  'rue Victor Hugo|avenue de la République|boulevard Gambetta|rue de la Gare' +
  '|place de l’Église|chemin des Vignes|allée des Tilleuls|rue Jean Jaurès|impasse des Lilas' +
  '|rue Pasteur|avenue du Général de Gaulle|rue des Écoles|route de Lyon|quai de la Loire' +
  '|rue Émile Zola|rue du Château|avenue Léon Blum|rue Saint-Honoré|cours Mirabeau' +
  '|rue de la Fontaine'
).split('|');
// Postal code and city, then split at the first space.
const CITIES = (
  '75011 Paris|75015 Paris|13008 Marseille|69003 Lyon|31000 Toulouse|06000 Nice|44000 Nantes' +
  '|67000 Strasbourg|34000 Montpellier|33000 Bordeaux|59000 Lille|35000 Rennes|51100 Reims' +
  '|42000 Saint-Étienne|83000 Toulon|38000 Grenoble|21000 Dijon|49000 Angers|30000 Nîmes' +
  '|63000 Clermont-Ferrand|29200 Brest|37000 Tours|87000 Limoges|80000 Amiens|66000 Perpignan' +
  '|57000 Metz|25000 Besançon|45000 Orléans|14000 Caen|76000 Rouen|64000 Pau|17000 La Rochelle' +
  '|74000 Annecy|20000 Ajaccio|01000 Bourg-en-Bresse|97400 Saint-Denis|24000 Périgueux' +
  '|84000 Avignon|73000 Chambéry|26000 Valence'
)
  .split('|')
  .map((pc) => [pc.slice(0, 5), pc.slice(6)] as const);
const ABROAD: ReadonlyArray<readonly [string, string, string]> = [
  ['1000', 'Bruxelles', 'Belgique'],
  ['1201', 'Genève', 'CH'],
  ['L-1009', 'Luxembourg', 'Luxembourg'],
  ['28001', 'Madrid', 'Espagne'],
  ['H2X 1Y4', 'Montréal', 'Canada'],
];
const DOMAINS: ReadonlyArray<readonly [string, number]> =
  'gmail.com=30 orange.fr=18 hotmail.fr=10 free.fr=10 wanadoo.fr=8 laposte.net=7 yahoo.fr=7 sfr.fr=5 outlook.fr=3 icloud.com=2'
    .split(' ')
    .map((dw) => [dw.split('=')[0]!, Number(dw.split('=')[1])] as const);
const LINE2 = ['Appartement 12', 'Chez Mme Dubois', 'Bâtiment B, 3e étage', 'Apt 4, escalier C', 'Porte 21'];
const LINE3 = ['Résidence Les Tilleuls', 'Résidence du Parc', 'Immeuble Le Concorde', 'Les Jardins d’Éole'];
const LINE5 = ['BP 45', 'Lieu-dit Les Granges', 'CS 30012', 'Hameau de Bellevue'];

/** mulberry32: a small seeded generator, so that two runs produce the same file. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/[^a-z]+/g, '');
}

function csvField(value: string, delimiter: string): string {
  return value.includes(delimiter) || value.includes('"') ? `"${value.replace(/"/g, '""')}"` : value;
}

export function memberRows(count: number, seed: number): Generator<string[]> {
  const random = seeded(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const weighted = (list: ReadonlyArray<readonly [string, number]>): string => {
    const total = list.reduce((s, [, w]) => s + w, 0);
    let r = random() * total;
    for (const [v, w] of list) {
      r -= w;
      if (r < 0) return v;
    }
    return list[0]![0];
  };
  const two = (): string => String(Math.floor(random() * 100)).padStart(2, '0');
  const mobile = (): string => {
    // Prefixes within the allocated mobile ranges (06 and 07 3x–9x), written the ways registries hold them.
    const prefix =
      random() < 0.7
        ? `6${pick(['0', '1', '2', '4', '5', '6', '7', '8'])}`
        : `7${3 + Math.floor(random() * 7)}`;
    const d = `${prefix}${String(Math.floor(random() * 1e7)).padStart(7, '0')}`;
    const pairs = [d.slice(1, 3), d.slice(3, 5), d.slice(5, 7), d.slice(7, 9)];
    const form = random();
    if (form < 0.4) return `0${d[0]}${pairs[0]} ${pairs.slice(1).join(' ')}`.replace(/^(\d\d)/, '$1 ');
    if (form < 0.65) return `0${d}`;
    if (form < 0.75) return `0${d[0]}.${pairs.join('.')}`;
    if (form < 0.9) return `+33 ${d[0]} ${pairs.join(' ')}`;
    if (form < 0.95) return `+33${d}`;
    return `0033${d}`;
  };
  // A bijection of [0, 90 000 000): distinct 8-digit numbers in scrambled order.
  const span = 90_000_000;
  const step = 48_271 * 97;
  const offset = Math.floor(random() * span);
  return (function* () {
    for (let i = 0; i < count; i++) {
      const woman = random() < 0.52;
      const civility =
        random() < 0.02 ? '' : woman ? pick(['Mme', 'Mme', 'Madame']) : pick(['M.', 'M', 'Monsieur']);
      const first = pick(woman ? WOMEN : MEN);
      const last = pick(LAST);
      const contact = random();
      const hasEmail = contact < 0.75;
      const hasMobile = contact < 0.55 || (contact >= 0.75 && contact < 0.9);
      const email = hasEmail
        ? `${fold(first)}${pick(['.', '_', '', '-'])}${fold(last)}${random() < 0.4 ? Math.floor(random() * 100) : ''}@${weighted(DOMAINS)}`
        : '';
      const abroad = random() < 0.02 ? pick(ABROAD) : undefined;
      const [postal, city] = abroad ?? pick(CITIES);
      const street = `${1 + Math.floor(random() * 180)}${random() < 0.05 ? ' bis' : ''}${random() < 0.1 ? ',' : ''} ${pick(STREETS)}`;
      const number = 10_000_000 + ((offset + i * step) % span);
      yield [
        String(number),
        civility,
        first,
        last,
        email,
        hasMobile ? (postal.startsWith('974') ? `0692 ${two()} ${two()} ${two()}` : mobile()) : '',
        random() < 0.15 ? pick(LINE2) : '',
        random() < 0.2 ? pick(LINE3) : '',
        random() < 0.97 ? street : '',
        random() < 0.05 ? pick(LINE5) : '',
        postal,
        city,
        abroad ? abroad[2] : '',
      ];
    }
  })();
}

export async function writeMembersCsv(
  out: Writable,
  count: number,
  seed = 1,
  delimiter = ',',
): Promise<void> {
  let chunk = `${HEADER.join(delimiter)}\n`;
  for (const row of memberRows(count, seed)) {
    chunk += `${row.map((v) => csvField(v, delimiter)).join(delimiter)}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.write(chunk);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i === -1 ? undefined : args.splice(i, 2)[1];
  };
  const outFile = option('--out');
  const seed = Number(option('--seed') ?? 1);
  const delimiter = option('--delimiter') ?? ',';
  const count = Number(args[0] ?? 1000);
  if (!Number.isInteger(count) || count < 0 || (delimiter !== ',' && delimiter !== ';')) {
    console.error('usage: generate-members.ts COUNT [--out FILE] [--seed N] [--delimiter ,|;]');
    process.exit(2);
  }
  // `generate-members.ts 1000000 | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(0);
  });
  const out = outFile ? createWriteStream(outFile) : process.stdout;
  await writeMembersCsv(out, count, seed, delimiter);
  if (outFile) {
    out.end();
    await once(out, 'finish');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
