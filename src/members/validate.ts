// Field rules of the member registry, shared by the CSV import and the back-office forms. Each check
// returns the cleaned value or a problem that can be rendered in French or English.
import { checkAddressLine, checkCity, checkCountry, checkPostalCode } from './address.js';
import {
  type Checked,
  type Civility,
  characterCount,
  checkText,
  type FieldProblem,
  fail,
  MEMBER_FIELDS,
  type MemberField,
  type MemberInput,
  ok,
} from './field-check.js';
import { normaliseMobile } from './phone.js';

export { type Country, checkAddressLine, checkCity, checkCountry, checkPostalCode } from './address.js';
export {
  ADDRESS_LINE_MAX,
  type Checked,
  type Civility,
  type FieldProblem,
  MEMBER_FIELDS,
  type MemberField,
  type MemberInput,
} from './field-check.js';
export { normaliseMobile } from './phone.js';

const NAME_MAX = 80;
const MEMBER_NUMBER_MAX = 64;
const EMAIL_MAX = 254;

/** SESAME_MEMBER_NUMBER_PATTERN's default: the pages' message names it (« 6 à 10 chiffres »). */
export const DEFAULT_MEMBER_NUMBER_PATTERN = '^[0-9]{6,10}$';

/** The member-number format setting (config.memberNumberPattern), compiled once. */
export interface MemberNumberRule {
  readonly pattern: string;
  readonly regex: RegExp;
  /** The default format, which the pages describe (« 6 à 10 chiffres ») and type with a number pad. */
  readonly isDefault: boolean;
  /** What the sign-in and recovery pages say of a number that does not match: the digits rule is only
   * spelt out for the default pattern, an operator's own pattern gets a message that fits any format. */
  readonly refusal: 'MEMBER_NUMBER_INVALID' | 'MEMBER_NUMBER_MALFORMED';
}

/** The operator's pattern, anchored: an unanchored pattern must not accept « 123456 and more ». */
export function memberNumberRule(pattern: string): MemberNumberRule {
  const isDefault = pattern === DEFAULT_MEMBER_NUMBER_PATTERN;
  return {
    pattern,
    regex: new RegExp(`^(?:${pattern})$`),
    isDefault,
    refusal: isDefault ? 'MEMBER_NUMBER_INVALID' : 'MEMBER_NUMBER_MALFORMED',
  };
}

export function checkMemberNumber(raw: string, rule: MemberNumberRule): Checked<string> {
  const s = raw.trim();
  if (s === '') return fail('member_number', (t, f) => t.required({ field: f }));
  if (s.length > MEMBER_NUMBER_MAX || !rule.regex.test(s)) {
    return fail('member_number', (t) => t.memberNumberFormat({ pattern: rule.pattern }));
  }
  return ok(s);
}

const CIVILITIES: Readonly<Record<string, Civility>> = {
  '': '',
  m: 'M.',
  'm.': 'M.',
  mr: 'M.',
  monsieur: 'M.',
  mme: 'Mme',
  madame: 'Mme',
  // « Mademoiselle » left official forms in 2012 (Prime Minister's circular of 21 February 2012).
  mlle: 'Mme',
  mademoiselle: 'Mme',
};

export function checkCivility(raw: string): Checked<Civility> {
  const c = CIVILITIES[raw.trim().toLowerCase()];
  return c === undefined ? fail('civility', (t) => t.civilityUnknown) : ok(c);
}

export function checkLastName(raw: string): Checked<string> {
  return checkText('last_name', raw, NAME_MAX, true) as Checked<string>;
}

/** Some people have a single name: the first name may be empty (stored as ''). */
export function checkFirstName(raw: string): Checked<string> {
  const r = checkText('first_name', raw, NAME_MAX, false);
  return r.ok ? ok(r.value ?? '') : r;
}

// RFC 5321/5322 dot-atom local part (ASCII; quoted local parts are legal but in a registry they are typing
// errors) and a domain of at least two labels, IDN letters allowed, alphabetic or punycode top level.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TOP_LEVEL = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/iu;

/** Optional e-mail: ≤ 254 characters (RFC 5321 path limit), local part ≤ 64, domain lower-cased. */
export function checkEmail(raw: string): Checked<string | null> {
  const s = raw.trim();
  if (s === '') return ok(null);
  const length = characterCount(s);
  if (length > EMAIL_MAX) return fail('email', (t, f) => t.tooLong({ field: f, length, max: EMAIL_MAX }));
  const at = s.lastIndexOf('@');
  const local = s.slice(0, at);
  const domain = s.slice(at + 1).toLowerCase();
  const labels = domain.split('.');
  const valid =
    at > 0 &&
    local.length <= 64 &&
    LOCAL_PART.test(local) &&
    labels.length >= 2 &&
    labels.every((l) => DOMAIN_LABEL.test(l)) &&
    TOP_LEVEL.test(labels[labels.length - 1] ?? '');
  return valid ? ok(`${local}@${domain}`) : fail('email', (t) => t.emailSyntax);
}

export type RowCheck =
  | { readonly ok: true; readonly member: MemberInput }
  | { readonly ok: false; readonly problems: FieldProblem[] };

/** Every rule on one row; all problems of the row are reported at once. */
export function validateMember(row: Readonly<Record<MemberField, string>>, rule: MemberNumberRule): RowCheck {
  const problems: FieldProblem[] = [];
  const take = <T>(r: Checked<T>, fallback: T): T => {
    if (r.ok) return r.value;
    problems.push(r.problem);
    return fallback;
  };
  const country = take(checkCountry(row.country), { code: null, stored: null });
  const postalCode = take(checkPostalCode(row.postal_code, country.code), null);
  const member: MemberInput = {
    member_number: take(checkMemberNumber(row.member_number, rule), ''),
    civility: take(checkCivility(row.civility), ''),
    first_name: take(checkFirstName(row.first_name), ''),
    last_name: take(checkLastName(row.last_name), ''),
    email: take(checkEmail(row.email), null),
    mobile: take(normaliseMobile(row.mobile), null),
    address_line2: take(checkAddressLine('address_line2', row.address_line2), null),
    address_line3: take(checkAddressLine('address_line3', row.address_line3), null),
    address_line4: take(checkAddressLine('address_line4', row.address_line4), null),
    address_line5: take(checkAddressLine('address_line5', row.address_line5), null),
    postal_code: postalCode,
    city: take(checkCity(row.city, postalCode), null),
    country: country.stored,
  };
  if (problems.length === 0) return { ok: true, member };
  // Country and postal code are checked first (the postal rule depends on the country): report in column order.
  problems.sort((a, b) => MEMBER_FIELDS.indexOf(a.field) - MEMBER_FIELDS.indexOf(b.field));
  return { ok: false, problems };
}
