// Renders one icon to a PNG with per-render variation (DESIGN.md §5): colour, background tint, rotation,
// scale, offset, stroke width and faint noise, so that the same picture never has the same bytes twice
// and a bot cannot recognise a picture by its hash. sharp (libvips) rasterises off the event loop.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { Random } from '../platform/random.js';
import { between, pickColours } from './colours.js';
import { PICTURE_SIZE } from './compose.js';

// Moved so that the picture worker (picture-worker.ts) can use them without loading sharp; same exports.
export { type Colours, contrastRatio, MIN_CONTRAST, pickColours } from './colours.js';
export { PICTURE_SIZE } from './compose.js';

const iconsDir = join(dirname(createRequire(import.meta.url).resolve('lucide-static/package.json')), 'icons');
const iconCache = new Map<string, string>();

/** The inner markup of a lucide icon (24×24 view box, stroked paths), read once. */
export function loadIconMarkup(icon: string): string {
  const cached = iconCache.get(icon);
  if (cached !== undefined) return cached;
  // Icon names come from our own word list; the check keeps a stray name from leaving the folder.
  if (!/^[a-z0-9-]+$/.test(icon)) throw new Error(`invalid icon name: ${icon}`);
  const svg = readFileSync(join(iconsDir, `${icon}.svg`), 'utf8');
  const open = svg.indexOf('>', svg.indexOf('<svg'));
  const close = svg.lastIndexOf('</svg>');
  if (open < 0 || close < 0) throw new Error(`not an SVG icon: ${icon}`);
  const markup = svg.slice(open + 1, close).trim();
  iconCache.set(icon, markup);
  return markup;
}

/** A few faint dots and strokes: enough to change every byte, too faint to hide the drawing. */
function noiseMarkup(random: Random, colour: string): string {
  const parts: string[] = [];
  const dots = random.int(6, 12);
  for (let i = 0; i < dots; i++) {
    const [x, y, r] = [between(random, 2, 94), between(random, 2, 94), between(random, 0.6, 1.6)];
    parts.push(`<circle cx="${x.toFixed(2)}" cy="${y.toFixed(2)}" r="${r.toFixed(2)}" fill="${colour}" />`);
  }
  const lines = random.int(2, 5);
  for (let i = 0; i < lines; i++) {
    const [x1, y1, x2, y2] = [0, 0, 0, 0].map(() => between(random, 0, 96).toFixed(2));
    const width = between(random, 0.5, 1.1).toFixed(2);
    parts.push(
      `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${colour}" stroke-width="${width}" />`,
    );
  }
  return `<g opacity="${between(random, 0.12, 0.22).toFixed(3)}">${parts.join('')}</g>`;
}

/** The SVG of one render: exported so that tests can check the variation without rasterising. */
export function composePictureSvg(icon: string, random: Random): string {
  const markup = loadIconMarkup(icon);
  const { stroke, background } = pickColours(random);
  const rotation = between(random, -20, 20);
  // Icon content spans about 20 of its 24 units: at scale ≤ 2.7, rotated 20° and moved 5 px, it stays
  // inside the 96 px square.
  const scale = between(random, 2.2, 2.7);
  const dx = between(random, -5, 5);
  const dy = between(random, -5, 5);
  const width = between(random, 1.8, 2.3);
  const c = PICTURE_SIZE / 2;
  const transform = `translate(${(c + dx).toFixed(2)} ${(c + dy).toFixed(2)}) rotate(${rotation.toFixed(2)}) scale(${scale.toFixed(3)}) translate(-12 -12)`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PICTURE_SIZE}" height="${PICTURE_SIZE}" viewBox="0 0 ${PICTURE_SIZE} ${PICTURE_SIZE}">`,
    `<rect width="100%" height="100%" fill="${background}" />`,
    noiseMarkup(random, stroke),
    `<g transform="${transform}" fill="none" stroke="${stroke}" stroke-width="${width.toFixed(3)}" stroke-linecap="round" stroke-linejoin="round">`,
    markup.replaceAll('currentColor', stroke),
    '</g></svg>',
  ].join('');
}

/** One fresh PNG of `icon`. The rasterising runs on a libuv worker thread, not the event loop. */
export async function renderPicture(icon: string, random: Random): Promise<Buffer> {
  const svg = composePictureSvg(icon, random);
  return sharp(Buffer.from(svg)).png({ compressionLevel: 6 }).toBuffer();
}
