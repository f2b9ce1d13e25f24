// The shared shape of the member field rules: a cleaned value or a problem that renders in French (the
// operators' language, the default) or English.
import type { Catalogue, Locale } from '../i18n/types.js';
import { en, fr } from './texts.js';

export const MEMBER_FIELDS = [
  'member_number',
  'civility',
  'first_name',
  'last_name',
  'email',
  'mobile',
  'address_line2',
  'address_line3',
  'address_line4',
  'address_line5',
  'postal_code',
  'city',
  'country',
] as const;
export type MemberField = (typeof MEMBER_FIELDS)[number];
export type Civility = '' | 'M.' | 'Mme';

/** A member as the registry provides it, cleaned and normalised (mobile in E.164, country null for France). */
export interface MemberInput {
  member_number: string;
  civility: Civility;
  first_name: string;
  last_name: string;
  email: string | null;
  mobile: string | null;
  address_line2: string | null;
  address_line3: string | null;
  address_line4: string | null;
  address_line5: string | null;
  postal_code: string | null;
  city: string | null;
  country: string | null;
}

const CATALOGUES: Readonly<Record<Locale, Catalogue<typeof fr>>> = { fr, en };
type ProblemTexts = Catalogue<typeof fr>['problems'];

export interface FieldProblem {
  readonly field: MemberField;
  /** The message in the given locale (French by default, the operators' language). */
  text(locale?: Locale): string;
}

export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: FieldProblem };

export function ok<T>(value: T): Checked<T> {
  return { ok: true, value };
}

export function fail<T>(
  field: MemberField,
  render: (t: ProblemTexts, fieldName: string) => string,
): Checked<T> {
  return {
    ok: false,
    problem: {
      field,
      text: (locale = 'fr') => render(CATALOGUES[locale].problems, CATALOGUES[locale].fields[field]),
    },
  };
}

/** NF Z10-011: at most 38 characters per address line, spaces included. */
export const ADDRESS_LINE_MAX = 38;
// Line breaks and other control characters (a tab is only spacing, collapsed by cleanText).
const CONTROL = /(?!\t)[\p{Cc}\u2028\u2029]/u;

/** Counts characters as people do: a letter outside the BMP is one character, not two code units. */
export function characterCount(s: string): number {
  let surrogates = 0;
  for (let i = 0; i < s.length; i++) if ((s.charCodeAt(i) & 0xfc00) === 0xd800) surrogates++;
  return s.length - surrogates;
}

/** Trimmed, NFC (a Mac export may hold « é » as e + accent), tabs and runs of spaces as one space. */
export function cleanText(raw: string): string {
  const s = raw.trim();
  const spaced = /[\t\u00a0]| {2}/.test(s) ? s.replace(/[ \t\u00a0]+/g, ' ') : s;
  return /[^\x20-\x7e]/.test(spaced) ? spaced.normalize('NFC') : spaced;
}

export function checkText(
  field: MemberField,
  raw: string,
  max: number,
  required: boolean,
): Checked<string | null> {
  if (CONTROL.test(raw)) return fail(field, (t, f) => t.controlCharacter({ field: f }));
  const s = cleanText(raw);
  if (s === '') return required ? fail(field, (t, f) => t.required({ field: f })) : ok(null);
  const length = characterCount(s);
  if (length > max) return fail(field, (t, f) => t.tooLong({ field: f, length, max }));
  return ok(s);
}
