// Postal address fields after NF Z10-011 (La Poste): lines 2 to 5 of 38 characters at most, line 6 made
// of the postal code and the city, and the country (empty for France) on line 7.
import {
  ADDRESS_LINE_MAX,
  type Checked,
  characterCount,
  checkText,
  cleanText,
  fail,
  ok,
} from './field-check.js';

export function checkAddressLine(
  field: 'address_line2' | 'address_line3' | 'address_line4' | 'address_line5',
  raw: string,
): Checked<string | null> {
  return checkText(field, raw, ADDRESS_LINE_MAX, false);
}

// Territories whose mail uses the French 5-digit postal code and needs no country line from France.
const FRENCH_POSTAL = new Set(['FR', 'FX', 'RE', 'GP', 'MQ', 'GF', 'YT', 'PM', 'BL', 'MF', 'NC', 'PF', 'WF']);
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'ZZ', 'QO', 'XA', 'XB']);

export interface Country {
  /** ISO 3166 alpha-2 code when recognised. */
  readonly code: string | null;
  /** What is stored: null for France, else the French name (the letter's line 7) or the name as given. */
  readonly stored: string | null;
}

let countryIndex: Map<string, string> | undefined;
/** Country names in French and English, folded, to their ISO codes; built once from the ICU data. */
function countryCodeOf(name: string): string | undefined {
  if (!countryIndex) {
    countryIndex = new Map();
    const names = [
      new Intl.DisplayNames(['fr'], { type: 'region' }),
      new Intl.DisplayNames(['en'], { type: 'region' }),
    ];
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        if (NOT_COUNTRIES.has(code)) continue;
        for (const n of names) {
          const label = n.of(code);
          const key = label && label !== code ? foldCountry(label) : '';
          // First code wins: « France » is FR, not FX (the old « France métropolitaine » code).
          if (key && !countryIndex.has(key)) countryIndex.set(key, code);
        }
      }
    }
    for (const alias of ['france metropolitaine', 'fra', 'republique francaise'])
      countryIndex.set(foldCountry(alias), 'FR');
  }
  return countryIndex.get(foldCountry(name));
}

function foldCountry(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

const FRENCH_NAMES = new Intl.DisplayNames(['fr'], { type: 'region' });
const COUNTRY_NAME = /^\p{L}[\p{L} .'’()-]*$/u;

/** Optional country: empty or France means France; a known ISO code or name becomes its French name. */
export function checkCountry(raw: string): Checked<Country> {
  const s = cleanText(raw);
  if (s === '') return ok({ code: 'FR', stored: null });
  const code = /^[A-Za-z]{2}$/.test(s) ? s.toUpperCase() : countryCodeOf(s);
  if (code !== undefined && !NOT_COUNTRIES.has(code)) {
    const name = FRENCH_NAMES.of(code);
    if (name && name !== code) return ok({ code, stored: FRENCH_POSTAL.has(code) ? null : name });
  }
  if (characterCount(s) > ADDRESS_LINE_MAX || !COUNTRY_NAME.test(s) || /^[A-Za-z]{2}$/.test(s)) {
    return fail('country', (t) => t.countryInvalid);
  }
  return ok({ code: null, stored: s });
}

/** Optional postal code: 5 digits in France (spaces dropped), else ≤ 10 letters, digits, spaces, hyphens. */
export function checkPostalCode(raw: string, countryCode: string | null): Checked<string | null> {
  const s = cleanText(raw);
  if (s === '') return ok(null);
  if (countryCode !== null && FRENCH_POSTAL.has(countryCode)) {
    const digits = s.replace(/ /g, '');
    return /^[0-9]{5}$/.test(digits) ? ok(digits) : fail('postal_code', (t) => t.postalCodeFrance);
  }
  return /^[A-Za-z0-9][A-Za-z0-9 -]{0,9}$/.test(s)
    ? ok(s.toUpperCase())
    : fail('postal_code', (t) => t.postalCodeAbroad);
}

/** Optional city; with the postal code it makes line 6, which must fit in 38 characters too. */
export function checkCity(raw: string, postalCode: string | null): Checked<string | null> {
  const r = checkText('city', raw, ADDRESS_LINE_MAX, false);
  if (!r.ok || r.value === null || postalCode === null) return r;
  const length = postalCode.length + 1 + characterCount(r.value);
  return length > ADDRESS_LINE_MAX ? fail('city', (t) => t.cityLineTooLong({ length })) : r;
}
