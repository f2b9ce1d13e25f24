// Where a picture challenge's word and pictures come from. Production draws them at random; a test
// builds the app with a source whose answer it knows (test/helpers/anti-robot.ts). There is no setting
// or request parameter that swaps the source: only code that constructs the app can.
import type { Random } from '../platform/random.js';
import { WORDS, type Word } from './words.js';

export const CHOICES_PER_CHALLENGE = 6;

export interface ChallengeLayout {
  /** The word asked for. */
  readonly answer: Word;
  /** The six pictures in display order; exactly one is `answer`. */
  readonly pictures: readonly Word[];
}

export interface ChallengeSource {
  pickLayout(random: Random): ChallengeLayout;
}

/** Fisher–Yates with the injected random: every order equally likely. */
export function shuffleItems<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** A random word and five decoys, no two of one family (see words.ts), shuffled. */
export function createRandomChallengeSource(words: readonly Word[] = WORDS): ChallengeSource {
  const families = new Set(words.map((w) => w.family));
  if (families.size < CHOICES_PER_CHALLENGE) throw new Error('not enough word families for a challenge');
  return {
    pickLayout(random: Random): ChallengeLayout {
      const picked: Word[] = [];
      const used = new Set<string>();
      for (const word of shuffleItems(words, random)) {
        if (used.has(word.family)) continue;
        picked.push(word);
        used.add(word.family);
        if (picked.length === CHOICES_PER_CHALLENGE) break;
      }
      const answer = picked[random.int(0, picked.length)] as Word;
      return { answer, pictures: shuffleItems(picked, random) };
    },
  };
}
