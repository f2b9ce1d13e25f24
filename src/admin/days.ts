// Calendar days as the insurer's staff live them: Paris days, whatever the server's time zone. A day is
// [start, end) in ms; around a DST change it lasts 23 or 25 hours.
import { DAY, HOUR } from '../platform/clock.js';

const TZ = 'Europe/Paris';
const parts = new Intl.DateTimeFormat('en-CA', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export interface Day {
  /** YYYY-MM-DD in Paris. */
  readonly key: string;
  readonly start: number;
  readonly end: number;
}

function fieldsOf(ms: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of parts.formatToParts(ms)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** Paris offset from UTC at that instant, in ms (+1 h in winter, +2 h in summer). */
function parisOffset(ms: number): number {
  const f = fieldsOf(ms);
  const asUtc = Date.UTC(f.year!, f.month! - 1, f.day!, f.hour!, f.minute!, f.second!);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** Midnight in Paris of the given calendar date. */
export function parisMidnight(year: number, month: number, day: number): number {
  const utc = Date.UTC(year, month - 1, day);
  const guess = utc - parisOffset(utc);
  return utc - parisOffset(guess);
}

/** The Paris calendar date of an instant, as YYYY-MM-DD. */
export function parisDateKey(ms: number): string {
  const f = fieldsOf(ms);
  return `${f.year}-${String(f.month).padStart(2, '0')}-${String(f.day).padStart(2, '0')}`;
}

export function dayOf(ms: number): Day {
  const f = fieldsOf(ms);
  const start = parisMidnight(f.year!, f.month!, f.day!);
  // Noon of the next day is always the next calendar day, DST or not.
  const n = fieldsOf(start + DAY + 12 * HOUR);
  return { key: parisDateKey(ms), start, end: parisMidnight(n.year!, n.month!, n.day!) };
}

/** The `count` Paris days ending with today, oldest first. */
export function lastDays(now: number, count: number): Day[] {
  const days: Day[] = [];
  let day = dayOf(now);
  for (let i = 0; i < count; i++) {
    days.unshift(day);
    day = dayOf(day.start - HOUR);
  }
  return days;
}

/** A YYYY-MM-DD form value as the start of that Paris day, or undefined when not a real date. */
export function parseDateInput(value: string | undefined): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 2000 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const start = parisMidnight(y, mo, d);
  return parisDateKey(start) === value ? start : undefined;
}
