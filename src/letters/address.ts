// The postal address block of a letter, after NF Z10-011 (AFNOR, 2013) as La Poste explains it:
// at most 6 lines (a 7th for the country abroad), at most 38 characters each, spaces included, no
// blank line; from line 4 on only letters, digits and spaces (no comma, full stop, hyphen…) and the
// last lines in capitals without accents, since the sorting machines read them optically.
// A line is never cut silently: it is abbreviated, then wrapped onto a free line, else reported.
import type { Locale } from '../i18n/types.js';
import type { MemberTable } from '../store/tables.js';
import { unprintableCharacters } from './pdf.js';
import { en, fr } from './texts.js';

export type PostalMember = Pick<
  MemberTable,
  | 'civility'
  | 'first_name'
  | 'last_name'
  | 'address_line2'
  | 'address_line3'
  | 'address_line4'
  | 'address_line5'
  | 'postal_code'
  | 'city'
  | 'country'
>;

export interface PostalAddress {
  /** The lines to print, top to bottom. */
  lines: string[];
  /** Why the letter cannot be posted as is, for staff (empty when it can). */
  problems: string[];
}

export const MAX_LINE_LENGTH = 38;
const MAX_LINES_FRANCE = 6;

/** A line of the address, with the NF Z10-011 line number it comes from (1–6, 7 for the country). */
interface Line {
  readonly n: number;
  text: string;
}

// Abbreviations of La Poste's reference lists (types of way, address complements, titles), tried in this
// order and only on a line that is too long: the standard wants full words whenever they fit.
const ABBREVIATIONS: ReadonlyArray<readonly [string, string]> = [
  ['BOULEVARD', 'BD'],
  ['AVENUE', 'AV'],
  ['RESIDENCE', 'RES'],
  ['BATIMENT', 'BAT'],
  ['APPARTEMENT', 'APPT'],
  ['ESCALIER', 'ESC'],
  ['IMMEUBLE', 'IMM'],
  ['ETAGE', 'ETG'],
  ['ENTREE', 'ENT'],
  ['LOTISSEMENT', 'LOT'],
  ['CHEMIN', 'CHE'],
  ['ROUTE', 'RTE'],
  ['ALLEE', 'ALL'],
  ['IMPASSE', 'IMP'],
  ['PLACE', 'PL'],
  ['CHAUSSEE', 'CHS'],
  ['CARREFOUR', 'CAR'],
  ['CORNICHE', 'COR'],
  ['COURS', 'CRS'],
  ['DOMAINE', 'DOM'],
  ['DESCENTE', 'DSC'],
  ['ESPLANADE', 'ESP'],
  ['FAUBOURG', 'FG'],
  ['HAMEAU', 'HAM'],
  ['LIEU DIT', 'LD'],
  ['MONTEE', 'MTE'],
  ['PASSAGE', 'PAS'],
  ['PLATEAU', 'PLT'],
  ['PROMENADE', 'PRO'],
  ['PARVIS', 'PRV'],
  ['QUARTIER', 'QUA'],
  ['RUELLE', 'RLE'],
  ['ROCADE', 'ROC'],
  ['ROND POINT', 'RPT'],
  ['SENTIER', 'SEN'],
  ['SQUARE', 'SQ'],
  ['TERRE PLEIN', 'TPL'],
  ['TRAVERSE', 'TRA'],
  ['VILLAGE', 'VLGE'],
  ['VILLA', 'VLA'],
  ['ZONE INDUSTRIELLE', 'ZI'],
  ['ZONE ARTISANALE', 'ZA'],
  ['BOITE POSTALE', 'BP'],
  ['SAINTE', 'STE'],
  ['SAINT', 'ST'],
  ['NOTRE DAME', 'ND'],
  ['GENERAL', 'GAL'],
  ['MARECHAL', 'MAL'],
  ['PRESIDENT', 'PDT'],
  ['DOCTEUR', 'DR'],
  ['PROFESSEUR', 'PR'],
  ['COMMANDANT', 'CDT'],
  ['CAPITAINE', 'CNE'],
  ['LIEUTENANT', 'LT'],
  ['COLONEL', 'COL'],
  ['MONSEIGNEUR', 'MGR'],
  ['CHATEAU', 'CHT'],
  ['GRANDE', 'GDE'],
  ['GRAND', 'GD'],
  ['ANCIENNE', 'ANC'],
  ['ANCIEN', 'ANC'],
  ['BIS', 'B'],
  ['TER', 'T'],
  ['QUATER', 'Q'],
];
const CIVILITIES: ReadonlyArray<readonly [string, string]> = [
  ['MONSIEUR ET MADAME', 'M. et Mme'],
  ['MONSIEUR', 'M.'],
  ['MADAME', 'Mme'],
  ['MADEMOISELLE', 'Mlle'],
  ['MAITRE', 'Me'],
  ['DOCTEUR', 'Dr'],
];
const FRANCE = new Set(['', 'FRANCE', 'FR', 'FRA', 'FRANCE METROPOLITAINE']);
const FOLDED: Readonly<Record<string, string>> = { Œ: 'OE', Æ: 'AE', Ø: 'O', Ł: 'L', Đ: 'D', Þ: 'TH' };

/** Builds the address block of a member, with the problems that keep it from being posted. */
export function formatPostalAddress(member: PostalMember, locale: Locale = 'fr'): PostalAddress {
  const texts = (locale === 'en' ? en : fr).problems;
  const problems: string[] = [];
  const country = machineText(member.country ?? '');
  const abroad = !FRANCE.has(country);
  const postalCode = cleanText(member.postal_code ?? '').replace(/\s/g, '');
  const city = machineText(member.city ?? '');
  const name = [member.civility, member.first_name, member.last_name].map((s) => cleanText(s ?? ''));
  if (name[1] === '' && name[2] === '') problems.push(texts.nameMissing);
  if (!abroad && postalCode === '') problems.push(texts.postalCodeMissing);
  else if (!abroad && !/^\d{5}$/.test(postalCode))
    problems.push(texts.postalCodeInvalid({ code: postalCode }));
  if (city === '') problems.push(texts.cityMissing);

  const lines: Line[] = [
    { n: 1, text: name.filter((s) => s !== '').join(' ') },
    { n: 2, text: cleanText(member.address_line2 ?? '') },
    { n: 3, text: cleanText(member.address_line3 ?? '') },
    { n: 4, text: machineText(member.address_line4 ?? '') },
    { n: 5, text: machineText(member.address_line5 ?? '') },
    { n: 6, text: machineText(`${postalCode} ${city}`) },
    { n: 7, text: abroad ? country : '' },
  ].filter((l) => l.text !== '');

  const maxLines = MAX_LINES_FRANCE + (abroad ? 1 : 0);
  let out: Line[] = [];
  for (const line of lines) {
    if (line.text.length > MAX_LINE_LENGTH) line.text = abbreviateLine(line, name);
    out.push(line);
  }
  out = wrapLongLines(out, maxLines);
  for (const line of out) {
    if (line.text.length > MAX_LINE_LENGTH)
      problems.push(texts.lineTooLong({ line: line.n, text: line.text }));
    const bad = unprintableCharacters(line.text);
    if (bad.length > 0) problems.push(texts.unprintable({ line: line.n, chars: bad.join(' ') }));
  }
  return { lines: out.map((l) => l.text), problems };
}

/** NFC, no control characters, single spaces: what every line gets. */
function cleanText(s: string): string {
  return s
    .normalize('NFC')
    .replace(/\p{Cf}/gu, '') // soft hyphens, zero-width joiners: invisible, never a space
    .replace(/[\p{Cc}\p{Z}\s]+/gu, ' ')
    .trim();
}

/** Lines 4 to 7: capitals without accents, punctuation and symbols turned into spaces. */
function machineText(s: string): string {
  const upper = cleanText(s).toUpperCase();
  const folded = [...upper].map((c) => FOLDED[c] ?? c).join('');
  return folded
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .replace(/ +/g, ' ')
    .trim()
    .normalize('NFC');
}

/** Upper-case, accent-free key of a word, to look abbreviations up in mixed-case lines 1 to 3. */
function wordKey(word: string): string {
  return machineText(word).replace(/ /g, '');
}

function abbreviateLine(line: Line, name: readonly string[]): string {
  if (line.n === 1) return abbreviateName(name);
  let words = line.text.split(' ');
  for (const [long, short] of ABBREVIATIONS) {
    const parts = long.split(' ');
    for (let i = 0; i + parts.length <= words.length; i++) {
      if (!parts.every((p, j) => wordKey(words[i + j] ?? '') === p)) continue;
      // Keep what surrounds the word in lines 1–3 (« Bât. A, » → « BAT A, »).
      const last = words[i + parts.length - 1] ?? '';
      const tail = line.n <= 3 ? (/[^\p{L}\p{N}]+$/u.exec(last)?.[0] ?? '') : '';
      words = [...words.slice(0, i), short + tail, ...words.slice(i + parts.length)];
      if (words.join(' ').length <= MAX_LINE_LENGTH) return words.join(' ');
    }
  }
  return words.join(' ');
}

/** Line 1: short civility, then initials of the first names (« Marie-Claire » → « M.-C. »). */
function abbreviateName([civility = '', first = '', last = '']: readonly string[]): string {
  const key = machineText(civility);
  const shortCivility = CIVILITIES.find(([long]) => long === key)?.[1] ?? civility;
  const join = (...parts: string[]): string => parts.filter((s) => s !== '').join(' ');
  const withCivility = join(shortCivility, first, last);
  if (withCivility.length <= MAX_LINE_LENGTH) return withCivility;
  const initials = first.replace(/(\p{L})[\p{L}\p{M}'’]*\.?/gu, '$1.');
  const withInitials = join(shortCivility, initials, last);
  if (withInitials.length <= MAX_LINE_LENGTH) return withInitials;
  return join(shortCivility, last);
}

/**
 * Lines still too long go on over the next line, cut between words, while the block keeps within its
 * maximum. Line 6 (postal code and city) and the country are never split: sorting reads them whole.
 */
function wrapLongLines(lines: Line[], maxLines: number): Line[] {
  let out = lines;
  for (let i = 0; i < out.length; i++) {
    const line = out[i]!;
    if (line.text.length <= MAX_LINE_LENGTH || line.n >= 6) continue;
    const pieces = splitWords(line.text);
    if (pieces === undefined || out.length - 1 + pieces.length > maxLines) continue;
    out = [...out.slice(0, i), ...pieces.map((text) => ({ n: line.n, text })), ...out.slice(i + 1)];
    i += pieces.length - 1;
  }
  return out;
}

/** Greedy cut into pieces of at most 38 characters, or undefined when a single word is longer. */
function splitWords(text: string): string[] | undefined {
  const pieces: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (word.length > MAX_LINE_LENGTH) return undefined;
    const next = current === '' ? word : `${current} ${word}`;
    if (next.length <= MAX_LINE_LENGTH) current = next;
    else {
      pieces.push(current);
      current = word;
    }
  }
  if (current !== '') pieces.push(current);
  return pieces;
}
