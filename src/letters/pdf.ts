// The printable letters: one A4 page per letter, streamed to the output as pages are added, so that a
// batch of 10,000 letters prints with flat memory (pdfkit writes each finished page out when the next
// one starts; we wait for the reader whenever pdfkit's buffer fills up).

import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pipeline } from 'node:stream/promises';
import { create as createFont, type Font } from 'fontkit';
import PDFDocument from 'pdfkit';
import type { Config } from '../config/index.js';
import type { Locale } from '../i18n/types.js';
import { formatProvisionalPassword } from './provisional-password.js';
import { en, fr } from './texts.js';

export interface LetterContent {
  memberNumber: string;
  /** From formatPostalAddress: at most 7 lines of at most 38 characters. */
  addressLines: string[];
  /** Ungrouped, as generated; printed as XXXX-XXXX-XXXX. */
  provisionalPassword: string;
  expiresAt: number;
  /** Date written under the address (ms since epoch). */
  date: number;
}

export interface LetterSettings {
  insurerName: string;
  insurerAddressLines: readonly string[];
  /** Place written before the date (« Paris, le … »). */
  insurerCity: string;
  insurerPhone: string;
  /** PNG or JPEG path; empty or absent: the name only. */
  insurerLogo?: string;
  /** Address of the sign-in page printed in the steps; empty or absent: the page's name only. */
  signInUrl?: string;
  locale?: Locale;
  /** Time zone of the dates printed; default Europe/Paris. */
  timeZone?: string;
}

type InsurerConfig = Pick<
  Config,
  'insurerName' | 'insurerAddress' | 'insurerCity' | 'insurerPhone' | 'insurerLogo' | 'publicUrl'
>;

/** Letter settings from the service configuration (the sender block is `|`-separated there). */
export function letterSettingsFromConfig(
  config: InsurerConfig,
  signInUrl = config.publicUrl,
): LetterSettings {
  return {
    insurerName: config.insurerName,
    insurerAddressLines: config.insurerAddress
      .split('|')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    insurerCity: config.insurerCity,
    insurerPhone: config.insurerPhone,
    insurerLogo: config.insurerLogo,
    signInUrl,
  };
}

const MM = 72 / 25.4;
const A4 = { width: 210 * MM, height: 297 * MM };

/**
 * Where the address must lie on the sheet, in PDF points from the top-left corner. French DL window
 * envelopes (110 × 220 mm, NF EN ISO 269) have a 45 × 100 mm window 20 mm from the right edge and 15 mm
 * from the bottom, i.e. x 100–200 mm and y 50–95 mm on the envelope. A4 folded in three (99 mm panels)
 * moves inside it by about ±5 mm sideways and 11 mm downwards, so the part of the sheet always seen
 * through the window is x 100–190 mm, y 50–84 mm. The sorting machines read the block left-aligned.
 */
export const ENVELOPE_WINDOW = { x: 100 * MM, y: 50 * MM, width: 90 * MM, height: 34 * MM } as const;
/** The address block starts here; 7 lines of 38 monospaced characters end at 186 × 82 mm. */
const ADDRESS_AT = { x: 105 * MM, y: 52 * MM };
const ADDRESS_SIZE = 10;
const ADDRESS_LEADING = 12;
const MARGIN = 20 * MM;
const WIDTH = A4.width - 2 * MARGIN;
/**
 * pdfkit caches the layout of every word it prints, for the whole document: fine for the shared text,
 * but the words of one letter only (names, streets, numbers, passwords) would grow it by kilobytes a
 * page. Text laid out with explicit OpenType features bypasses that cache (same shaping otherwise).
 */
const UNCACHED: PDFKit.Mixins.TextOptions = { features: [] };
/** Past this many bytes waiting in pdfkit, wait for the output to take them. */
const HIGH_WATER_MARK = 256 * 1024;

interface LoadedFont {
  data: Buffer;
  font: Font;
}
let fonts: Record<'sans' | 'bold' | 'mono' | 'monoBold', LoadedFont> | undefined;

/** DejaVu (Bitstream Vera licence: free to embed) prints all of French, U+202F included. */
function loadFonts(): NonNullable<typeof fonts> {
  if (fonts) return fonts;
  const require = createRequire(import.meta.url);
  const load = (file: string): LoadedFont => {
    const data = readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`));
    return { data, font: createFont(data) as Font };
  };
  fonts = {
    sans: load('DejaVuSans.ttf'),
    bold: load('DejaVuSans-Bold.ttf'),
    mono: load('DejaVuSansMono.ttf'),
    monoBold: load('DejaVuSansMono-Bold.ttf'),
  };
  return fonts;
}

/** The characters of `text` that the address font has no glyph for (each once, in order). */
export function unprintableCharacters(text: string): string[] {
  const { font } = loadFonts().mono;
  const bad = new Set<string>();
  for (const c of text) if (!font.hasGlyphForCodePoint(c.codePointAt(0)!)) bad.add(c);
  return [...bad];
}

/** « 1er décembre 2026 », « 29 novembre 2026 »; « 1 December 2026 » in English. */
export function formatLetterDate(ms: number, locale: Locale, timeZone = 'Europe/Paris'): string {
  const parts = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone,
  }).formatToParts(ms);
  // French writes the first day of the month as an ordinal.
  return parts
    .map((p) => (locale === 'fr' && p.type === 'day' && p.value === '1' ? '1er' : p.value))
    .join('');
}

function formatLetterDateTime(ms: number, locale: Locale, timeZone: string): string {
  const t = locale === 'fr' ? fr.letter : en.letter;
  const parts = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).formatToParts(ms);
  const hour = parts.find((p) => p.type === 'hour')?.value ?? '00';
  const minute = parts.find((p) => p.type === 'minute')?.value ?? '00';
  return t.dateAndTime({ date: formatLetterDate(ms, locale, timeZone), time: t.timeOfDay({ hour, minute }) });
}

/**
 * Writes one page per letter to `output` and ends it. Resolves once the output has taken every byte.
 * Letters whose address has problems must have been set aside by the caller.
 */
export async function writeLettersPdf(
  letters: Iterable<LetterContent> | AsyncIterable<LetterContent>,
  output: NodeJS.WritableStream,
  settings: LetterSettings,
): Promise<{ pages: number }> {
  const f = loadFonts();
  if (settings.insurerLogo) readFileSync(settings.insurerLogo); // fail before the first byte if missing
  const doc = new PDFDocument({
    size: 'A4',
    autoFirstPage: false,
    margin: 10 * MM,
    info: { Title: settings.insurerName, Author: settings.insurerName, Creator: 'Sésame' },
  });
  doc.registerFont('sans', f.sans.data);
  doc.registerFont('bold', f.bold.data);
  doc.registerFont('mono', f.mono.data);
  doc.registerFont('monoBold', f.monoBold.data);
  let pages = 0;
  doc.on('pageAdded', () => {
    pages++;
  });
  const done = pipeline(doc, output);
  done.catch(() => {}); // awaited below; this only keeps an early failure from being "unhandled"
  try {
    let count = 0;
    for await (const letter of letters) {
      doc.addPage();
      drawLetter(doc, letter, settings);
      // pdfkit adds a page when text runs past the bottom: a layout bug, never a two-page letter.
      if (pages !== ++count) throw new Error(`letter ${letter.memberNumber} does not fit on one page`);
      while (doc.readableLength > HIGH_WATER_MARK) await Promise.race([once(doc, 'data'), done]);
    }
  } catch (error) {
    doc.destroy(error as Error);
    await done.catch(() => {});
    throw error;
  }
  doc.end();
  await done;
  return { pages };
}

function drawLetter(doc: PDFKit.PDFDocument, letter: LetterContent, s: LetterSettings): void {
  const locale = s.locale ?? 'fr';
  const t = locale === 'fr' ? fr.letter : en.letter;
  const zone = s.timeZone ?? 'Europe/Paris';
  drawSender(doc, s);
  doc.font('mono').fontSize(ADDRESS_SIZE);
  letter.addressLines.forEach((line, i) => {
    doc.text(line, ADDRESS_AT.x, ADDRESS_AT.y + i * ADDRESS_LEADING, { ...UNCACHED, lineBreak: false });
  });
  const placeAndDate = t.placeAndDate({
    place: s.insurerCity,
    date: formatLetterDate(letter.date, locale, zone),
  });
  doc
    .font('sans')
    .fontSize(10)
    .text(placeAndDate, ADDRESS_AT.x, 88 * MM, { lineBreak: false });
  doc.font('bold').text(`${t.subjectLabel} `, MARGIN, 99 * MM, { continued: true });
  doc.font('sans').text(t.subject).moveDown(1.2);

  const paragraph = (text: string, gap = 0.6, font = 'sans'): void => {
    doc.font(font).text(text, MARGIN, doc.y, { width: WIDTH, lineGap: 1.5 }).moveDown(gap);
  };
  const items = (list: string[], marker: (i: number) => string): void => {
    doc.font('sans');
    list.forEach((item, i) => {
      const y = doc.y;
      doc.text(marker(i), MARGIN + 4 * MM, y, { lineBreak: false });
      doc.text(item, MARGIN + 10 * MM, y, { width: WIDTH - 10 * MM, lineGap: 1.5 }).moveDown(0.3);
    });
  };
  paragraph(t.salutation);
  paragraph(t.intro, 0.8);
  paragraph(t.stepsTitle, 0.3, 'bold');
  items([t.stepSignInPage({ url: s.signInUrl ?? '' }), t.stepEnter, t.stepChoose], (i) => `${i + 1}.`);
  doc.moveDown(0.6);
  const until = formatLetterDateTime(letter.expiresAt, locale, zone);
  drawPasswordBox(doc, letter, [t.memberNumberLabel, t.passwordLabel, t.validity({ until })]);
  paragraph(t.typingHint, 0.3);
  paragraph(t.currentPassword, 1);
  paragraph(t.securityTitle, 0.3, 'bold');
  paragraph(t.securityIntro, 0.3);
  const phone = s.insurerPhone.replace(/ /g, '\u00A0'); // a phone number is never split over two lines
  items(
    [t.securityNeverShare({ insurer: s.insurerName }), t.securityDestroy, t.securityNotAsked({ phone })],
    () => '•',
  );
  doc.moveDown(1);
  paragraph(t.closing, 1.5);
  paragraph(t.signature({ insurer: s.insurerName }));
}

/** Top left, clear of the window: logo, name, address lines. */
function drawSender(doc: PDFKit.PDFDocument, s: LetterSettings): void {
  let y = 15 * MM;
  if (s.insurerLogo) {
    // A path, not a buffer: pdfkit then embeds the image once and points every page at it.
    doc.image(s.insurerLogo, MARGIN, y, { fit: [50 * MM, 18 * MM] });
    y += 20 * MM;
  }
  doc
    .font('bold')
    .fontSize(11)
    .text(s.insurerName, MARGIN, y, { width: 75 * MM });
  doc.font('sans').fontSize(9);
  for (const line of s.insurerAddressLines) doc.text(line, MARGIN, doc.y, { width: 75 * MM });
}

/** The member number and the password, large and monospaced in a grey box, then the expiry. */
function drawPasswordBox(
  doc: PDFKit.PDFDocument,
  letter: LetterContent,
  [member, password, validity]: string[],
): void {
  const top = doc.y;
  const height = 34 * MM;
  const x = MARGIN + 8 * MM;
  const [label, value] = [x + 6 * MM, x + 61 * MM];
  doc
    .save()
    .lineWidth(1.2)
    .roundedRect(x, top, WIDTH - 16 * MM, height, 6)
    .fillAndStroke('#f2f2f2', '#333333');
  doc.restore().fillColor('black');
  doc
    .font('sans')
    .fontSize(10)
    .text(member ?? '', label, top + 5 * MM, { lineBreak: false });
  doc.text(password ?? '', label, top + 14 * MM, { lineBreak: false });
  doc.font('monoBold').fontSize(14);
  doc.text(letter.memberNumber, value, top + 4.5 * MM, { ...UNCACHED, lineBreak: false });
  const grouped = formatProvisionalPassword(letter.provisionalPassword);
  doc
    .fontSize(20)
    .text(grouped, value, top + 12 * MM, { ...UNCACHED, lineBreak: false, characterSpacing: 1 });
  doc
    .font('sans')
    .fontSize(9.5)
    .text(validity ?? '', label, top + 25 * MM, { width: WIDTH - 28 * MM });
  doc.font('sans').fontSize(10);
  doc.y = top + height + 4 * MM;
}
