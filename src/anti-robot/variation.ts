// The random variation of each picture, in the same ranges as composePictureSvg() (render.ts), and the
// composition of one picture from its icon's masks. No sharp here: the picture worker runs this.
import type { Random } from '../platform/random.js';
import { between, pickColours } from './colours.js';
import {
  composePng,
  type IconMask,
  PICTURE_SIZE,
  type PictureVariation,
  type Rgb,
  STROKE_WIDTHS,
} from './compose.js';

function rgbOf(hex: string): Rgb {
  return [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as unknown as Rgb;
}

/** A fresh variation and the index of the stroke width to use. */
export function drawVariation(random: Random): { variation: PictureVariation; widthIndex: number } {
  const { stroke, background } = pickColours(random);
  const size = PICTURE_SIZE;
  const dots = Array.from({ length: random.int(6, 12) }, () => ({
    x: between(random, 2, size - 2),
    y: between(random, 2, size - 2),
    r: between(random, 0.6, 1.6),
  }));
  const lines = Array.from({ length: random.int(2, 5) }, () => ({
    x1: between(random, 0, size),
    y1: between(random, 0, size),
    x2: between(random, 0, size),
    y2: between(random, 0, size),
    width: between(random, 0.5, 1.1),
  }));
  return {
    variation: {
      stroke: rgbOf(stroke),
      background: rgbOf(background),
      rotationDeg: between(random, -20, 20),
      // Icon content spans about 20 of its 24 units: at scale ≤ 2.7, rotated 20° and moved 5 px, it stays
      // inside the 96 px square.
      scale: between(random, 2.2, 2.7),
      dx: between(random, -5, 5),
      dy: between(random, -5, 5),
      dots,
      lines,
      noiseOpacity: between(random, 0.12, 0.22),
    },
    widthIndex: random.int(0, STROKE_WIDTHS.length),
  };
}

/** One new PNG of an icon from its masks (about 0.2 ms of CPU). */
export function composePicture(masks: readonly IconMask[], random: Random): Buffer {
  const { variation, widthIndex } = drawVariation(random);
  const mask = masks[widthIndex] ?? masks[0];
  if (!mask) throw new Error('icon without masks');
  return composePng(mask, variation);
}
