// Masked contact details, as the recovery page and the member space show them (DESIGN.md §2 step 3:
// « Email : x*****@… », mobile « 06 ** ** ** 12 »): enough for members to recognise their own address,
// not enough to harvest one from the page.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { KeyedHasher } from '../platform/keyed-hash.js';

/** « j*****@g****.fr »: the first letter of the local part and of the domain, and the top-level domain. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '*****';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${local[0]}*****@${host[0] ?? ''}****${tld}`;
}

/** « 06 ** ** ** 78 » for French numbers; « +44 ** ** ** 89 » style for others. */
export function maskMobile(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const digits = e164.replace(/\D/g, '');
  const last = digits.slice(-2);
  if (parsed?.country === 'FR' || e164.startsWith('+33')) {
    const national = `0${digits.slice(2)}`;
    return `${national.slice(0, 2)} ** ** ** ${last}`;
  }
  const cc = parsed?.countryCallingCode ?? digits.slice(0, 2);
  return `+${cc} ** ** ** ${last}`;
}

// Domains weighted roughly as they appear among French members' addresses.
const PRETEND_DOMAINS = [
  'gmail.com', 'gmail.com', 'gmail.com', 'orange.fr', 'orange.fr', 'hotmail.fr', 'free.fr', 'wanadoo.fr',
  'laposte.net', 'yahoo.fr', 'sfr.fr', 'outlook.fr',
] as const;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const WEIGHTED_INITIALS = 'aaabccddeeffgghjjjkllmmmnnoppr' + 'sssttvwxyz';

export interface PretendContact {
  readonly email: string | null;
  readonly mobile: string | null;
}

/**
 * Plausible masked contacts for an unknown member number (DESIGN.md §4 "enumeration", Kratos' pretend
 * path): derived from a keyed hash of the number, so every try shows the same, and nobody without the
 * server's key can tell them from a real member's. Never "neither": that would offer the letter path.
 */
export function pretendContact(hasher: KeyedHasher, memberNumber: string): PretendContact {
  const h = Buffer.from(hasher.hash('pretend-contact', memberNumber), 'base64url');
  const byte = (i: number) => h[i % h.length] ?? 0;
  const kind = byte(0) % 10; // 0-5 both, 6-7 e-mail only, 8-9 mobile only
  const initial = WEIGHTED_INITIALS[byte(1) % WEIGHTED_INITIALS.length] ?? 'a';
  const domain = PRETEND_DOMAINS[byte(2) % PRETEND_DOMAINS.length] ?? 'gmail.com';
  const email = maskEmail(`${initial}${LETTERS[byte(3) % 26]}@${domain}`);
  const prefix = byte(4) % 3 === 0 ? '07' : '06';
  const last = String(byte(5) % 100).padStart(2, '0');
  const mobile = `${prefix} ** ** ** ${last}`;
  return { email: kind <= 7 ? email : null, mobile: kind <= 5 || kind >= 8 ? mobile : null };
}
