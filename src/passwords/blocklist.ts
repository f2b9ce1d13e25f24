// The common/breached password blocklist (NIST 800-63B-4 §3.1.1.2: "SHALL compare … against a blocklist").
// Source: the 49k most common passwords shipped in @zxcvbn-ts/language-common (MIT, maintained with the
// zxcvbn-ts matcher), plus French and insurer-specific entries. Built once, on first use.
import { dictionary } from '@zxcvbn-ts/language-common';
import { FRENCH_COMMON_PASSWORDS } from './common-passwords-fr.js';
import { blocklistForms, foldText } from './text-forms.js';

let blocklist: ReadonlySet<string> | undefined;

function loadBlocklist(): ReadonlySet<string> {
  if (!blocklist) {
    const set = new Set<string>();
    for (const entry of dictionary['passwords-common']) set.add(foldText(entry));
    for (const entry of FRENCH_COMMON_PASSWORDS) set.add(foldText(entry));
    blocklist = set;
  }
  return blocklist;
}

/** Number of distinct folded entries (for the start-up log). */
export function countBlocklistEntries(): number {
  return loadBlocklist().size;
}

/** "abcabcabc" → "abc"; undefined when the text is not one unit said at least twice. */
function repeatedUnit(text: string): string | undefined {
  const match = /^(.+?)\1+$/su.exec(text);
  return match?.[1];
}

/** "123456789012345", "987654321", "abcdefgh": every character one step from the previous one. */
function isRun(text: string): boolean {
  const codes = [...text].map((ch) => ch.codePointAt(0) ?? 0);
  if (codes.length < 4) return false;
  const step = (i: number): number => {
    const a = codes[i - 1] ?? 0;
    const b = codes[i] ?? 0;
    // Digits wrap round on a keyboard row: 8, 9, 0, 1.
    if (a >= 48 && a <= 57 && b >= 48 && b <= 57) return ((b - a + 15) % 10) - 5;
    return b - a;
  };
  const first = step(1);
  if (Math.abs(first) > 1) return false;
  for (let i = 2; i < codes.length; i++) if (step(i) !== first) return false;
  return true;
}

/**
 * True when the password, or its core once surrounding digits and symbols are removed, is on the list, or
 * is a run ("123456789012345") or a repetition of a listed or short unit ("motdepassemotdepasse").
 * Compared folded (case and accents ignored), so "Motdepasse123!" and "MUTUELLE2024!" are refused.
 */
export function isCommonPassword(password: string): boolean {
  const set = loadBlocklist();
  return blocklistForms(password).some((form) => {
    if (set.has(form) || isRun(form)) return true;
    const unit = repeatedUnit(form);
    return unit !== undefined && (unit.length <= 4 || set.has(unit) || isRun(unit));
  });
}
