// The composed pictures (issue 7: a tenth of the CPU of an SVG rasterised per picture): still 96×96 PNGs
// of the right icon in two contrasting colours, never the same bytes twice, never clipped, from masks that
// match the installed lucide icons, composed on a worker thread by the pool.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import {
  composePng,
  composeScanlines,
  type IconMask,
  PICTURE_SIZE,
  type PictureVariation,
  unpackMasks,
} from '../../src/anti-robot/compose.js';
import { MASK_ICONS, PACKED_MASKS } from '../../src/anti-robot/mask-data.js';
import { renderIconMasks } from '../../src/anti-robot/masks.js';
import { PicturePool } from '../../src/anti-robot/picture-pool.js';
import { composePicture } from '../../src/anti-robot/variation.js';
import { WORD_ICONS } from '../../src/anti-robot/words.js';
import { cryptoRandom } from '../../src/platform/random.js';

const masks = unpackMasks(MASK_ICONS, PACKED_MASKS);
const masksOf = (icon: string): IconMask[] => masks.get(icon) ?? assert.fail(`no masks for ${icon}`);

const plain: PictureVariation = {
  stroke: [20, 40, 90],
  background: [245, 240, 230],
  rotationDeg: 0,
  scale: 2.45,
  dx: 0,
  dy: 0,
  dots: [],
  lines: [],
  noiseOpacity: 0.2,
};

async function pixels(png: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('composed pictures', () => {
  it('writes a 96×96 PNG in the background and stroke colours only', async () => {
    const png = composePng(masksOf('bike')[1] as IconMask, plain);
    const meta = await sharp(png).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, PICTURE_SIZE);
    assert.equal(meta.height, PICTURE_SIZE);
    const { data } = await pixels(png);
    assert.deepEqual([...data.subarray(0, 3)], [...plain.background], 'corner is background');
    let strokePixels = 0;
    for (let i = 0; i < data.length; i += 3) {
      // Every pixel lies between the two colours: blends of stroke and background, nothing else.
      for (let ch = 0; ch < 3; ch++) {
        const [lo, hi] = [plain.stroke[ch] as number, plain.background[ch] as number].sort((a, b) => a - b);
        assert.ok((data[i + ch] as number) >= (lo as number) && (data[i + ch] as number) <= (hi as number));
      }
      if (data[i] === plain.stroke[0] && data[i + 1] === plain.stroke[1] && data[i + 2] === plain.stroke[2])
        strokePixels++;
    }
    assert.ok(strokePixels > 200, `the icon is drawn (${strokePixels} stroke pixels)`);
  });

  it('never composes the same bytes twice for an icon', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(composePicture(masksOf('car'), cryptoRandom).toString('base64'));
    assert.equal(seen.size, 200);
  });

  it('keeps every icon inside the picture at the largest scale, rotation and offset', () => {
    for (const icon of WORD_ICONS) {
      for (const mask of masksOf(icon)) {
        for (const [rotationDeg, dx, dy] of [
          [20, 5, 5],
          [-20, -5, -5],
          [20, -5, 5],
          [-20, 5, -5],
        ] as const) {
          const lines = composeScanlines(mask, { ...plain, scale: 2.7, rotationDeg, dx, dy });
          const stride = PICTURE_SIZE + 1;
          for (let k = 0; k < PICTURE_SIZE; k++) {
            const edges = [
              lines[1 + k], // top row
              lines[(PICTURE_SIZE - 1) * stride + 1 + k], // bottom row
              lines[k * stride + 1], // left column
              lines[k * stride + PICTURE_SIZE], // right column
            ];
            assert.ok(
              edges.every((v) => v === 0),
              `${icon} touches the edge at ${rotationDeg}°, ${dx}/${dy}`,
            );
          }
        }
      }
    }
  });

  it('packs masks that still match the installed lucide icons rendered by sharp', async () => {
    assert.deepEqual(
      [...MASK_ICONS],
      [...WORD_ICONS],
      'regenerate: node --import tsx src/anti-robot/masks.ts --write',
    );
    const fresh = await renderIconMasks(WORD_ICONS);
    for (const icon of WORD_ICONS) {
      const packed = masksOf(icon);
      (fresh.get(icon) ?? []).forEach((mask, w) => {
        const other = packed[w]?.coverage ?? new Uint8Array();
        let worst = 0;
        for (let i = 0; i < mask.coverage.length; i++)
          worst = Math.max(worst, Math.abs((mask.coverage[i] as number) - (other[i] as number)));
        assert.ok(worst <= 2, `${icon} width ${w} differs by ${worst}: regenerate with masks.ts --write`);
      });
    }
  });

  it('fills a pool of every word on its worker thread and hands each picture out once', async () => {
    const pool = new PicturePool({ icons: WORD_ICONS, random: cryptoRandom, perIcon: 2 });
    try {
      await pool.fill();
      const served = new Set<string>();
      for (const icon of WORD_ICONS) {
        assert.equal(pool.readyCount(icon), 2);
        for (let i = 0; i < 3; i++) served.add((await pool.take(icon)).toString('base64'));
      }
      assert.equal(served.size, WORD_ICONS.length * 3, 'every picture is new');
      const { width, height } = await pixels(await pool.take('star'));
      assert.deepEqual([width, height], [PICTURE_SIZE, PICTURE_SIZE]);
    } finally {
      pool.close();
    }
  });
});
