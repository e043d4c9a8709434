/**
 * Small numeric helpers for the generation loop: float16 conversion (half-precision graphs
 * hand back Uint16Array / Float16Array data), merging image features into token embeddings,
 * and picking a token from logits. Pure functions over typed arrays.
 */

import { mulberry32 } from '../gap/rng.ts';

export type FloatData = Float32Array | Uint16Array;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Round-to-nearest-even float32 → float16 bits. */
export function f32ToF16(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

export function toFloat32(data: ArrayLike<number>, isHalf: boolean): Float32Array {
  if (!isHalf) return data instanceof Float32Array ? data : Float32Array.from(data);
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = f16ToF32(data[i]);
  return out;
}

export function toFloat16Bits(data: Float32Array): Uint16Array {
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = f32ToF16(data[i]);
  return out;
}

/**
 * Writes image feature rows into `embeds` ([n, hidden], row-major) at each position whose id
 * is the image token. `firstRow` is the index of the feature row for the first image token in
 * this segment (tokens before it were fed earlier). Returns the number of rows used.
 */
export function mergeImageFeatures(
  embeds: { set(src: ArrayLike<number>, offset: number): void },
  ids: readonly number[],
  imageTokenId: number,
  features: FloatData,
  hidden: number,
  firstRow: number,
): number {
  let row = firstRow;
  const available = features.length / hidden;
  for (let j = 0; j < ids.length; j++) {
    if (ids[j] !== imageTokenId) continue;
    if (row >= available) {
      throw new Error(`The prompt has more image tokens than the image has features (${available}).`);
    }
    embeds.set(features.subarray(row * hidden, (row + 1) * hidden), j * hidden);
    row++;
  }
  return row - firstRow;
}

/** Mean of the rows of a row-major [n, dim] matrix. */
export function meanRows(rows: Float32Array, dim: number): Float32Array {
  const n = rows.length / dim;
  const out = new Float32Array(dim);
  if (n === 0) return out;
  const acc = new Float64Array(dim);
  for (let r = 0; r < n; r++) for (let j = 0; j < dim; j++) acc[j] += rows[r * dim + j];
  for (let j = 0; j < dim; j++) out[j] = acc[j] / n;
  return out;
}

export function countToken(ids: readonly number[], id: number): number {
  let n = 0;
  for (const x of ids) if (x === id) n++;
  return n;
}

export interface Pick {
  id: number;
  /** Probability the model gave this token (softmax of the logits, temperature 1). */
  prob: number;
}

/** Greedy pick with its probability; ties go to the lowest id, as in argmax. */
export function argmaxWithProb(logits: Float32Array): Pick {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return { id: best, prob: probOf(logits, best) };
}

export function probOf(logits: Float32Array, id: number): number {
  const max = logits.reduce((a, b) => (b > a ? b : a), -Infinity);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  return Math.exp(logits[id] - max) / sum;
}

/** Temperature sampling driven by a uniform random number `u` in [0, 1). */
export function sampleWithProb(logits: Float32Array, temperature: number, u: number): Pick {
  if (temperature <= 0) return argmaxWithProb(logits);
  const max = logits.reduce((a, b) => (b > a ? b : a), -Infinity);
  const w = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += w[i] = Math.exp((logits[i] - max) / temperature);
  let acc = 0;
  const target = u * sum;
  for (let i = 0; i < w.length; i++) {
    acc += w[i];
    if (acc > target) return { id: i, prob: probOf(logits, i) };
  }
  return { id: w.length - 1, prob: probOf(logits, w.length - 1) };
}

/** A small seeded PRNG (mulberry32, shared with the gap lab) so sampled answers are reproducible. */
export const seededRandom = mulberry32;

/**
 * Streams decoded text: emits only the new part, holding back an incomplete UTF-8 tail.
 * Decodes a short window (the last emitted tokens and the new ones), not the whole answer,
 * so each step costs the same however long the answer is; the window starts one emission
 * back so a decoder's special handling of a sequence start applies to both texts compared.
 */
export class TextDelta {
  private shown = '';
  private prefixOffset = 0;
  private readOffset = 0;
  constructor(private decode: (ids: number[]) => string) {}
  next(ids: number[]): string {
    const prefix = this.decode(ids.slice(this.prefixOffset, this.readOffset));
    const full = this.decode(ids.slice(this.prefixOffset));
    if (full.length <= prefix.length || full.endsWith('\uFFFD')) return '';
    const delta = full.slice(prefix.length);
    this.prefixOffset = this.readOffset;
    this.readOffset = ids.length;
    this.shown += delta;
    return delta;
  }
  get text(): string {
    return this.shown;
  }
}
