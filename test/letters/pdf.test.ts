// The printed letters, read back with Debian's poppler-utils (pdftotext, pdfinfo, pdfimages) as a
// person or a mail-room scanner would: text, word coordinates, pages, images.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { formatPostalAddress, MAX_LINE_LENGTH } from '../../src/letters/address.js';
import {
  ENVELOPE_WINDOW,
  formatLetterDate,
  type LetterContent,
  type LetterSettings,
  letterSettingsFromConfig,
  writeLettersPdf,
} from '../../src/letters/pdf.js';
import { DAY } from '../../src/platform/clock.js';

const dir = mkdtempSync(join(tmpdir(), 'sesame-letters-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const poppler = spawnSync('pdftotext', ['-v']).error === undefined;
const skip =
  poppler || process.env.CI === 'true' ? false : 'pdftotext missing: apt-get install poppler-utils';

const settings: LetterSettings = {
  insurerName: 'Mutuelle des agents publics',
  insurerAddressLines: ['Service Adhérents', '12 rue de la République', '75011 PARIS'],
  insurerCity: 'Paris',
  insurerPhone: '09 69 00 00 00',
  signInUrl: 'https://adherents.mutuelle.example/connexion',
};
const date = Date.UTC(2026, 10, 29, 9, 0);

function letter(n: number, over: Partial<LetterContent> = {}): LetterContent {
  const address = formatPostalAddress({
    civility: 'Mme',
    first_name: 'Françoise',
    last_name: `Lœwenbrück ${n}`,
    address_line2: 'Appartement 12, 3e étage',
    address_line3: 'Résidence les Érables',
    address_line4: '128 boulevard du Maréchal de Lattre de Tassigny',
    address_line5: 'Lieu-dit la Croix',
    postal_code: '42000',
    city: 'Saint-Étienne',
    country: n === 3 ? 'Belgique' : null,
  });
  assert.deepEqual(address.problems, []);
  return {
    memberNumber: String(12_345_670 + n),
    addressLines: address.lines,
    provisionalPassword: ['K7MPX3RWAC9H', 'TTNXYWJ4E7PC', 'ACEFHJKMNPRT'][n % 3]!,
    expiresAt: date + 30 * DAY,
    date,
    ...over,
  };
}

let files = 0;
async function printLetters(
  letters: LetterContent[],
  s: LetterSettings = settings,
): Promise<{ file: string; pages: number }> {
  const file = join(dir, `letters-${++files}.pdf`);
  const { pages } = await writeLettersPdf(letters, createWriteStream(file), s);
  return { file, pages };
}

function pageText(file: string, page: number): string {
  return execFileSync('pdftotext', ['-layout', '-f', String(page), '-l', String(page), file, '-'], {
    encoding: 'utf8',
  });
}

interface Word {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** Words of each page with their boxes, in points from the top-left corner (pdftotext -bbox). */
function pageWords(file: string): Word[][] {
  const xml = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
  const entities: Record<string, string> = {
    '&amp;': '&',
    '&lt;': '<',
    '&gt;': '>',
    '&quot;': '"',
    '&apos;': "'",
  };
  return xml
    .split('<page ')
    .slice(1)
    .map((page) =>
      [
        ...page.matchAll(
          /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)<\/word>/g,
        ),
      ].map((m) => ({
        xMin: Number(m[1]),
        yMin: Number(m[2]),
        xMax: Number(m[3]),
        yMax: Number(m[4]),
        text: (m[5] ?? '').replace(/&\w+;/g, (e) => entities[e] ?? e),
      })),
    );
}

function insideWindow(w: Word): boolean {
  const win = ENVELOPE_WINDOW;
  return w.xMin >= win.x && w.xMax <= win.x + win.width && w.yMin >= win.y && w.yMax <= win.y + win.height;
}

function overlapsWindow(w: Word): boolean {
  const win = ENVELOPE_WINDOW;
  return w.xMax > win.x && w.xMin < win.x + win.width && w.yMax > win.y && w.yMin < win.y + win.height;
}

describe('printed letters', { skip }, () => {
  it('prints one page per letter with its address, member number and provisional password', async () => {
    const letters = [letter(1), letter(2), letter(3)];
    const { file, pages } = await printLetters(letters);
    assert.equal(pages, 3);
    assert.match(execFileSync('pdfinfo', [file], { encoding: 'utf8' }), /^Pages:\s+3$/m);
    letters.forEach((l, i) => {
      const text = pageText(file, i + 1);
      for (const line of l.addressLines) assert.ok(text.includes(line), `page ${i + 1} lacks « ${line} »`);
      assert.ok(text.includes(l.memberNumber));
      const grouped = `${l.provisionalPassword.slice(0, 4)}-${l.provisionalPassword.slice(4, 8)}-${l.provisionalPassword.slice(8)}`;
      assert.ok(text.includes(grouped), `page ${i + 1} lacks ${grouped}`);
    });
    assert.ok(pageText(file, 3).includes('BELGIQUE'));
  });

  it('shows exactly the address through the envelope window, left-aligned, 38 characters at most a line', async () => {
    const letters = [letter(1), letter(3)];
    const { file } = await printLetters(letters);
    pageWords(file).forEach((words, i) => {
      const seen = words.filter(overlapsWindow);
      assert.ok(seen.every(insideWindow), 'a word straddles the window edge');
      const rows = new Map<number, Word[]>();
      for (const w of seen) rows.set(Math.round(w.yMin), [...(rows.get(Math.round(w.yMin)) ?? []), w]);
      const lines = [...rows.entries()].sort(([a], [b]) => a - b).map(([, ws]) => ws);
      assert.deepEqual(
        lines.map((ws) => ws.map((w) => w.text).join(' ')),
        letters[i]!.addressLines,
      );
      for (const ws of lines) assert.ok(Math.abs(ws[0]!.xMin - lines[0]![0]!.xMin) < 0.5, 'not left-aligned');
      for (const l of letters[i]!.addressLines) assert.ok(l.length <= MAX_LINE_LENGTH);
    });
  });

  it('prints French letters, guillemets and narrow no-break spaces', async () => {
    const { file } = await printLetters([letter(1)]);
    const text = pageText(file, 1);
    assert.match(text, /Paris, le 29 novembre 2026/);
    assert.match(text, /Objet : Votre nouveau mot de passe provisoire/);
    assert.match(text, /Valable jusqu’au 29 décembre 2026 à\s10\sh\s00/);
    for (const c of ['é', 'è', 'à', 'ç', 'œ', '«', '»', '’', 'É'])
      assert.ok(text.includes(c), `${c} missing`);
    // pdftotext turns every space into U+0020; the narrow one shows in the width of the gap.
    const words = pageWords(file)[0]!;
    const at = (t: string): Word => words.find((w) => w.text === t)!;
    const narrow = at(':').xMin - at('Objet').xMax;
    const normal = at('nouveau').xMin - at('Votre').xMax;
    assert.ok(narrow > 0.5 && narrow < normal * 0.75, `gap ${narrow} vs ${normal}`);
    assert.match(inflatedStreams(file), /<202f>/i, 'U+202F has no glyph in the embedded font');
  });

  it('keeps a letter on one page with a logo, the longest insurer name and an English text', async () => {
    const logo = join(dir, 'tall-logo.png');
    await sharp({ create: { width: 100, height: 100, channels: 3, background: '#aa0000' } })
      .png()
      .toFile(logo);
    const long: LetterSettings = {
      ...settings,
      insurerName: 'Mutuelle nationale des agents publics A',
      insurerAddressLines: [
        'Service Adhérents',
        'Centre de gestion',
        'Tour Horizon',
        '12 rue de la République',
        'CS 90001',
        '75011 PARIS CEDEX 11',
      ],
      insurerLogo: logo,
      signInUrl: 'https://adherents.mutuelle-nationale-des-agents-publics.example/espace-adherent/connexion',
      locale: 'en',
    };
    const { file, pages } = await printLetters([letter(3)], long);
    assert.equal(pages, 1);
    const words = pageWords(file)[0]!;
    assert.ok(words.filter(overlapsWindow).every(insideWindow));
    assert.match(pageText(file, 1), /Subject: Your new provisional password/);
  });

  it('prints the logo once for the whole batch', async () => {
    const logo = join(dir, 'logo.png');
    await sharp({ create: { width: 120, height: 40, channels: 3, background: '#0055aa' } })
      .png()
      .toFile(logo);
    const { file } = await printLetters([letter(1), letter(2)], { ...settings, insurerLogo: logo });
    const list = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n').slice(2);
    assert.equal(list.length, 2, list.join('\n'));
    const objects = list.map((row) => row.trim().split(/\s+/).slice(10, 12).join(' '));
    assert.equal(objects[0], objects[1]);
  });

  it('refuses a missing logo before writing anything', async () => {
    let written = 0;
    const sink = new Writable({
      write: (chunk: Buffer, _e, cb) => {
        written += chunk.length;
        cb();
      },
    });
    await assert.rejects(
      writeLettersPdf([letter(1)], sink, { ...settings, insurerLogo: join(dir, 'none.png') }),
      /ENOENT/,
    );
    assert.equal(written, 0);
  });

  it('streams pages to the output while later letters are still being produced', async () => {
    let written = 0;
    let writtenAt200 = -1;
    const sink = new Writable({
      highWaterMark: 16 * 1024,
      write: (chunk: Buffer, _e, cb) => {
        written += chunk.length;
        setImmediate(cb);
      },
    });
    async function* letters(): AsyncGenerator<LetterContent> {
      for (let i = 0; i < 400; i++) {
        if (i === 200) writtenAt200 = written;
        yield letter(i);
      }
    }
    const { pages } = await writeLettersPdf(letters(), sink, settings);
    assert.equal(pages, 400);
    assert.ok(writtenAt200 > 0, 'nothing written before the last letter');
    assert.ok(writtenAt200 < written / 2 + 64 * 1024, `${writtenAt200} of ${written} bytes`);
  });
});

describe('letter dates and settings', () => {
  it('writes the first day of a month as « 1er »', () => {
    assert.equal(formatLetterDate(Date.UTC(2026, 11, 1, 10), 'fr'), '1er décembre 2026');
    assert.equal(formatLetterDate(Date.UTC(2026, 11, 1, 10), 'en'), '1 December 2026');
  });

  it('takes the sender block from the |-separated setting', () => {
    const s = letterSettingsFromConfig({
      insurerName: 'Mutuelle',
      insurerAddress: 'Service Adhérents| 12 rue de la République |75011 PARIS|',
      insurerCity: 'Paris',
      insurerPhone: '09 69 00 00 00',
      insurerLogo: '',
      publicUrl: 'https://adherents.example',
    });
    assert.deepEqual(s.insurerAddressLines, ['Service Adhérents', '12 rue de la République', '75011 PARIS']);
    assert.equal(s.signInUrl, 'https://adherents.example');
  });
});

/** The decompressed content of every stream of the file, to look into the fonts' ToUnicode maps. */
function inflatedStreams(file: string): string {
  const data = readFileSync(file);
  const raw = data.toString('latin1');
  let out = '';
  for (const m of raw.matchAll(/stream\r?\n/g)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    try {
      out += inflateSync(data.subarray(start, end)).toString('latin1');
    } catch {
      // not a deflated stream (or not a stream): skip
    }
  }
  return out;
}
