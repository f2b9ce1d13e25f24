// Renders one icon to a PNG with per-render variation (DESIGN.md §5): colour, background tint, rotation,
// scale, offset, stroke width and faint noise, so that the same picture never has the same bytes twice
// and a bot cannot recognise a picture by its hash. sharp (libvips) rasterises off the event loop.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { Random } from '../platform/random.js';

export const PICTURE_SIZE = 96;

/** Minimum contrast of the drawing against its background: WCAG 1.4.11 asks 3:1, we aim higher. */
export const MIN_CONTRAST = 4.5;

type Rgb = readonly [number, number, number];

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

/** Uniform number in [min, max] with `steps` steps (Random only yields integers). */
function between(random: Random, min: number, max: number, steps = 1000): number {
  return min + ((max - min) * random.int(0, steps + 1)) / steps;
}

function hslToRgb(h: number, s: number, l: number): Rgb {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] =
    h < 60
      ? [c, x, 0]
      : h < 120
        ? [x, c, 0]
        : h < 180
          ? [0, c, x]
          : h < 240
            ? [0, x, c]
            : h < 300
              ? [x, 0, c]
              : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

function relativeLuminance([r, g, b]: Rgb): number {
  const lin = (v: number): number => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG 2 contrast ratio of two colours. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function hex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

export interface Colours {
  readonly stroke: string;
  readonly background: string;
  readonly contrast: number;
}

/** A dark stroke on a light tint, drawn until the pair reaches MIN_CONTRAST (WCAG 1.4.11). */
export function pickColours(random: Random): Colours {
  for (let attempt = 0; attempt < 20; attempt++) {
    const stroke = hslToRgb(random.int(0, 360), between(random, 0.45, 0.85), between(random, 0.12, 0.3));
    const background = hslToRgb(random.int(0, 360), between(random, 0.2, 0.7), between(random, 0.92, 0.98));
    const contrast = contrastRatio(stroke, background);
    if (contrast >= MIN_CONTRAST) return { stroke: hex(stroke), background: hex(background), contrast };
  }
  // Practically unreachable (a dark stroke on a light tint almost always passes); stay legible anyway.
  return { stroke: '#1a1a1a', background: '#f4f4f4', contrast: contrastRatio([26, 26, 26], [244, 244, 244]) };
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
