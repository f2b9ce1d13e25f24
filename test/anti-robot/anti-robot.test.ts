import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it, type TestContext } from 'node:test';
import sharp from 'sharp';
import { altchaWidgetAttributes } from '../../src/anti-robot/altcha-widget.js';
import {
  ALTCHA_FILES,
  ALTCHA_SETUP_SCRIPT,
  type AntiRobot,
  type AntiRobotMode,
  createAntiRobot,
  PicturePool,
  parsePictureFileName,
} from '../../src/anti-robot/index.js';
import { fr } from '../../src/anti-robot/texts.js';
import { WORD_ICONS } from '../../src/anti-robot/words.js';
import { ManualClock } from '../../src/platform/clock.js';
import { cryptoRandom } from '../../src/platform/random.js';
import { fixedChallengeSource, solveAltcha, testHasher } from '../helpers/anti-robot.js';
import { DIALECTS } from '../helpers/stores.js';

for (const d of DIALECTS) {
  describe(`anti-robot check on ${d.name}`, () => {
    async function build(t: TestContext, mode: AntiRobotMode): Promise<AntiRobot | undefined> {
      const reason = await d.skip();
      if (reason) {
        t.skip(reason);
        return undefined;
      }
      const store = await d.open();
      t.after(() => store.dispose());
      const antiRobot = createAntiRobot({
        mode,
        store,
        clock: new ManualClock(Date.now()),
        random: cryptoRandom,
        hasher: testHasher(),
        altchaMaxNumber: 1000,
        pool: new PicturePool({ icons: WORD_ICONS, random: cryptoRandom, perIcon: 0 }),
        source: fixedChallengeSource({ answer: 'house', answerIndex: 3 }),
      });
      t.after(() => antiRobot.close());
      return antiRobot;
    }

    it('offers the pictures and the proof of work side by side in mode image', async (t) => {
      const antiRobot = await build(t, 'image');
      if (!antiRobot) return;
      const check = await antiRobot.issue('fr');
      assert.equal(check.image?.word, 'maison');
      assert.equal(check.image?.choices.length, 6);
      assert.equal(check.altcha?.name, 'altcha');
      const right = check.image?.choices[3]?.value;
      assert.equal(await antiRobot.verify({ challenge_id: check.image?.id, challenge_choice: right }), true);
      assert.equal(await antiRobot.verify({ challenge_id: check.image?.id, challenge_choice: right }), false);
    });

    it('refuses a wrong picture, an empty form and hostile forms', async (t) => {
      const antiRobot = await build(t, 'image');
      if (!antiRobot) return;
      const check = await antiRobot.issue('fr');
      const forms: unknown[] = [
        undefined,
        null,
        'challenge_id=x',
        {},
        { challenge_id: [check.image?.id], challenge_choice: [check.image?.choices[3]?.value] },
        { challenge_id: check.image?.id, challenge_choice: check.image?.choices[0]?.value },
        { altcha: 'x' },
        { altcha: { toString: () => 'x' } },
      ];
      for (const form of forms) assert.equal(await antiRobot.verify(form), false);
    });

    it('passes the form on the proof of work alone, without any picture', async (t) => {
      const antiRobot = await build(t, 'image');
      if (!antiRobot) return;
      await antiRobot.issue('fr');
      const altcha = await solveAltcha(await antiRobot.createAltchaChallenge());
      assert.equal(await antiRobot.verify({ altcha, challenge_id: '', challenge_choice: '' }), true);
      assert.equal(await antiRobot.verify({ altcha }), false, 'a proof of work is spent once');
    });

    it('spends the picture challenge even when the proof of work passed', async (t) => {
      const antiRobot = await build(t, 'image');
      if (!antiRobot) return;
      const check = await antiRobot.issue('fr');
      const altcha = await solveAltcha(await antiRobot.createAltchaChallenge());
      const right = check.image?.choices[3]?.value;
      assert.equal(
        await antiRobot.verify({ altcha, challenge_id: check.image?.id, challenge_choice: 'x' }),
        true,
      );
      assert.equal(await antiRobot.verify({ challenge_id: check.image?.id, challenge_choice: right }), false);
    });

    it('serves each picture of a challenge once', async (t) => {
      const antiRobot = await build(t, 'image');
      if (!antiRobot) return;
      const check = await antiRobot.issue('fr');
      const url = check.image?.choices[0]?.pictureUrl ?? '';
      const pictureToken = parsePictureFileName(url.split('/').pop());
      const png = await antiRobot.servePicture(pictureToken);
      assert.ok(png);
      assert.equal((await sharp(png).metadata()).width, 96);
      assert.equal(await antiRobot.servePicture(pictureToken), null);
    });

    it('offers only the proof of work in mode altcha', async (t) => {
      const antiRobot = await build(t, 'altcha');
      if (!antiRobot) return;
      const check = await antiRobot.issue('en');
      assert.equal(check.image, null);
      assert.equal(check.altcha?.language, 'en');
      assert.equal(await antiRobot.verify({ challenge_id: 'x', challenge_choice: 'y' }), false);
      const altcha = await solveAltcha(await antiRobot.createAltchaChallenge());
      assert.equal(await antiRobot.verify({ altcha }), true);
      assert.equal(await antiRobot.servePicture('anything'), null);
    });

    it('lets every form through in mode off', async (t) => {
      const antiRobot = await build(t, 'off');
      if (!antiRobot) return;
      const check = await antiRobot.issue('fr');
      assert.deepEqual(check, { mode: 'off', image: null, altcha: null });
      assert.equal(await antiRobot.verify({}), true);
    });
  });
}

describe('ALTCHA widget', () => {
  it('serves the strict-CSP build of the widget from files that exist', () => {
    for (const [name, asset] of Object.entries(ALTCHA_FILES)) {
      assert.ok(existsSync(asset.file), name);
      assert.ok(asset.file.includes('/dist/external/') || asset.file.includes('/dist/workers/'), asset.file);
    }
    // The external build injects no <style> element and builds no worker from a blob: URL.
    const widget = readFileSync(ALTCHA_FILES['altcha.min.js']?.file ?? '', 'utf8');
    assert.ok(!widget.includes('createElement("style")'));
    assert.ok(!widget.includes('createObjectURL'));
  });

  it('registers our worker and texts without inline script', () => {
    assert.match(ALTCHA_SETUP_SCRIPT, /import '\.\/altcha\.min\.js'/);
    assert.match(ALTCHA_SETUP_SCRIPT, /sha-worker\.js/);
    assert.match(ALTCHA_SETUP_SCRIPT, /"SHA-256"/);
  });

  it('gives the widget our challenge URL, field name and French texts', () => {
    const attributes = altchaWidgetAttributes('fr');
    assert.equal(attributes.challenge, '/anti-robot/altcha-challenge');
    assert.equal(attributes.name, 'altcha');
    assert.equal(JSON.parse(attributes['data-strings']).label, fr.widget.label);
    assert.deepEqual(JSON.parse(attributes.configuration), {
      auto: 'off',
      hideFooter: true,
      type: 'checkbox',
    });
  });
});
