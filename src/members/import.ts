// Nightly import of the member registry (DESIGN.md §6): a streaming upsert by member number in ONE
// transaction, so a file is applied entirely or not at all. Bad rows are reported with their line number;
// with skipInvalid the good rows are applied and the bad ones reported.
import type { Readable } from 'node:stream';
import type { Locale } from '../i18n/types.js';
import type { Store } from '../store/db.js';
import { CsvFatalError, formatLineProblem, type LineProblem, lineProblem, readCsvRecords } from './csv.js';
import { FirstLines } from './first-lines.js';
import { en, fr } from './texts.js';
import { BATCH_SIZE, withMemberWriter } from './upsert.js';
import {
  MEMBER_FIELDS,
  type MemberField,
  type MemberInput,
  memberNumberRule,
  validateMember,
} from './validate.js';

/** Problems kept for the report; past this the import stops reading (without skipInvalid) or only counts. */
export const MAX_REPORTED_PROBLEMS = 100;

export interface ImportProgress {
  /** Bytes of the file read so far (for a bar against the file size). */
  readonly bytes: number;
  readonly rows: number;
}

export interface ImportOptions {
  /** Apply the valid rows and report the others, instead of refusing the whole file. */
  readonly skipInvalid?: boolean;
  /** config.memberNumberPattern. */
  readonly memberNumberPattern: string;
  readonly now: number;
  readonly onProgress?: (progress: ImportProgress) => void;
}

export interface ImportSummary {
  /** Data rows read (header and blank lines not counted). */
  readonly rows: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly rejected: number;
  /** The first problems of the rejected rows (at most MAX_REPORTED_PROBLEMS). */
  readonly problems: readonly LineProblem[];
}

/** Nothing was applied. `problems` name the lines; the message is French (the operators' language). */
export class ImportError extends Error {
  constructor(
    readonly problems: readonly LineProblem[],
    /** Invalid rows found (may exceed problems.length); 0 when the file itself could not be read. */
    readonly rejected: number,
  ) {
    super('');
    this.name = 'ImportError';
    this.message = this.format('fr');
  }

  format(locale: Locale): string {
    const t = (locale === 'en' ? en : fr).import;
    const head =
      this.rejected > 0
        ? t.refused({ count: this.rejected, more: this.rejected >= MAX_REPORTED_PROBLEMS })
        : t.refusedFatal;
    const lines = this.problems.map((p) => formatLineProblem(p, locale));
    return [head, ...lines, ...(this.rejected > 0 ? [t.hintSkipInvalid] : [])].join('\n');
  }
}

type ColumnIndex = Readonly<Record<MemberField, number>>;

function readHeader(line: number, fields: readonly string[]): ColumnIndex {
  const names = fields.map((f) => f.trim().toLowerCase());
  const problems: LineProblem[] = [];
  const index: Partial<Record<MemberField, number>> = {};
  names.forEach((name, i) => {
    if (!(MEMBER_FIELDS as readonly string[]).includes(name)) {
      problems.push(lineProblem(line, (t) => t.unknownColumn({ name })));
    } else if (index[name as MemberField] !== undefined) {
      problems.push(lineProblem(line, (t) => t.duplicateColumn({ name })));
    } else {
      index[name as MemberField] = i;
    }
  });
  for (const name of MEMBER_FIELDS) {
    if (index[name] === undefined) problems.push(lineProblem(line, (t) => t.missingColumn({ name })));
  }
  if (problems.length > 0) {
    problems.push(lineProblem(line, (t) => t.expectedHeader({ columns: MEMBER_FIELDS.join(',') })));
    throw new ImportError(problems, 0);
  }
  return index as ColumnIndex;
}

/**
 * Reads a member CSV (UTF-8, comma or semicolon, header of DESIGN.md §6) and upserts it by member number.
 * Throws ImportError, with nothing applied, on an unreadable file or, without skipInvalid, on any bad row.
 */
export async function importMembers(
  store: Store,
  input: Readable,
  options: ImportOptions,
): Promise<ImportSummary> {
  const rule = memberNumberRule(options.memberNumberPattern);
  const batchSize = BATCH_SIZE[store.dialect];
  let bytes = 0;
  const records = readCsvRecords(input, (n) => {
    bytes += n;
  });
  return withMemberWriter(store, options.now, async (writer) => {
    const problems: LineProblem[] = [];
    const seen = new FirstLines();
    let rows = 0;
    let rejected = 0;
    let batch: MemberInput[] = [];
    let pending: Promise<void> = Promise.resolve();
    // On PostgreSQL one batch is in flight while the next is parsed (the server works in parallel); SQLite
    // runs in this thread, so there a batch is written before the next is read, keeping memory flat.
    const overlap = store.dialect === 'postgres';
    const flush = async (): Promise<void> => {
      const full = batch;
      batch = [];
      await pending;
      pending = writer.write(full);
      if (overlap) pending.catch(() => {});
      else await pending;
      options.onProgress?.({ bytes, rows });
    };
    const reject = (found: LineProblem[]): void => {
      rejected++;
      problems.push(...found.slice(0, MAX_REPORTED_PROBLEMS - problems.length));
      if (!options.skipInvalid) batch = [];
    };
    try {
      let index: ColumnIndex | undefined;
      for await (const { line, fields } of records) {
        if (index === undefined) {
          index = readHeader(line, fields);
          continue;
        }
        rows++;
        if (fields.length !== MEMBER_FIELDS.length) {
          const found = fields.length;
          reject([lineProblem(line, (t) => t.columnCount({ found, expected: MEMBER_FIELDS.length }))]);
        } else {
          const check = validateMember(rowOf(fields, index), rule);
          if (!check.ok) {
            reject(check.problems.map((p) => ({ line, text: p.text })));
          } else {
            const first = seen.claim(check.member.member_number, line);
            if (first !== undefined) {
              reject([lineProblem(line, (t) => t.duplicateNumber({ first }))]);
            } else if (rejected === 0 || options.skipInvalid) {
              batch.push(check.member);
            }
          }
        }
        if (rejected > 0 && !options.skipInvalid && problems.length >= MAX_REPORTED_PROBLEMS) break;
        if (batch.length >= batchSize) await flush();
      }
      if (index === undefined) throw new ImportError([lineProblem(1, (t) => t.emptyFile)], 0);
    } catch (error) {
      if (error instanceof CsvFatalError) throw new ImportError([...problems, error.problem], 0);
      throw error;
    }
    if (rejected > 0 && !options.skipInvalid) throw new ImportError(problems, rejected);
    await flush();
    await pending;
    const counts = await writer.counts();
    return { rows, ...counts, rejected, problems };
  });
}

function rowOf(fields: readonly string[], index: ColumnIndex): Record<MemberField, string> {
  const row = {} as Record<MemberField, string>;
  for (const f of MEMBER_FIELDS) row[f] = fields[index[f]] ?? '';
  return row;
}

// The CLI (src/cli/members.ts) takes everything it prints from here.
export { formatLineProblem } from './csv.js';
export { describeMember, formatImportSummary } from './format.js';
