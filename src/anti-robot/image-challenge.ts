// The guide's picture challenge (DESIGN.md §5): a word and six pictures, one try, five minutes. The
// answer is never in the page: radio values are random per choice, picture URLs are opaque single-use
// tokens, alt texts give only the position, and the server keeps only a keyed hash of the right value.
import type { Locale } from '../i18n/types.js';
import type { Clock } from '../platform/clock.js';
import { MINUTE } from '../platform/clock.js';
import type { KeyedHasher } from '../platform/keyed-hash.js';
import { type Random, token } from '../platform/random.js';
import { type ChallengeSource, createRandomChallengeSource } from './challenge-source.js';
import type { ChallengeStore } from './challenge-store.js';
import type { PicturePool } from './picture-pool.js';
import { en, fr } from './texts.js';
import { labelWord } from './words.js';

export const CHALLENGE_TTL = 5 * MINUTE;
export const PICTURE_PATH = '/anti-robot/pictures/';

export interface ImageChallengeDeps {
  readonly challengeStore: ChallengeStore;
  readonly clock: Clock;
  readonly random: Random;
  readonly hasher: KeyedHasher;
  readonly pool: PicturePool;
  /** Defaults to the random source; tests inject one whose answer they know. */
  readonly source?: ChallengeSource;
}

export interface IssuedChoice {
  /** Value of the radio input: random, says nothing about the picture. */
  readonly value: string;
  readonly pictureUrl: string;
  readonly alt: string;
}

export interface IssuedChallenge {
  readonly id: string;
  /** The word asked for, in the page's locale. */
  readonly word: string;
  readonly choices: readonly IssuedChoice[];
  readonly expiresAt: number;
}

const defaultSource = createRandomChallengeSource();
// Ids, values and tokens are base64url; anything else is refused before reaching the database.
const OPAQUE = /^[A-Za-z0-9_-]{1,64}$/;

function isOpaque(value: unknown): value is string {
  return typeof value === 'string' && OPAQUE.test(value);
}

function answerHash(hasher: KeyedHasher, id: string, value: string): string {
  return hasher.hash('challenge-answer', `${id}:${value}`);
}

export async function issueChallenge(deps: ImageChallengeDeps, locale: Locale): Promise<IssuedChallenge> {
  const { random, clock } = deps;
  const layout = (deps.source ?? defaultSource).pickLayout(random);
  const now = clock.now();
  const id = token(random);
  const expiresAt = now + CHALLENGE_TTL;
  const texts = locale === 'en' ? en : fr;
  const word = labelWord(layout.answer, locale);
  const choices = layout.pictures.map((picture, i) => ({
    picture,
    value: token(random, 12),
    pictureToken: token(random),
    position: i + 1,
  }));
  const answer = choices.find((c) => c.picture === layout.answer);
  if (!answer) throw new Error('challenge layout without its answer');
  await deps.challengeStore.insertChallenge(
    {
      id,
      kind: 'image',
      word,
      locale,
      answer_hash: answerHash(deps.hasher, id, answer.value),
      created_at: now,
      expires_at: expiresAt,
    },
    choices.map((c) => ({
      token: c.pictureToken,
      challenge_id: id,
      position: c.position,
      icon: c.picture.icon,
    })),
  );
  return {
    id,
    word,
    expiresAt,
    choices: choices.map((c) => ({
      value: c.value,
      pictureUrl: `${PICTURE_PATH}${c.pictureToken}.png`,
      alt: texts.pictureAlt({ position: c.position }),
    })),
  };
}

/**
 * True once for the right picture of a live challenge. The try is spent before the answer is compared,
 * so a wrong answer also ends the challenge. Never throws on hostile input: anything not shaped like our
 * tokens is refused without a query.
 */
export async function verifyChallenge(
  deps: ImageChallengeDeps,
  id: unknown,
  chosenValue: unknown,
): Promise<boolean> {
  if (!isOpaque(id)) return false;
  const hash = await deps.challengeStore.spendChallenge(id, deps.clock.now());
  if (hash === undefined || !isOpaque(chosenValue)) return false;
  return deps.hasher.verify('challenge-answer', `${id}:${chosenValue}`, hash);
}

/** The token in a picture file name (`<token>.png`), or null. */
export function parsePictureFileName(fileName: unknown): string | null {
  if (typeof fileName !== 'string' || !fileName.endsWith('.png')) return null;
  const candidate = fileName.slice(0, -'.png'.length);
  return isOpaque(candidate) ? candidate : null;
}

/** The PNG behind a picture token, once; null when unknown, already served, or its challenge is over. */
export async function servePicture(deps: ImageChallengeDeps, pictureToken: unknown): Promise<Buffer | null> {
  if (!isOpaque(pictureToken)) return null;
  const icon = await deps.challengeStore.servePicture(pictureToken, deps.clock.now());
  return icon === undefined ? null : deps.pool.take(icon);
}

export async function purgeExpiredChallenges(
  deps: Pick<ImageChallengeDeps, 'challengeStore' | 'clock'>,
): Promise<{ challenges: number; proofs: number }> {
  return deps.challengeStore.purgeExpired(deps.clock.now());
}
