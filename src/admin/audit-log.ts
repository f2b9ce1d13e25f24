// The audit log as staff and operators read it (issue 6): filtered by member, staff member, event type and
// date range; paged on screen; exported to CSV; purged after the retention period (CNIL: keep logs no
// longer than needed — SESAME_AUDIT_RETENTION_DAYS).
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { SelectQueryBuilder } from 'kysely';
import { DAY } from '../platform/clock.js';
import type { Store } from '../store/db.js';
import type { AuditTable, Database } from '../store/tables.js';
import { parseDateInput } from './days.js';

export const AUDIT_PAGE_SIZE = 50;
const EXPORT_BATCH = 1000;

export interface AuditFilter {
  readonly memberNumber?: string;
  readonly staffUsername?: string;
  readonly event?: string;
  /** Start of the first day included (ms). */
  readonly from?: number;
  /** Start of the first day excluded (ms). */
  readonly to?: number;
}

/** The form's raw values, kept to refill the form and the export button. */
export interface AuditFilterForm {
  readonly member: string;
  readonly staff: string;
  readonly event: string;
  readonly from: string;
  readonly to: string;
}

export type AuditRow = Omit<AuditTable, 'id'> & { readonly id: number };

function text(v: unknown, max: number): string {
  return typeof v === 'string' ? v.trim().slice(0, max) : '';
}

/** Reads the filter from a query string or form; malformed values are dropped, never an error. */
export function parseAuditFilter(input: unknown): { filter: AuditFilter; form: AuditFilterForm } {
  const q = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const form: AuditFilterForm = {
    member: text(q.member, 64),
    staff: text(q.staff, 64).toLowerCase(),
    event: text(q.event, 64),
    from: text(q.from, 10),
    to: text(q.to, 10),
  };
  const from = parseDateInput(form.from);
  const toDay = parseDateInput(form.to);
  const filter: AuditFilter = {
    ...(form.member ? { memberNumber: form.member } : {}),
    ...(form.staff ? { staffUsername: form.staff } : {}),
    ...(/^[a-z-]{1,64}$/.test(form.event) ? { event: form.event } : {}),
    ...(from !== undefined ? { from } : {}),
    // The « to » day is included: the bound is the start of the day after (25 h covers a DST day).
    ...(toDay !== undefined ? { to: parseDateInput(nextDayKey(form.to)) ?? toDay + DAY } : {}),
  };
  return { filter, form };
}

function nextDayKey(key: string): string {
  const d = new Date(`${key}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Dates of an export given on the command line (YYYY-MM-DD, Paris days, both included). */
export function exportFilter(from?: string, to?: string): AuditFilter {
  return parseAuditFilter({ from: from ?? '', to: to ?? '' }).filter;
}

function applyFilter<O>(
  q: SelectQueryBuilder<Database, 'audit_events', O>,
  f: AuditFilter,
): SelectQueryBuilder<Database, 'audit_events', O> {
  let out = q;
  if (f.memberNumber) out = out.where('member_number', '=', f.memberNumber);
  if (f.staffUsername) out = out.where('actor', '=', `staff:${f.staffUsername}`);
  if (f.event) out = out.where('event', '=', f.event);
  if (f.from !== undefined) out = out.where('at', '>=', f.from);
  if (f.to !== undefined) out = out.where('at', '<', f.to);
  return out;
}

export async function queryAuditEvents(
  store: Store,
  filter: AuditFilter,
  page: number,
): Promise<{ items: AuditRow[]; total: number; page: number; pages: number }> {
  const count = await applyFilter(store.db.selectFrom('audit_events'), filter)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  const total = Number(count?.n ?? 0);
  const pages = Math.ceil(total / AUDIT_PAGE_SIZE);
  const current = Math.min(Math.max(page, 1), Math.max(pages, 1));
  const rows = await applyFilter(store.db.selectFrom('audit_events'), filter)
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(AUDIT_PAGE_SIZE)
    .offset((current - 1) * AUDIT_PAGE_SIZE)
    .execute();
  return { items: rows.map((r) => ({ ...r, id: Number(r.id) })), total, page: current, pages };
}

/** Every matching row, oldest first, read by id ranges so that a year of events never sits in memory. */
export async function* iterateAuditEvents(store: Store, filter: AuditFilter): AsyncGenerator<AuditRow> {
  let after = 0;
  for (;;) {
    const rows = await applyFilter(store.db.selectFrom('audit_events'), filter)
      .selectAll()
      .where('id', '>', after)
      .orderBy('id')
      .limit(EXPORT_BATCH)
      .execute();
    for (const r of rows) yield { ...r, id: Number(r.id) };
    if (rows.length < EXPORT_BATCH) return;
    after = Number(rows[rows.length - 1]!.id);
  }
}

export const AUDIT_CSV_COLUMNS = [
  'id',
  'date',
  'event',
  'outcome',
  'actor',
  'member_number',
  'ip',
  'user_agent',
  'details',
] as const;

/**
 * The CSV (UTF-8 with a BOM and `;`, as French spreadsheets open it). Any cell starting with = + - @ tab or
 * CR gets a leading apostrophe (csv-stringify's escape_formulas; OWASP CSV Injection): a user agent or a
 * typed name can never run as a formula in the spreadsheet that opens the export.
 */
export function auditCsvStream(store: Store, filter: AuditFilter): Readable {
  const csv = stringify({
    header: true,
    columns: [...AUDIT_CSV_COLUMNS],
    delimiter: ';',
    bom: true,
    escape_formulas: true,
  });
  const rows = Readable.from(
    (async function* () {
      for await (const r of iterateAuditEvents(store, filter)) {
        yield {
          id: r.id,
          date: new Date(r.at).toISOString(),
          event: r.event,
          outcome: r.outcome,
          actor: r.actor,
          member_number: r.member_number ?? '',
          ip: r.ip ?? '',
          user_agent: r.user_agent ?? '',
          details: r.details ?? '',
        };
      }
    })(),
  );
  rows.on('error', (e) => csv.destroy(e));
  return rows.pipe(csv);
}

/** Deletes events older than the retention period; the server runs it daily, `sesame audit purge` on demand. */
export async function purgeOldAudit(store: Store, now: number, retentionDays: number): Promise<number> {
  const res = await store.db
    .deleteFrom('audit_events')
    .where('at', '<', now - retentionDays * DAY)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
