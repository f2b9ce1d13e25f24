// Composes one picture from a pre-rasterised icon mask (issue 7, "picture rendering cost"). Rasterising a
// fresh SVG per picture with sharp costs about 2 ms of CPU, six per page view: more than half a password
// verification. Instead each icon is rasterised once per stroke width (masks.ts), and every picture is a
// new composition of that mask: its own rotation, scale, offset, colours and faint noise (DESIGN.md §5),
// resampled bilinearly, then written as a PNG. About a tenth of the cost; no two pictures share bytes.
import { crc32, deflateSync, inflateSync } from 'node:zlib';

/** Width and height of every picture, in pixels. */
export const PICTURE_SIZE = 96;

/** Stroke widths (icon units) each icon is rasterised with; a picture uses one of them. */
export const STROKE_WIDTHS = [1.8, 2.05, 2.3] as const;

/** An icon's coverage (0 = background, 255 = stroke) drawn at MASK_SCALE pixels per icon unit. */
export interface IconMask {
  readonly size: number;
  readonly coverage: Uint8Array;
}

/** Pixels per icon unit of the masks (lucide icons are 24 units wide), within the pictures' 2.2–2.7. */
export const MASK_SCALE = 2.5;
/** Margin around the 24-unit box in the masks, in units: round caps and joins reach past it. */
export const MASK_MARGIN = 2;
/** Width and height of a mask, in pixels. */
export const MASK_SIZE = (24 + 2 * MASK_MARGIN) * MASK_SCALE;

/**
 * Masks packed by `masks.ts --write` (mask-data.ts): for each icon in order, one MASK_SIZE² coverage per
 * stroke width, deflated, in base64. Unpacking needs no sharp, so the server never loads it.
 */
export function unpackMasks(icons: readonly string[], packed: string): Map<string, IconMask[]> {
  const bytes = inflateSync(Buffer.from(packed, 'base64'));
  const area = MASK_SIZE * MASK_SIZE;
  if (bytes.length !== icons.length * STROKE_WIDTHS.length * area)
    throw new Error('packed masks of the wrong size');
  const masks = new Map<string, IconMask[]>();
  icons.forEach((icon, i) => {
    masks.set(
      icon,
      STROKE_WIDTHS.map((_, w) => {
        const start = (i * STROKE_WIDTHS.length + w) * area;
        return { size: MASK_SIZE, coverage: new Uint8Array(bytes.subarray(start, start + area)) };
      }),
    );
  });
  return masks;
}

export type Rgb = readonly [number, number, number];

export interface NoiseDot {
  readonly x: number;
  readonly y: number;
  readonly r: number;
}

export interface NoiseLine {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly width: number;
}

/** Everything that varies from one picture to the next. */
export interface PictureVariation {
  readonly stroke: Rgb;
  readonly background: Rgb;
  readonly rotationDeg: number;
  /** Pixels per icon unit. */
  readonly scale: number;
  readonly dx: number;
  readonly dy: number;
  readonly dots: readonly NoiseDot[];
  readonly lines: readonly NoiseLine[];
  /** Opacity of the noise layer. */
  readonly noiseOpacity: number;
}

const clamp01 = (v: number): number => Math.min(Math.max(v, 0), 1);

/** Coverage of the noise layer (union of its dots and lines), 0..1 per pixel. */
function drawNoise(v: PictureVariation, size: number): Float32Array {
  const noise = new Float32Array(size * size);
  const put = (x: number, y: number, c: number): void => {
    const i = y * size + x;
    if (c > (noise[i] as number)) noise[i] = c;
  };
  for (const d of v.dots) {
    const x0 = Math.max(0, Math.floor(d.x - d.r - 1));
    const x1 = Math.min(size - 1, Math.ceil(d.x + d.r + 1));
    const y0 = Math.max(0, Math.floor(d.y - d.r - 1));
    const y1 = Math.min(size - 1, Math.ceil(d.y + d.r + 1));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) put(x, y, clamp01(d.r + 0.5 - Math.hypot(x + 0.5 - d.x, y + 0.5 - d.y)));
    }
  }
  for (const l of v.lines) {
    const ex = l.x2 - l.x1;
    const ey = l.y2 - l.y1;
    const len2 = ex * ex + ey * ey || 1;
    const half = l.width / 2;
    const reach = half + 1;
    const maxCover = Math.min(1, l.width);
    const y0 = Math.max(0, Math.floor(Math.min(l.y1, l.y2) - reach));
    const y1 = Math.min(size - 1, Math.ceil(Math.max(l.y1, l.y2) + reach));
    for (let y = y0; y <= y1; y++) {
      const py = y + 0.5;
      // Pixels of this row within `reach` of the infinite line: an interval of x (all of them when flat).
      let xa = Math.min(l.x1, l.x2) - reach;
      let xb = Math.max(l.x1, l.x2) + reach;
      if (Math.abs(ey) > 1e-6) {
        const along = l.x1 + ((py - l.y1) * ex) / ey;
        const spread = (reach * Math.sqrt(len2)) / Math.abs(ey);
        xa = Math.max(xa, along - spread);
        xb = Math.min(xb, along + spread);
      }
      for (let x = Math.max(0, Math.floor(xa)); x <= Math.min(size - 1, Math.ceil(xb)); x++) {
        const px = x + 0.5;
        const t = clamp01(((px - l.x1) * ex + (py - l.y1) * ey) / len2);
        const dist = Math.hypot(px - (l.x1 + t * ex), py - (l.y1 + t * ey));
        put(x, y, Math.min(maxCover, clamp01(half + 0.5 - dist)));
      }
    }
  }
  return noise;
}

/**
 * The picture as PNG scanlines of palette indices. Every pixel is a blend of the background and the stroke
 * colour (noise and icon are both drawn in the stroke colour), so one number per pixel says which: the share
 * of stroke colour, 0..255, which indexes a 256-colour ramp (rampPalette). Each row starts with its filter
 * byte (0, none), as the IDAT data of an indexed PNG.
 */
export function composeScanlines(mask: IconMask, v: PictureVariation, size = PICTURE_SIZE): Uint8Array {
  const noise = drawNoise(v, size);
  const out = new Uint8Array(size * (size + 1));
  // Output pixel → mask pixel is affine: rotate by −θ, divide by the picture's scale, multiply by the mask's.
  const theta = (v.rotationDeg * Math.PI) / 180;
  const k = MASK_SCALE / v.scale;
  const cos = Math.cos(theta) * k;
  const sin = Math.sin(theta) * k;
  const cx = size / 2 + v.dx;
  const cy = size / 2 + v.dy;
  const mc = mask.size / 2;
  const m = mask.size;
  const cov = mask.coverage;
  const last = m - 1;
  for (let y = 0; y < size; y++) {
    const ry = y + 0.5 - cy;
    const row = y * (size + 1) + 1;
    // Mask coordinates move by (cos, −sin) from one pixel to the next along a row.
    let mx = mc + (0.5 - cx) * cos + ry * sin - 0.5;
    let my = mc - (0.5 - cx) * sin + ry * cos - 0.5;
    for (let x = 0; x < size; x++, mx += cos, my -= sin) {
      let c = 0;
      if (mx >= 0 && my >= 0 && mx < last && my < last) {
        const ix = mx | 0;
        const iy = my | 0;
        const fx = mx - ix;
        const fy = my - iy;
        const i = iy * m + ix;
        const top = (cov[i] as number) + ((cov[i + 1] as number) - (cov[i] as number)) * fx;
        const bottom = (cov[i + m] as number) + ((cov[i + m + 1] as number) - (cov[i + m] as number)) * fx;
        c = (top + (bottom - top) * fy) / 255;
      }
      // Noise over the background, then the icon over both (the SVG's painting order).
      const n = (noise[y * size + x] as number) * v.noiseOpacity;
      out[row + x] = ((1 - (1 - n) * (1 - c)) * 255 + 0.5) | 0;
    }
  }
  return out;
}

/** 256 colours from the background (index 0) to the stroke (index 255). */
export function rampPalette(v: PictureVariation): Uint8Array {
  const palette = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    for (let ch = 0; ch < 3; ch++) {
      const b = v.background[ch] as number;
      palette[i * 3 + ch] = Math.round(b + (((v.stroke[ch] as number) - b) * i) / 255);
    }
  }
  return palette;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An 8-bit indexed PNG (PNG spec: IHDR, PLTE, one IDAT, IEND) from ready scanlines. */
export function encodeIndexedPng(
  scanlines: Uint8Array,
  width: number,
  height: number,
  palette: Uint8Array,
): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 3; // colour type: indexed
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('PLTE', palette),
    pngChunk('IDAT', deflateSync(scanlines, { level: 3 })),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/** One picture, start to end: scanlines, its palette, the PNG. */
export function composePng(mask: IconMask, v: PictureVariation, size = PICTURE_SIZE): Buffer {
  return encodeIndexedPng(composeScanlines(mask, v, size), size, size, rampPalette(v));
}
