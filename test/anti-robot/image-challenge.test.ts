import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import sharp from 'sharp';
import { createChallengeStore } from '../../src/anti-robot/challenge-store.js';
import {
  CHALLENGE_TTL,
  type ImageChallengeDeps,
  issueChallenge,
  parsePictureFileName,
  purgeExpiredChallenges,
  servePicture,
  verifyChallenge,
} from '../../src/anti-robot/image-challenge.js';
import { PicturePool } from '../../src/anti-robot/picture-pool.js';
import { fr } from '../../src/anti-robot/texts.js';
import { WORD_ICONS, WORDS } from '../../src/anti-robot/words.js';
import { ManualClock } from '../../src/platform/clock.js';
import { cryptoRandom, token } from '../../src/platform/random.js';
import { fixedChallengeSource, seededRandom, testHasher } from '../helpers/anti-robot.js';
import { DIALECTS, type TestStore } from '../helpers/stores.js';

const HOSTILE: unknown[] = [
  undefined,
  null,
  42,
  {},
  ['x'],
  '',
  ' ',
  "' OR 1=1 --",
  '\u0000',
  'é',
  'a'.repeat(100_000),
  '../../etc/passwd',
  '%00',
];

function fileName(url: string): string {
  return url.split('/').pop() as string;
}

for (const d of DIALECTS) {
  describe(`picture challenge on ${d.name}`, () => {
    async function setUp(
      t: TestContext,
      options: { answerIndex?: number } = {},
    ): Promise<
      (ImageChallengeDeps & { store: TestStore; clock: ManualClock; answerIndex: number }) | undefined
    > {
      const reason = await d.skip();
      if (reason) {
        t.skip(reason);
        return undefined;
      }
      const store: TestStore = await d.open();
      t.after(() => store.dispose());
      const source = fixedChallengeSource({ answerIndex: options.answerIndex ?? 2 });
      const pool = new PicturePool({ icons: WORD_ICONS, random: cryptoRandom, perIcon: 0 });
      return {
        store,
        challengeStore: createChallengeStore(store),
        clock: new ManualClock(),
        random: cryptoRandom,
        hasher: testHasher(),
        pool,
        source,
        answerIndex: source.answerIndex,
      };
    }

    it('accepts the right picture once and refuses it the second time', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      const challenge = await issueChallenge(deps, 'fr');
      assert.equal(challenge.word, 'vélo');
      const right = challenge.choices[deps.answerIndex]?.value;
      assert.equal(await verifyChallenge(deps, challenge.id, right), true);
      assert.equal(await verifyChallenge(deps, challenge.id, right), false);
    });

    it('refuses a wrong picture and spends the only try', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      const challenge = await issueChallenge(deps, 'fr');
      assert.equal(await verifyChallenge(deps, challenge.id, challenge.choices[0]?.value), false);
      assert.equal(
        await verifyChallenge(deps, challenge.id, challenge.choices[deps.answerIndex]?.value),
        false,
      );
    });

    it('gives five minutes to answer, to the millisecond', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      const early = await issueChallenge(deps, 'fr');
      const late = await issueChallenge(deps, 'fr');
      assert.equal(late.expiresAt, deps.clock.now() + CHALLENGE_TTL);
      deps.clock.advance(CHALLENGE_TTL - 1);
      assert.equal(await verifyChallenge(deps, early.id, early.choices[deps.answerIndex]?.value), true);
      deps.clock.advance(1);
      assert.equal(await verifyChallenge(deps, late.id, late.choices[deps.answerIndex]?.value), false);
    });

    it('lets exactly one of two simultaneous answers win', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      const challenge = await issueChallenge(deps, 'fr');
      const right = challenge.choices[deps.answerIndex]?.value;
      const results = await Promise.all([
        verifyChallenge(deps, challenge.id, right),
        verifyChallenge(deps, challenge.id, right),
        verifyChallenge(deps, challenge.id, right),
      ]);
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('refuses forged ids and hostile input without throwing', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      const challenge = await issueChallenge(deps, 'fr');
      const right = challenge.choices[deps.answerIndex]?.value;
      assert.equal(await verifyChallenge(deps, token(cryptoRandom), right), false);
      for (const bad of HOSTILE) {
        assert.equal(await verifyChallenge(deps, bad, right), false);
        assert.equal(await servePicture(deps, bad), null);
      }
      // A hostile choice still spends the try: no free probing of a live challenge.
      assert.equal(await verifyChallenge(deps, challenge.id, "' OR 1=1 --"), false);
      assert.equal(await verifyChallenge(deps, challenge.id, right), false);
    });

    it('refuses an answer hash copied from another challenge', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      const first = await issueChallenge(deps, 'fr');
      const second = await issueChallenge(deps, 'fr');
      assert.equal(await verifyChallenge(deps, second.id, first.choices[deps.answerIndex]?.value), false);
    });

    it('never serves the same picture bytes in two challenges', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      const pictures: Buffer[] = [];
      for (const challenge of [await issueChallenge(deps, 'fr'), await issueChallenge(deps, 'fr')]) {
        for (const choice of challenge.choices) {
          const png = await servePicture(deps, parsePictureFileName(fileName(choice.pictureUrl)));
          assert.ok(png);
          assert.equal((await sharp(png).metadata()).format, 'png');
          pictures.push(png);
        }
      }
      assert.equal(pictures.length, 12);
      for (let i = 0; i < pictures.length; i++) {
        for (let j = i + 1; j < pictures.length; j++) {
          assert.ok(
            !(pictures[i] as Buffer).equals(pictures[j] as Buffer),
            `pictures ${i} and ${j} share bytes`,
          );
        }
      }
    });

    it('serves a picture URL once only', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      const challenge = await issueChallenge(deps, 'fr');
      const pictureToken = parsePictureFileName(fileName(challenge.choices[0]?.pictureUrl as string));
      assert.ok(await servePicture(deps, pictureToken));
      assert.equal(await servePicture(deps, pictureToken), null);
      assert.equal(await servePicture(deps, token(cryptoRandom)), null);
    });

    it('stops serving pictures once the challenge expired or was answered', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      const answered = await issueChallenge(deps, 'fr');
      const expired = await issueChallenge(deps, 'fr');
      await verifyChallenge(deps, answered.id, answered.choices[0]?.value);
      assert.equal(
        await servePicture(deps, parsePictureFileName(fileName(answered.choices[1]?.pictureUrl ?? ''))),
        null,
      );
      deps.clock.advance(CHALLENGE_TTL);
      assert.equal(
        await servePicture(deps, parsePictureFileName(fileName(expired.choices[1]?.pictureUrl ?? ''))),
        null,
      );
    });

    it('keeps the answer out of the values, URLs and alt texts', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      for (let n = 0; n < 10; n++) {
        const challenge = await issueChallenge({ ...deps, source: undefined }, 'fr');
        const publicText = JSON.stringify(challenge.choices).toLowerCase();
        for (const word of WORDS) {
          for (const secret of [word.id, word.icon, fr.words[word.id]]) {
            assert.ok(!publicText.includes(`"${secret}"`) && !publicText.includes(`/${secret}.`), secret);
          }
        }
        assert.deepEqual(
          challenge.choices.map((c) => c.alt),
          ['Image 1', 'Image 2', 'Image 3', 'Image 4', 'Image 5', 'Image 6'],
        );
        for (const choice of challenge.choices) {
          assert.match(choice.value, /^[A-Za-z0-9_-]{16}$/);
          assert.match(choice.pictureUrl, /^\/anti-robot\/pictures\/[A-Za-z0-9_-]{43}\.png$/);
        }
      }
    });

    it('issues the same public choices whichever picture is the answer', async (t) => {
      // Same random stream, answer at another place: if the page encoded the answer, the choices would differ.
      const deps = await setUp(t);
      if (!deps) return;
      const first = {
        ...deps,
        random: seededRandom('same'),
        source: fixedChallengeSource({ answerIndex: 0 }),
      };
      const a = await issueChallenge(first, 'fr');
      assert.equal(await verifyChallenge(first, a.id, a.choices[0]?.value), true);
      // The same seed yields the same id: clear the first challenge before issuing its twin.
      await deps.store.db.deleteFrom('challenge_pictures').execute();
      await deps.store.db.deleteFrom('challenges').execute();
      const second = {
        ...deps,
        random: seededRandom('same'),
        source: fixedChallengeSource({ answerIndex: 4 }),
      };
      const b = await issueChallenge(second, 'fr');
      assert.deepEqual(a.choices, b.choices);
      assert.equal(await verifyChallenge(second, b.id, b.choices[4]?.value), true);
    });

    it('asks the word in the page’s language', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      assert.equal((await issueChallenge(deps, 'en')).word, 'bicycle');
      assert.equal((await issueChallenge(deps, 'en')).choices[0]?.alt, 'Picture 1');
    });

    it('purges expired challenges with their pictures', async (t) => {
      const deps = await setUp(t);
      if (!deps) return;
      await issueChallenge(deps, 'fr');
      deps.clock.advance(CHALLENGE_TTL);
      const live = await issueChallenge(deps, 'fr');
      const purged = await purgeExpiredChallenges(deps);
      assert.equal(purged.challenges, 1);
      const pictures = await deps.store.db.selectFrom('challenge_pictures').select('challenge_id').execute();
      assert.equal(pictures.length, 6);
      assert.ok(pictures.every((p) => p.challenge_id === live.id));
      assert.equal(await verifyChallenge(deps, live.id, live.choices[deps.answerIndex]?.value), true);
    });
  });
}

describe('picture file names', () => {
  it('accepts only <token>.png', () => {
    assert.equal(parsePictureFileName('abc_DEF-123.png'), 'abc_DEF-123');
    for (const bad of ['abc', 'abc.PNG', '.png', '../x.png', 'a b.png', `${'a'.repeat(65)}.png`, 7, null]) {
      assert.equal(parsePictureFileName(bad), null);
    }
  });
});
