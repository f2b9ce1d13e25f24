// Streaming CSV reading for the member import: strict UTF-8 (with or without BOM), comma or semicolon
// taken from the header line, physical line numbers for every record, bounded line length.
import { isUtf8 } from 'node:buffer';
import { pipeline, Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { Catalogue, Locale } from '../i18n/types.js';
import { en, fr } from './texts.js';

/** A line longer than this is refused: no member row comes near it, and it bounds memory. */
export const MAX_LINE_BYTES = 64 * 1024;

type ImportTexts = Catalogue<typeof fr>['import'];

/** A problem tied to a line of the file, renderable in French (default) or English. */
export interface LineProblem {
  readonly line: number;
  text(locale?: Locale): string;
}

export function lineProblem(line: number, render: (t: ImportTexts) => string): LineProblem {
  return { line, text: (locale = 'fr') => render((locale === 'en' ? en : fr).import) };
}

/** « ligne 12 : … » */
export function formatLineProblem(problem: LineProblem, locale: Locale = 'fr'): string {
  return (locale === 'en' ? en : fr).import.line({ line: problem.line, message: problem.text(locale) });
}

/** The file cannot be read on: encoding, overlong line, broken quoting, empty file. */
export class CsvFatalError extends Error {
  constructor(readonly problem: LineProblem) {
    super(problem.text('en'));
    this.name = 'CsvFatalError';
  }
}

export interface CsvRecord {
  /** Physical line where the record starts (1 = header). */
  readonly line: number;
  readonly fields: string[];
}

function countNewlinesChecked(block: Buffer, firstLine: number): number {
  let count = 0;
  let start = 0;
  for (let nl = block.indexOf(10); nl !== -1; nl = block.indexOf(10, start)) {
    if (nl - start > MAX_LINE_BYTES) throw tooLong(firstLine + count);
    count++;
    start = nl + 1;
  }
  if (block.length - start > MAX_LINE_BYTES) throw tooLong(firstLine + count);
  return count;
}

function tooLong(line: number): CsvFatalError {
  return new CsvFatalError(lineProblem(line, (t) => t.lineTooLong({ max: `${MAX_LINE_BYTES / 1024} Kio` })));
}

/** Line (from firstLine) of the first bytes that are not UTF-8. A newline byte never occurs inside a
 * multi-byte sequence, so each line can be checked on its own. */
function firstInvalidLine(block: Buffer, firstLine: number): number {
  let line = firstLine;
  let start = 0;
  while (start <= block.length) {
    const nl = block.indexOf(10, start);
    const end = nl === -1 ? block.length : nl;
    if (!isUtf8(block.subarray(start, end))) return line;
    if (nl === -1) break;
    line++;
    start = nl + 1;
  }
  return line;
}

/**
 * Decodes the input as UTF-8 text in blocks cut after a newline, so that a character is never split
 * between two decode calls whatever the chunk boundaries. TextDecoder `fatal` refuses any invalid byte
 * (a Latin-1 « é » is the single byte 0xE9) instead of replacing it with U+FFFD; the BOM is dropped.
 */
async function* decodeUtf8(
  input: AsyncIterable<Buffer | string>,
  onBytes: (n: number) => void,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let carry = Buffer.alloc(0);
  let line = 1;
  const decode = (block: Buffer, last: boolean): string => {
    try {
      return decoder.decode(block, { stream: !last });
    } catch {
      throw new CsvFatalError(lineProblem(firstInvalidLine(block, line), (t) => t.notUtf8));
    }
  };
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    onBytes(buf.length);
    const lastNewline = buf.lastIndexOf(10);
    if (lastNewline === -1) {
      carry = Buffer.concat([carry, buf]);
      if (carry.length > MAX_LINE_BYTES) throw tooLong(line);
      continue;
    }
    const head = buf.subarray(0, lastNewline + 1);
    const block = carry.length > 0 ? Buffer.concat([carry, head]) : head;
    carry = Buffer.from(buf.subarray(lastNewline + 1));
    const newlines = countNewlinesChecked(block, line);
    const text = decode(block, false);
    line += newlines;
    yield text;
  }
  yield decode(carry, true);
}

/** Semicolon when the header line has more semicolons than commas (a French spreadsheet's CSV), else comma. */
export function detectDelimiter(headerLine: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  for (const c of headerLine) {
    if (c === ',') commas++;
    else if (c === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

function csvProblem(error: CsvError): LineProblem {
  const line = typeof error.lines === 'number' ? error.lines : 1;
  switch (error.code) {
    case 'CSV_MAX_RECORD_SIZE':
      return lineProblem(line, (t) => t.lineTooLong({ max: `${MAX_LINE_BYTES / 1024} Kio` }));
    case 'CSV_QUOTE_NOT_CLOSED':
      return lineProblem(line, (t) => t.quoteNotClosed);
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
      return lineProblem(line, (t) => t.quoteMisplaced);
    default:
      return lineProblem(line, (t) => t.csvSyntax);
  }
}

/**
 * The records of a CSV stream, header included, with the line each starts on. Blank lines are skipped;
 * an empty file yields nothing. Throws CsvFatalError for bad encoding, an overlong line or broken quoting.
 */
export async function* readCsvRecords(
  input: AsyncIterable<Buffer | string>,
  onBytes: (n: number) => void = () => {},
): AsyncGenerator<CsvRecord> {
  const blocks = decodeUtf8(input, onBytes);
  let first = await blocks.next();
  while (!first.done && first.value === '') first = await blocks.next();
  if (first.done) return;
  const firstText = first.value;
  const delimiter = detectDelimiter(firstText.split('\n', 50).find((l) => l.trim() !== '') ?? '');
  const parser = parse({
    delimiter,
    // Characters, not bytes: the byte limit above already stops single lines; this stops quoted multi-line records.
    max_record_size: MAX_LINE_BYTES,
    relax_column_count: true,
    skip_empty_lines: false,
  });
  const source = Readable.from(
    (async function* () {
      yield firstText;
      yield* blocks;
    })(),
  );
  pipeline(source, parser, () => {});
  let line = 1;
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      const start = line;
      line++;
      for (const f of fields) if (f.includes('\n')) line += f.split('\n').length - 1;
      if (fields.length === 1 && (fields[0] ?? '').trim() === '') continue;
      yield { line: start, fields };
    }
  } catch (error) {
    if (error instanceof CsvError) throw new CsvFatalError(csvProblem(error));
    throw error;
  } finally {
    source.destroy();
  }
}
