// Test-only seams of the anti-robot check. A running server cannot reach these: only code that builds
// the app passes a `source` to createAntiRobot().
import { createHash } from 'node:crypto';
import { type Challenge, solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { ChallengeLayout, ChallengeSource } from '../../src/anti-robot/challenge-source.js';
import { CHOICES_PER_CHALLENGE } from '../../src/anti-robot/challenge-source.js';
import { WORDS, type Word, type WordId } from '../../src/anti-robot/words.js';
import { KeyedHasher } from '../../src/platform/keyed-hash.js';
import type { Random } from '../../src/platform/random.js';

export interface FixedChallengeOptions {
  /** The word asked for (default « vélo », the guide's example). */
  readonly answer?: WordId;
  /** Where the right picture sits, 0 to 5 (default 0): choose `choices[answerIndex].value` to pass. */
  readonly answerIndex?: number;
  /** The five other pictures (default: the first words of other families). */
  readonly decoys?: readonly WordId[];
}

function wordById(id: WordId): Word {
  const word = WORDS.find((w) => w.id === id);
  if (!word) throw new Error(`unknown word ${id}`);
  return word;
}

/** A challenge source whose answer the test knows. */
export function fixedChallengeSource(options: FixedChallengeOptions = {}): ChallengeSource & {
  readonly answerIndex: number;
} {
  const answer = wordById(options.answer ?? 'bicycle');
  const answerIndex = options.answerIndex ?? 0;
  const decoys = options.decoys
    ? options.decoys.map(wordById)
    : WORDS.filter((w) => w.family !== answer.family)
        .filter((w, i, all) => all.findIndex((o) => o.family === w.family) === i)
        .slice(0, CHOICES_PER_CHALLENGE - 1);
  const pictures = [...decoys];
  pictures.splice(answerIndex, 0, answer);
  const layout: ChallengeLayout = { answer, pictures };
  return { answerIndex, pickLayout: () => layout };
}

/** A deterministic Random: the same seed gives the same bytes and integers. */
export function seededRandom(seed: string): Random {
  let counter = 0;
  const next = (): Buffer => createHash('sha256').update(`${seed}:${counter++}`).digest();
  return {
    bytes(n) {
      const chunks: Buffer[] = [];
      let size = 0;
      while (size < n) {
        const chunk = next();
        chunks.push(chunk);
        size += chunk.length;
      }
      return Buffer.concat(chunks).subarray(0, n);
    },
    int(min, max) {
      return min + (next().readUInt32BE(0) % (max - min));
    },
  };
}

export function testHasher(key = 'anti-robot-test-key-of-32-bytes!'): KeyedHasher {
  return new KeyedHasher(Buffer.from(key));
}

/** What the widget puts in the hidden `altcha` field once it solved `challenge` (keep maxNumber small). */
export async function solveAltcha(challenge: Challenge): Promise<string> {
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('the ALTCHA challenge could not be solved');
  const payload = {
    challenge: { parameters: challenge.parameters, signature: challenge.signature },
    solution,
  };
  return Buffer.from(JSON.stringify(payload)).toString('base64');
}
