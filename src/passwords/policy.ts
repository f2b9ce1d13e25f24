// The password policy shared by the new-password pages of recovery, first connection, letters and the member
// space (DESIGN.md §4). Every rule is reported, passed or not, so the page can show the same checklist
// before and after submit (NIST 800-63B-4 §3.1.1.2: tell the member why a password was refused).
import { countBlocklistEntries, isCommonPassword } from './blocklist.js';
import { estimateStrength, warmUpStrength } from './strength.js';
import { containmentForms, countCharacters, foldText, normalizePassword } from './text-forms.js';
import type { fr } from './texts.js';

export type PolicyPreset = 'house' | 'nist';

export type RuleId =
  | 'min-length'
  | 'max-length'
  | 'digit'
  | 'upper'
  | 'lower'
  | 'special'
  | 'no-forbidden-chars'
  | 'not-common'
  | 'not-personal'
  | 'hard-to-guess';

/** `unchecked`: the costly strength rule is only run once every other rule passes. */
export type RuleStatus = 'pass' | 'fail' | 'unchecked';

export interface RuleOutcome {
  readonly id: RuleId;
  readonly status: RuleStatus;
}

export interface PolicyResult {
  readonly ok: boolean;
  readonly preset: PolicyPreset;
  /** Every rule of the preset, in checklist order. */
  readonly rules: readonly RuleOutcome[];
  /** Ids of the rules that failed (empty when ok). */
  readonly failed: readonly RuleId[];
  /** zxcvbn score 0–4 when it ran (house preset), for logs and metrics; never shown. */
  readonly score: number | null;
}

export interface PasswordContext {
  readonly preset: PolicyPreset;
  readonly memberNumber?: string | undefined;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
}

export interface RuleDescription {
  readonly id: RuleId;
  /** Whether public/js/password-checklist.js can check it as the member types (the server re-checks all). */
  readonly clientSide: boolean;
}

export interface PolicyDescription {
  readonly preset: PolicyPreset;
  readonly minLength: number;
  readonly maxLength: number;
  readonly forbiddenCharacters: readonly string[];
  readonly rules: readonly RuleDescription[];
  /** Attributes for the checklist `<ul>`, read by the browser script. */
  readonly dataAttributes: Readonly<Record<string, string>>;
}

/** The checklist item the browser script ticks when the confirmation matches (not a policy rule). */
export const CONFIRM_RULE_ID = 'confirm-match' as const;

// The guide's list: « évitez les caractères suivants : apostrophe ('), pourcentage (%), antislash (\),
// et underscore (_) », kept for the insurer's downstream systems.
const FORBIDDEN_CHARACTERS: readonly string[] = ["'", '%', '\\', '_'];
// NIST 800-63B-4 §3.1.1.2: accept at least 64 characters; 128 leaves room for passphrases.
const MAX_LENGTH = 128;
// UTF-16 units beyond which an input cannot be a password of at most 128 characters, whatever its form.
const MAX_INPUT_UNITS = 1024;
const MIN_STRENGTH_SCORE = 3;
const MIN_NAME_LENGTH = 3;
const CLIENT_SIDE_RULES: ReadonlySet<RuleId> = new Set([
  'min-length',
  'max-length',
  'digit',
  'upper',
  'lower',
  'special',
  'no-forbidden-chars',
]);

const PRESETS: Readonly<Record<PolicyPreset, { minLength: number; rules: readonly RuleId[] }>> = {
  // The guide's rules; CNIL 2022-100 case 1: 12 characters from 4 classes ≈ 80 bits.
  house: {
    minLength: 12,
    rules: [
      'min-length',
      'max-length',
      'digit',
      'upper',
      'lower',
      'special',
      'no-forbidden-chars',
      'not-common',
      'not-personal',
      'hard-to-guess',
    ],
  },
  // NIST 800-63B-4 §3.1.1.2: 15 characters when the password is the only factor, no composition rules,
  // any Unicode, a blocklist including context-specific words.
  nist: { minLength: 15, rules: ['min-length', 'max-length', 'not-common', 'not-personal'] },
};

const DIGIT = /[0-9]/u;
const SPECIAL = /[^\p{L}\p{N}]/u;

function hasUpper(password: string): boolean {
  for (const ch of password) if (ch !== ch.toLowerCase()) return true;
  return false;
}

function hasLower(password: string): boolean {
  for (const ch of password) if (ch !== ch.toUpperCase()) return true;
  return false;
}

/** The member's own words: member number, names and their parts of 3 letters or more, folded. */
function personalWords(context: PasswordContext): string[] {
  const words = new Set<string>();
  const number = context.memberNumber?.trim();
  if (number && number.length >= MIN_NAME_LENGTH) words.add(foldText(number));
  for (const name of [context.firstName, context.lastName]) {
    if (!name) continue;
    const folded = foldText(name.trim());
    const parts = folded.split(/[^\p{L}\p{N}]+/u);
    for (const w of [...parts, parts.join('')]) if (w.length >= MIN_NAME_LENGTH) words.add(w);
  }
  return [...words];
}

function containsPersonalWord(password: string, words: readonly string[]): boolean {
  if (words.length === 0) return false;
  const forms = containmentForms(password);
  return words.some((w) => forms.some((f) => f.includes(w)));
}

/** Check a candidate password against every rule of the preset; the result lists each rule's status. */
export function checkPassword(password: string, context: PasswordContext): PolicyResult {
  const preset = PRESETS[context.preset];
  // A 1 MB paste is refused on its size alone: no normalisation, list or zxcvbn work is done on it.
  if (password.length > MAX_INPUT_UNITS) return refuseOversized(context.preset);
  const normalized = normalizePassword(password);
  const length = countCharacters(normalized);
  const words = personalWords(context);
  const cheap: Readonly<Record<Exclude<RuleId, 'hard-to-guess'>, boolean>> = {
    'min-length': length >= preset.minLength,
    'max-length': length <= MAX_LENGTH,
    digit: DIGIT.test(normalized),
    upper: hasUpper(normalized),
    lower: hasLower(normalized),
    special: SPECIAL.test(normalized),
    'no-forbidden-chars': !FORBIDDEN_CHARACTERS.some((c) => normalized.includes(c)),
    'not-common': !isCommonPassword(normalized),
    'not-personal': !containsPersonalWord(normalized, words),
  };
  const cheapOk = preset.rules.every((id) => id === 'hard-to-guess' || cheap[id]);

  let score: number | null = null;
  const rules = preset.rules.map((id): RuleOutcome => {
    if (id !== 'hard-to-guess') return { id, status: cheap[id] ? 'pass' : 'fail' };
    // zxcvbn costs milliseconds of event-loop time: only run it on a password that could be accepted.
    if (!cheapOk) return { id, status: 'unchecked' };
    score = estimateStrength(normalized, words);
    return { id, status: score >= MIN_STRENGTH_SCORE ? 'pass' : 'fail' };
  });
  return summarize(context.preset, rules, score);
}

function refuseOversized(presetName: PolicyPreset): PolicyResult {
  const rules = PRESETS[presetName].rules.map(
    (id): RuleOutcome => ({
      id,
      status: id === 'max-length' ? 'fail' : id === 'min-length' ? 'pass' : 'unchecked',
    }),
  );
  return summarize(presetName, rules, null);
}

function summarize(preset: PolicyPreset, rules: readonly RuleOutcome[], score: number | null): PolicyResult {
  const failed = rules.filter((r) => r.status === 'fail').map((r) => r.id);
  return { ok: failed.length === 0, preset, rules, failed, score };
}

/**
 * The rule list for rendering the checklist, and what the browser script needs to tick rules live. Given
 * the page's catalogue (`texts(locale).passwords`), the attributes also carry the status words a screen
 * reader hears after each rule (« respectée », « non respectée »).
 */
export function describePolicy(
  presetName: PolicyPreset,
  catalogue?: { readonly ruleStatus: Readonly<Record<RuleStatus, string>> },
): PolicyDescription {
  const preset = PRESETS[presetName];
  const statusTexts: Record<string, string> = {};
  if (catalogue) {
    for (const [status, text] of Object.entries(catalogue.ruleStatus))
      statusTexts[`data-text-${status}`] = text;
  }
  return {
    preset: presetName,
    minLength: preset.minLength,
    maxLength: MAX_LENGTH,
    forbiddenCharacters: presetName === 'house' ? FORBIDDEN_CHARACTERS : [],
    rules: preset.rules.map((id) => ({ id, clientSide: CLIENT_SIDE_RULES.has(id) })),
    dataAttributes: {
      'data-min-length': String(preset.minLength),
      'data-max-length': String(MAX_LENGTH),
      'data-forbidden-chars': presetName === 'house' ? FORBIDDEN_CHARACTERS.join('') : '',
      ...statusTexts,
    },
  };
}

type RuleTexts = (typeof fr)['rules'];

/** The plain-language text of a rule in the given catalogue (`texts(locale).passwords`). */
export function describeRule(
  catalogue: {
    readonly rules: { readonly [K in keyof RuleTexts]: (p: { min: number; max: number }) => string };
  },
  id: RuleId | typeof CONFIRM_RULE_ID,
  policy: PolicyDescription,
): string {
  return catalogue.rules[id]({ min: policy.minLength, max: policy.maxLength });
}

/** Load the blocklist and the zxcvbn dictionaries at start-up instead of on the first request. */
export function warmUpPasswordPolicy(): { blocklistEntries: number } {
  warmUpStrength();
  return { blocklistEntries: countBlocklistEntries() };
}
