// Colours of the pictures (DESIGN.md §5): a dark stroke on a light tint with at least MIN_CONTRAST. Kept
// apart from render.ts so that the picture worker uses them without loading sharp.
import type { Random } from '../platform/random.js';

/** Minimum contrast of the drawing against its background: WCAG 1.4.11 asks 3:1, we aim higher. */
export const MIN_CONTRAST = 4.5;

type Rgb = readonly [number, number, number];

/** Uniform number in [min, max] with `steps` steps (Random only yields integers). */
export function between(random: Random, min: number, max: number, steps = 1000): number {
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
