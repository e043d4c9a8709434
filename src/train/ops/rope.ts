/**
 * Rotary position embedding, Hugging Face Llama convention (rotate_half, not interleaved): in
 * each head, channel k < hd/2 pairs with k + hd/2 and the pair is rotated by the angle
 * pos · θ^(−2k/hd). The backward pass is the inverse rotation of the gradient. The cos/sin
 * table is computed once on the host in float64 (as ONNX exports carry cos/sin caches).
 */
import type { Arr } from './matmul.ts';
import { kernel1d } from './wgsl.ts';

/** cos/sin of every (position, pair) [maxPos, hd/2, 2], computed once in float64. */
export function ropeTable(maxPos: number, hd: number, theta: number): Float64Array {
  const half = hd / 2;
  const cs = new Float64Array(maxPos * half * 2);
  for (let pos = 0; pos < maxPos; pos++)
    for (let k = 0; k < half; k++) {
      const angle = pos * theta ** ((-2 * k) / hd);
      cs[(pos * half + k) * 2] = Math.cos(angle);
      cs[(pos * half + k) * 2 + 1] = Math.sin(angle);
    }
  return cs;
}

/** Rows [row0, row0+T) of x [*, heads·hd], at positions pos0 + t; cs from ropeTable. */
export function ropeCpu(x: Arr, cs: Arr, row0: number, T: number, heads: number, hd: number, pos0: number, inverse: boolean): void {
  const half = hd / 2;
  const sign = inverse ? -1 : 1;
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < half; k++) {
      const c = ((pos0 + t) * half + k) * 2;
      const cos = cs[c];
      const sin = sign * cs[c + 1];
      for (let h = 0; h < heads; h++) {
        const o = (row0 + t) * heads * hd + h * hd;
        const a = x[o + k];
        const b = x[o + k + half];
        x[o + k] = a * cos - b * sin;
        x[o + k + half] = b * cos + a * sin;
      }
    }
  }
}

// n = T · heads · hd/2 invocations, one per rotated pair. The angles come from the table: WGSL's
// sin/cos are only specified to 2^-11 and only inside [-π, π].
export const ROPE_WGSL = kernel1d(
  'n: u32, row0: u32, heads: u32, hd: u32, pos0: u32, sign: f32',
  ['mut x: array<f32>', 'cs: array<f32>'],
  `  let half = p.hd / 2u;
  let k = i % half;
  let h = (i / half) % p.heads;
  let t = i / (half * p.heads);
  let ci = ((p.pos0 + t) * half + k) * 2u;
  let c = cs[ci];
  let s = p.sign * cs[ci + 1u];
  let o = (p.row0 + t) * p.heads * p.hd + h * p.hd;
  let a = x[o + k];
  let b = x[o + k + half];
  x[o + k] = a * c - b * s;
  x[o + k + half] = b * c + a * s;`,
);
