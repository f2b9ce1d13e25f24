// Console output of the members part for the `sesame members` commands (French, the operators' language).
import { formatDateTime } from '../i18n/format.js';
import type { Locale } from '../i18n/types.js';
import { formatLineProblem } from './csv.js';
import type { ImportSummary } from './import.js';
import { maskContact } from './mask.js';
import type { Member } from './repository.js';
import { en, fr } from './texts.js';

function catalogue(locale: Locale): typeof fr | typeof en {
  return locale === 'en' ? en : fr;
}

/** The end-of-import report: counts, then the rejected lines (skipInvalid) with their reasons. */
export function formatImportSummary(summary: ImportSummary, locale: Locale = 'fr'): string {
  const t = catalogue(locale).import;
  const lines = [t.summaryTitle, t.summary(summary)];
  if (summary.problems.length > 0) {
    lines.push(t.rejectedTitle, ...summary.problems.map((p) => `  ${formatLineProblem(p, locale)}`));
    const rows = new Set(summary.problems.map((p) => p.line)).size;
    if (summary.rejected > rows) lines.push(`  ${t.rejectedMore({ count: summary.rejected - rows })}`);
  }
  return lines.join('\n');
}

/**
 * One member for `sesame members show`: e-mail and mobile masked as the pages show them, and of the postal
 * address only the postal code, city and country (enough to tell two namesakes apart).
 */
export function describeMember(member: Member, locale: Locale = 'fr'): string {
  const c = catalogue(locale);
  const t = c.describe;
  const masked = maskContact(member);
  const civility = (c.civility as Readonly<Record<string, string>>)[member.civility] ?? member.civility;
  const place = [member.postal_code, member.city, member.country].filter(Boolean).join(' ');
  const rows: Array<[string, string]> = [
    [t.number, member.member_number],
    [t.name, [civility, member.first_name, member.last_name].filter(Boolean).join(' ')],
    [t.status, c.status[member.status]],
    [t.email, masked.email ?? t.none],
    [t.mobile, masked.mobile ?? t.none],
    [t.address, place || t.none],
    [t.created, formatDateTime(locale, member.created_at)],
    [t.updated, formatDateTime(locale, member.updated_at)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}
