// Guessability estimate with zxcvbn-ts (French + common dictionaries, AZERTY/QWERTY graphs). The factory
// ranks ~130k dictionary words, so it is built once, lazily, and shared by every check of the process.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as frenchDictionary } from '@zxcvbn-ts/language-fr';

/**
 * zxcvbn reads only the first 40 characters. Its cost grows with the square of the length (word chains of
 * 128 characters took 60–300 ms each on this machine, 2.6 s at worst); a password whose first 40
 * characters are hard to guess is at least as hard as a whole, and the cheap rules still see everything.
 */
export const STRENGTH_INPUT_LENGTH = 40;

// Words a member of this insurer reaches for first; zxcvbn then scores them like dictionary words.
const INSURER_WORDS = [
  'mutuelle',
  'adherent',
  'adherente',
  'espace',
  'sesame',
  'sante',
  'assurance',
  'agents',
  'publics',
  'remboursement',
  'connexion',
  'motdepasse',
];

// The small French lists (days, months, numbers…) also feed zxcvbn-ts's word-sequence matcher, which
// scores "Lundi-Mardi-2024" 2 instead of 4; it roughly doubles the cost, and is worth it.
let factory: ZxcvbnFactory | undefined;

function loadFactory(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...commonDictionary, ...frenchDictionary, 'insurer-fr': INSURER_WORDS },
    graphs: adjacencyGraphs,
    maxLength: STRENGTH_INPUT_LENGTH,
    // The l33t matcher dominates the cost (default 100 substitutions: up to 0.5 s on a 128-char repeat);
    // 4 still undoes the usual "P@ssw0rd" tricks. Levenshtein is off: it costs ×10 per check here.
    l33tMaxSubstitutions: 4,
    useLevenshteinDistance: false,
  });
  return factory;
}

/** zxcvbn score 0 (trivial) to 4 (very hard to guess), with the member's own words as user inputs. */
export function estimateStrength(password: string, userInputs: readonly string[]): number {
  return loadFactory().check(password, [...userInputs]).score;
}

/** Build the dictionaries now (≈ 70 ms) rather than on the first member's request. */
export function warmUpStrength(): void {
  estimateStrength('Préchauffage-2024!', []);
}
