import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { CHOICES_PER_CHALLENGE, createRandomChallengeSource } from '../../src/anti-robot/challenge-source.js';
import { PicturePool } from '../../src/anti-robot/picture-pool.js';
import {
  composePictureSvg,
  MIN_CONTRAST,
  PICTURE_SIZE,
  pickColours,
  renderPicture,
} from '../../src/anti-robot/render.js';
import { en, fr } from '../../src/anti-robot/texts.js';
import { WORDS } from '../../src/anti-robot/words.js';
import { cryptoRandom } from '../../src/platform/random.js';

const iconsDir = join(dirname(createRequire(import.meta.url).resolve('lucide-static/package.json')), 'icons');

describe('words', () => {
  it('gives every word a lucide icon and a French and English label', () => {
    assert.ok(WORDS.length >= 12);
    for (const word of WORDS) {
      assert.ok(existsSync(join(iconsDir, `${word.icon}.svg`)), `icon ${word.icon}`);
      assert.ok(fr.words[word.id].length > 0);
      assert.ok(en.words[word.id].length > 0);
    }
    assert.equal(new Set(WORDS.map((w) => w.icon)).size, WORDS.length, 'one icon per word');
    assert.equal(new Set(WORDS.map((w) => fr.words[w.id])).size, WORDS.length, 'one French label per word');
  });

  it('keeps the guide’s example words', () => {
    const labels: string[] = WORDS.map((w) => fr.words[w.id]);
    for (const word of ['vélo', 'voiture', 'maison', 'arbre']) assert.ok(labels.includes(word), word);
  });

  it('draws six distinct pictures of six families, one of them the answer', () => {
    const source = createRandomChallengeSource();
    const answers = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const { answer, pictures } = source.pickLayout(cryptoRandom);
      assert.equal(pictures.length, CHOICES_PER_CHALLENGE);
      assert.equal(new Set(pictures.map((p) => p.family)).size, CHOICES_PER_CHALLENGE);
      assert.ok(pictures.includes(answer));
      answers.add(answer.id);
    }
    assert.ok(answers.size > WORDS.length / 2, 'answers spread over the words');
  });
});

describe('picture rendering', () => {
  it('renders a 96×96 PNG', async () => {
    const png = await renderPicture('bike', cryptoRandom);
    const meta = await sharp(png).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, PICTURE_SIZE);
    assert.equal(meta.height, PICTURE_SIZE);
  });

  it('never renders the same bytes twice for the same icon', async () => {
    const renders = await Promise.all(Array.from({ length: 20 }, () => renderPicture('car', cryptoRandom)));
    for (let i = 0; i < renders.length; i++) {
      for (let j = i + 1; j < renders.length; j++) assert.ok(!renders[i]?.equals(renders[j] as Buffer));
    }
  });

  it('draws dark on light with a contrast of at least 4.5:1 (WCAG 1.4.11 asks 3:1)', () => {
    for (let i = 0; i < 1000; i++) {
      const { stroke, background, contrast } = pickColours(cryptoRandom);
      assert.ok(contrast >= MIN_CONTRAST, `${stroke} on ${background}: ${contrast}`);
    }
  });

  it('varies rotation within ±20° and draws the icon in the chosen stroke colour', () => {
    for (let i = 0; i < 200; i++) {
      const svg = composePictureSvg('house', cryptoRandom);
      const rotation = Number(/rotate\((-?[\d.]+)\)/.exec(svg)?.[1]);
      assert.ok(Math.abs(rotation) <= 20, String(rotation));
      assert.ok(!svg.includes('currentColor'));
    }
  });

  it('refuses an icon name that could leave the icon folder', () => {
    assert.throws(() => composePictureSvg('../../package', cryptoRandom));
  });
});

describe('picture pool', () => {
  it('fills every icon and hands each pooled picture out once', async () => {
    const pool = new PicturePool({ icons: ['bike', 'car'], random: cryptoRandom, perIcon: 2 });
    await pool.fill();
    assert.equal(pool.readyCount('bike'), 2);
    assert.equal(pool.readyCount('car'), 2);
    const seen: Buffer[] = [];
    for (let i = 0; i < 6; i++) {
      const png = await pool.take('bike');
      assert.ok(!seen.some((s) => s === png || s.equals(png)), 'never the same picture twice');
      seen.push(png);
    }
    await pool.fill();
    assert.equal(pool.readyCount('bike'), 2, 'refilled after use');
    pool.close();
  });

  it('renders on demand when the pool is dry', async () => {
    let renders = 0;
    const pool = new PicturePool({
      icons: ['fish'],
      random: cryptoRandom,
      perIcon: 0,
      render: async (icon, random) => {
        renders++;
        return renderPicture(icon, random);
      },
    });
    const png = await pool.take('fish');
    assert.equal((await sharp(png).metadata()).width, PICTURE_SIZE);
    assert.equal(renders, 1);
    assert.equal(pool.readyCount('fish'), 0);
  });

  it('falls back to on-demand renders when a background render fails', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const pool = new PicturePool({
      icons: ['star'],
      random: cryptoRandom,
      perIcon: 2,
      onError: (e) => errors.push(e),
      render: async () => {
        if (fail) throw new Error('render failed');
        return Buffer.from('png');
      },
    });
    await pool.fill();
    assert.equal(errors.length, 1);
    fail = false;
    assert.deepEqual(await pool.take('star'), Buffer.from('png'));
    pool.close();
  });
});
