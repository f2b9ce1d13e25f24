// What the web layer calls (DESIGN.md §5). Mode `image` shows the guide's pictures with the proof of
// work always offered next to them; `altcha` the proof of work alone; `off` lets everything through
// (closed test environments only: the server warns at start).
import type { Locale } from '../i18n/types.js';
import type { Clock } from '../platform/clock.js';
import type { KeyedHasher } from '../platform/keyed-hash.js';
import type { Random } from '../platform/random.js';
import type { Store } from '../store/db.js';
import {
  type AltchaChallenge,
  type AltchaDeps,
  createAltchaChallenge,
  verifyAltchaPayload,
} from './altcha.js';
import { ALTCHA_FIELD, type AltchaWidgetAttributes, altchaWidgetAttributes } from './altcha-widget.js';
import type { ChallengeSource } from './challenge-source.js';
import { type ChallengeStore, createChallengeStore } from './challenge-store.js';
import {
  type ImageChallengeDeps,
  type IssuedChallenge,
  issueChallenge,
  purgeExpiredChallenges,
  servePicture,
  verifyChallenge,
} from './image-challenge.js';
import { PicturePool } from './picture-pool.js';
import { WORD_ICONS } from './words.js';

export {
  ALTCHA_ASSET_PATH,
  ALTCHA_CHALLENGE_PATH,
  ALTCHA_CSS_URL,
  ALTCHA_FIELD,
  ALTCHA_FILES,
  ALTCHA_SETUP_SCRIPT,
  ALTCHA_SETUP_URL,
  type AltchaWidgetAttributes,
} from './altcha-widget.js';
export type { ChallengeLayout, ChallengeSource } from './challenge-source.js';
export { createRandomChallengeSource } from './challenge-source.js';
export {
  CHALLENGE_TTL,
  type IssuedChallenge,
  type IssuedChoice,
  PICTURE_PATH,
  parsePictureFileName,
} from './image-challenge.js';
export { PicturePool } from './picture-pool.js';
export { redisChallengeStore } from './redis-challenge-store.js';

export type AntiRobotMode = 'image' | 'altcha' | 'off';

/** Names of the form fields the check adds to a form. */
export const CHALLENGE_ID_FIELD = 'challenge_id';
export const CHALLENGE_CHOICE_FIELD = 'challenge_choice';

export interface AntiRobotOptions {
  readonly mode: AntiRobotMode;
  readonly store: Store;
  /** Where challenges and spent proofs live; defaults to the SQL tables of `store`. */
  readonly challengeStore?: ChallengeStore;
  readonly clock: Clock;
  readonly random: Random;
  readonly hasher: KeyedHasher;
  /** SESAME_ALTCHA_MAX_NUMBER. */
  readonly altchaMaxNumber: number;
  /** Defaults to a pool of every word's icon. */
  readonly pool?: PicturePool;
  /** Ready pictures per icon when the pool is made here. */
  readonly picturesPerIcon?: number;
  /** Tests only: a source whose answer they know. */
  readonly source?: ChallengeSource;
  /** Told about failed background renders. */
  readonly onError?: (error: unknown) => void;
}

/** What a form shows: the pictures (mode image), the widget (image and altcha), or nothing (off). */
export interface AntiRobotCheck {
  readonly mode: AntiRobotMode;
  readonly image: IssuedChallenge | null;
  readonly altcha: AltchaWidgetAttributes | null;
}

export interface AntiRobot {
  readonly mode: AntiRobotMode;
  issue(locale: Locale): Promise<AntiRobotCheck>;
  /** The submitted form's fields (`challenge_id` + `challenge_choice`, or `altcha`); never throws on them. */
  verify(form: unknown): Promise<boolean>;
  servePicture(pictureToken: unknown): Promise<Buffer | null>;
  /** JSON for GET ALTCHA_CHALLENGE_PATH. */
  createAltchaChallenge(): Promise<AltchaChallenge>;
  purgeExpired(): Promise<{ challenges: number; proofs: number }>;
  /** Fills the picture pool (start-up); resolves at once outside mode image. */
  warmUp(): Promise<void>;
  close(): void;
}

function field(form: unknown, name: string): string | undefined {
  if (typeof form !== 'object' || form === null) return undefined;
  const value = (form as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function createAntiRobot(options: AntiRobotOptions): AntiRobot {
  const { mode } = options;
  const pool =
    options.pool ??
    new PicturePool({
      icons: mode === 'image' ? WORD_ICONS : [],
      random: options.random,
      perIcon: options.picturesPerIcon,
      onError: options.onError,
    });
  const tables = createChallengeStore(options.store);
  const challengeStore = options.challengeStore ?? tables;
  const imageDeps: ImageChallengeDeps = { ...options, pool, challengeStore };
  const altchaDeps: AltchaDeps = { ...options, challengeStore, maxNumber: options.altchaMaxNumber };

  return {
    mode,
    async issue(locale) {
      if (mode === 'off') return { mode, image: null, altcha: null };
      const image = mode === 'image' ? await issueChallenge(imageDeps, locale) : null;
      return { mode, image, altcha: altchaWidgetAttributes(locale) };
    },

    async verify(form) {
      if (mode === 'off') return true;
      const altchaPayload = field(form, ALTCHA_FIELD);
      const altchaPassed =
        altchaPayload !== undefined && (await verifyAltchaPayload(altchaDeps, altchaPayload));
      if (mode === 'altcha') return altchaPassed;
      // Either check passes the form; a submitted picture challenge is spent even when the proof of
      // work already passed, so it cannot be kept for a later guess.
      const challengeId = field(form, CHALLENGE_ID_FIELD);
      const imagePassed =
        challengeId !== undefined &&
        (await verifyChallenge(imageDeps, challengeId, field(form, CHALLENGE_CHOICE_FIELD)));
      return altchaPassed || imagePassed;
    },

    servePicture: (pictureToken) =>
      mode === 'image' ? servePicture(imageDeps, pictureToken) : Promise.resolve(null),
    createAltchaChallenge: () => createAltchaChallenge(altchaDeps),
    purgeExpired: async () => {
      const purged = await purgeExpiredChallenges(imageDeps);
      if (challengeStore === tables) return purged;
      // Challenges moved to Redis: rows left in the tables from before the move still get cleared.
      const before = await purgeExpiredChallenges({ ...imageDeps, challengeStore: tables });
      return { challenges: purged.challenges + before.challenges, proofs: purged.proofs + before.proofs };
    },
    warmUp: () => pool.fill(),
    close: () => pool.close(),
  };
}
