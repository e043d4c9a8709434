// Document-style augmentation in the spirit of SynthDoG (Kim et al., Donut, 2022), seeded so
// that the same seed gives the same image: a slight rotation (applied while drawing), perspective,
// paper texture, Gaussian blur, pixel noise and JPEG compression (applied by the backend, last).
// Pixel steps are plain JavaScript over RGBA, so they are identical in the page and in Node.

import { gaussian, mulberry32 } from '../gap/rng.ts';
import { parseHexColour } from './compose.ts';
import { warpPerspective } from './perspective.ts';

export interface Augment {
  /** Largest rotation in degrees; each image gets a uniform angle in [−rotate, rotate]. */
  rotate: number;
  /**
   * Largest corner displacement as a fraction of the canvas side, 0–0.1: each page corner moves
   * inwards by a uniform amount in [0, perspective × width] across and [0, perspective × height] down.
   */
  perspective: number;
  /** Paper texture strength, 0–1: how much darker the grain may make the background. */
  paper: number;
  /** Largest Gaussian blur sigma in px; each image gets a uniform sigma in [0, blur]. */
  blur: number;
  /** Pixel noise: standard deviation as a fraction of full scale, 0–1. */
  noise: number;
  /** JPEG quality 1–100 (the image goes through a JPEG encode and decode); 0 = no JPEG. */
  jpeg: number;
}

export const NO_AUGMENT: Readonly<Augment> = Object.freeze({ rotate: 0, perspective: 0, paper: 0, blur: 0, noise: 0, jpeg: 0 });

export const AUGMENT_LIMITS: Readonly<Record<keyof Augment, readonly [number, number]>> = {
  rotate: [0, 15],
  perspective: [0, 0.1],
  paper: [0, 1],
  blur: [0, 4],
  noise: [0, 0.5],
  jpeg: [0, 100],
};

/** Throws a RangeError naming the first value out of range. */
export function validateAugment(a: Augment): void {
  for (const [k, [lo, hi]] of Object.entries(AUGMENT_LIMITS) as [keyof Augment, readonly [number, number]][]) {
    const v = a[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) throw new RangeError(`augment ${k} must be from ${lo} to ${hi}, got ${v}`);
  }
  if (!Number.isInteger(a.jpeg)) throw new RangeError(`augment jpeg must be an integer quality, got ${a.jpeg}`);
}

export function isIdentity(a: Augment | null | undefined): boolean {
  return !a || (a.rotate === 0 && !a.perspective && a.paper === 0 && a.blur === 0 && a.noise === 0 && a.jpeg === 0);
}

/** The random choices for one image, recorded in the dataset's metadata. */
export interface AugmentDraw {
  seed: number;
  angle: number; // degrees
  blur: number; // sigma, px
  paper: number;
  noise: number;
  jpeg: number;
  /** Perspective only: the corners' moves in px, [dx, dy] clockwise from the top left. */
  corners?: number[];
}

/** Derives one image's choices from the user's seed and the record's id (order does not matter) for a width × height canvas. */
export function drawAugment(a: Augment, seed: number, key: string, width: number, height: number): AugmentDraw {
  const s = hashString(key, seed >>> 0);
  const rand = mulberry32(s);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const d: AugmentDraw = { seed: s, angle: round((rand() * 2 - 1) * a.rotate), blur: round(rand() * a.blur), paper: a.paper, noise: a.noise, jpeg: a.jpeg };
  if (a.perspective > 0) {
    // Drawn after the others so that existing seeds keep their angle and blur. Inwards: the page stays whole.
    const inward = [1, 1, -1, 1, -1, -1, 1, -1]; // top left, top right, bottom right, bottom left
    d.corners = inward.map((sign, i) => sign * Math.round(rand() * a.perspective * (i % 2 ? height : width)) + 0); // + 0: no −0
  }
  return d;
}

/** FNV-1a over UTF-16 code units, mixed with a seed. */
export function hashString(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Perspective, paper texture, blur and noise, in place. Rotation and JPEG are applied by the renderer. */
export function applyPixelAugment(rgba: Uint8ClampedArray, width: number, height: number, d: AugmentDraw, background = '#ffffff'): void {
  if (d.corners?.some((v) => v !== 0)) warpPerspective(rgba, width, height, d.corners, parseHexColour(background) ?? [255, 255, 255]);
  const rand = mulberry32(d.seed ^ 0x9e3779b9);
  if (d.paper > 0) paperTexture(rgba, width, height, d.paper, rand);
  if (d.blur > 0) gaussianBlur(rgba, width, height, d.blur);
  if (d.noise > 0) addNoise(rgba, d.noise, gaussian(rand));
}

/** Two octaves of smooth value noise darken the image a little, the same in every channel. */
function paperTexture(rgba: Uint8ClampedArray, w: number, h: number, strength: number, rand: () => number): void {
  const octaves = [
    { cell: 48, amp: 0.6 },
    { cell: 9, amp: 0.4 },
  ].map(({ cell, amp }) => {
    const gw = Math.ceil(w / cell) + 2;
    const gh = Math.ceil(h / cell) + 2;
    const grid = new Float32Array(gw * gh).map(() => rand());
    return { cell, amp, gw, grid };
  });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let n = 0;
      for (const o of octaves) {
        const fx = x / o.cell;
        const fy = y / o.cell;
        const x0 = Math.floor(fx);
        const y0 = Math.floor(fy);
        const tx = smooth(fx - x0);
        const ty = smooth(fy - y0);
        const g = (i: number, j: number) => o.grid[j * o.gw + i];
        const top = g(x0, y0) + (g(x0 + 1, y0) - g(x0, y0)) * tx;
        const bottom = g(x0, y0 + 1) + (g(x0 + 1, y0 + 1) - g(x0, y0 + 1)) * tx;
        n += o.amp * (top + (bottom - top) * ty);
      }
      const f = 1 - strength * 0.25 * n;
      const i = 4 * (y * w + x);
      rgba[i] *= f;
      rgba[i + 1] *= f;
      rgba[i + 2] *= f;
    }
  }
}

const smooth = (t: number) => t * t * (3 - 2 * t);

/** Separable Gaussian blur of the colour channels, edges clamped. */
export function gaussianBlur(rgba: Uint8ClampedArray, w: number, h: number, sigma: number): void {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  const tmp = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let i = -r; i <= r; i++) acc += k[i + r] * rgba[4 * (y * w + Math.min(w - 1, Math.max(0, x + i))) + c];
        tmp[3 * (y * w + x) + c] = acc;
      }
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let i = -r; i <= r; i++) acc += k[i + r] * tmp[3 * (Math.min(h - 1, Math.max(0, y + i)) * w + x) + c];
        rgba[4 * (y * w + x) + c] = Math.round(acc);
      }
    }
  }
}

/** Gaussian noise, the same value on R, G and B so that grey images stay grey. */
function addNoise(rgba: Uint8ClampedArray, std: number, normal: () => number): void {
  const scale = std * 255;
  for (let i = 0; i < rgba.length; i += 4) {
    const n = normal() * scale;
    rgba[i] = Math.round(rgba[i] + n);
    rgba[i + 1] = Math.round(rgba[i + 1] + n);
    rgba[i + 2] = Math.round(rgba[i + 2] + n);
  }
}
