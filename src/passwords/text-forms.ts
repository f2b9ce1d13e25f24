// Comparable forms of a password, shared by the blocklist and the personal-information rule. NIST 800-63B-4
// §3.1.1.2 asks verifiers to refuse common and context-specific values; members dress them up with case,
// accents, separators, a year and a "!", or l33t, so each check looks at several forms of the same input.

/** NFC, the form we count, check and hash (one code point per "é" whatever the keyboard sent). */
export function normalizePassword(password: string): string {
  return password.normalize('NFC');
}

/** Number of Unicode code points of the NFC form (NIST counts characters, not UTF-16 units or bytes). */
export function countCharacters(password: string): number {
  let n = 0;
  for (const _ of normalizePassword(password)) n++;
  return n;
}

/** Lower-case without accents: « Éloïse » → « eloise ». */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const SEPARATORS = /[\s\-_.,;:/]+/gu;
const LEADING_NON_LETTERS = /^[^\p{L}]+/u;
const TRAILING_NON_LETTERS = /[^\p{L}]+$/u;

// Common substitutions; a digit inside a word is usually a letter in disguise ("M0td3p@sse").
const L33T: Readonly<Record<string, string>> = {
  '@': 'a',
  '4': 'a',
  '0': 'o',
  '3': 'e',
  '1': 'i',
  '!': 'i',
  $: 's',
  '5': 's',
  '7': 't',
};

function unleet(text: string): string {
  let out = '';
  for (const ch of text) out += L33T[ch] ?? ch;
  return out;
}

/** Folded forms with separators removed and l33t undone, for containment checks (names, member number). */
export function containmentForms(password: string): string[] {
  const folded = foldText(password);
  const joined = folded.replace(SEPARATORS, '');
  return [...new Set([folded, joined, unleet(joined)])];
}

/**
 * Forms compared for equality with the blocklist: the whole password, and its "core" once the digits and
 * symbols around it are taken away ("Motdepasse123!" → "motdepasse", "2024Mutuelle!" → "mutuelle").
 * Cores shorter than `minCore` are left out so that "A!1234567890123" is not called a common word.
 */
export function blocklistForms(password: string, minCore = 4): string[] {
  const forms = new Set<string>();
  const folded = foldText(password);
  forms.add(folded);
  for (const base of [folded, folded.replace(SEPARATORS, '')]) {
    const trailing = base.replace(TRAILING_NON_LETTERS, '');
    const leading = base.replace(LEADING_NON_LETTERS, '');
    const both = trailing.replace(LEADING_NON_LETTERS, '');
    for (const core of [base, trailing, leading, both]) {
      if (core.length < minCore) continue;
      forms.add(core);
      forms.add(unleet(core));
    }
  }
  return [...forms];
}
