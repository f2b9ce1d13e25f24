// Contact details as the recovery pages show them (DESIGN.md §2 step 3): enough for members to recognise
// their own address or number, not enough to harvest one. E-mail « j*****@g****.com »: the first letter of
// the mailbox and of the domain, the top-level domain, and fixed-length stars so that the length is not
// told either. Mobile « 06 ** ** ** 78 »: the first two and last two digits, in the national format for
// French numbers and the international one otherwise (« +41 79 *** ** 67 »).
// An unknown member number gets a made-up contact in the very same formats (pretendContact, ASVS 6.3.8).
import { parsePhoneNumberFromString } from 'libphonenumber-js/mobile';
import type { KeyedHasher } from '../platform/keyed-hash.js';

export interface MaskedContact {
  /** Masked e-mail, or null when there is none on file. */
  readonly email: string | null;
  /** Masked mobile, or null when there is none on file. */
  readonly mobile: string | null;
}

const LOCAL_STARS = '*****';
const DOMAIN_STARS = '****';

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  const dot = domain.lastIndexOf('.');
  const tld = dot === -1 ? '' : domain.slice(dot);
  const first = (s: string): string => Array.from(s)[0] ?? '';
  return `${first(local).toLowerCase()}${LOCAL_STARS}@${first(domain)}${DOMAIN_STARS}${tld}`;
}

// Numbering plans written in the French national format (metropolitan France and the overseas departments).
const FRENCH_FORMAT = new Set(['FR', 'RE', 'YT', 'GP', 'MQ', 'GF', 'PM', 'BL', 'MF']);

/** Replaces every digit by « * » except the first `keepFirst` digits and the last two. */
function starDigits(text: string, keepFirst: number): string {
  const total = text.replace(/[^0-9]/g, '').length;
  let seen = 0;
  return text.replace(/[0-9]/g, (d) => {
    seen++;
    return seen <= keepFirst || seen > total - 2 ? d : '*';
  });
}

/** `e164` as stored (+33612345678) → « 06 ** ** ** 78 »; foreign → « +41 79 *** ** 67 ». */
export function maskMobile(e164: string): string {
  const phone = parsePhoneNumberFromString(e164);
  if (!phone) return starDigits(e164, 0);
  if (phone.country !== undefined && FRENCH_FORMAT.has(phone.country))
    return starDigits(phone.formatNational(), 2);
  return starDigits(phone.formatInternational(), phone.countryCallingCode.length + 2);
}

export function maskContact(member: {
  readonly email: string | null;
  readonly mobile: string | null;
}): MaskedContact {
  return {
    email: member.email ? maskEmail(member.email) : null,
    mobile: member.mobile ? maskMobile(member.mobile) : null,
  };
}

// Weights close to the French market, so that a made-up contact looks like the real ones.
const DOMAINS: ReadonlyArray<readonly [string, number]> = [
  ['gmail.com', 30],
  ['orange.fr', 18],
  ['hotmail.fr', 10],
  ['free.fr', 9],
  ['wanadoo.fr', 8],
  ['laposte.net', 7],
  ['yahoo.fr', 7],
  ['sfr.fr', 5],
];
// Initials of French first names, roughly by frequency.
const INITIALS: ReadonlyArray<readonly [string, number]> = [
  ['j', 14],
  ['m', 14],
  ['c', 10],
  ['s', 8],
  ['a', 8],
  ['n', 6],
  ['p', 6],
  ['l', 6],
  ['e', 5],
  ['f', 4],
  ['g', 4],
  ['d', 4],
  ['b', 3],
  ['t', 3],
  ['v', 3],
  ['r', 3],
  ['h', 2],
  ['o', 1],
  ['y', 1],
  ['k', 1],
];
// Second digit of allocated French mobile numbers after 6 and 7 (06 3x and 06 9x partly belong to overseas).
const MOBILE_PREFIXES = [
  '60',
  '61',
  '62',
  '64',
  '65',
  '66',
  '67',
  '68',
  '60',
  '61',
  '62',
  '64',
  '65',
  '66',
  '67',
  '68',
  '73',
  '74',
  '75',
  '76',
  '77',
  '78',
];

function weighted(list: ReadonlyArray<readonly [string, number]>, byte: number): string {
  const total = list.reduce((s, [, w]) => s + w, 0);
  let r = (byte / 256) * total;
  for (const [value, weight] of list) {
    r -= weight;
    if (r < 0) return value;
  }
  return list[list.length - 1]![0];
}

/**
 * A plausible masked contact for a member number that is not on file (or closed), derived from a keyed
 * hash of the number: the same number always shows the same contact, and without the key nobody can
 * tell it from a real one. Never "neither": members without contact are sent down the letter path,
 * which is decided elsewhere.
 */
export function pretendContact(hasher: KeyedHasher, memberNumber: string): MaskedContact {
  const h = Buffer.from(hasher.hash('members.pretend-contact', memberNumber), 'base64url');
  const at = (i: number): number => h[i] ?? 0;
  // About two thirds have both, then e-mail only, then mobile only (the proportions of a real registry).
  const kind = at(0) / 256;
  const hasEmail = kind < 0.85;
  const hasMobile = kind < 0.65 || kind >= 0.85;
  const email = `${weighted(INITIALS, at(1))}x@${weighted(DOMAINS, at(2))}`;
  const prefix = MOBILE_PREFIXES[at(3) % MOBILE_PREFIXES.length]!;
  const rest = Array.from({ length: 7 }, (_, i) => at(4 + i) % 10).join('');
  return {
    email: hasEmail ? maskEmail(email) : null,
    mobile: hasMobile ? maskMobile(`+33${prefix}${rest}`) : null,
  };
}
