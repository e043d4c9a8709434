/**
 * Element-wise kernels: fill, copy, dropout (seeded, the same mask on CPU and GPU), and the
 * SiLU-gated MLP activation (SwiGLU) forward/backward.
 */
import { dropoutKeep, dropoutThreshold } from '../backend.ts';
import type { Arr } from './matmul.ts';
import { HASH_WGSL, kernel1d } from './wgsl.ts';

export const FILL_WGSL = kernel1d('n: u32, off: u32, value: f32', ['mut x: array<f32>'], '  x[p.off + i] = p.value;');

export const COPY_WGSL = kernel1d('n: u32, dstOff: u32, srcOff: u32', ['mut dst: array<f32>', 'src: array<f32>'], '  dst[p.dstOff + i] = src[p.srcOff + i];');

export const AXPY_WGSL = kernel1d('n: u32, alpha: f32', ['mut y: array<f32>', 'x: array<f32>'], '  y[i] += p.alpha * x[i];');

export function axpyCpu(y: Arr, x: Arr, n: number, alpha: number): void {
  for (let i = 0; i < n; i++) y[i] += alpha * x[i];
}

// ---- dropout: out[i] (+)= keep ? x[i] / (1 − p) : 0 -----------------------------------------
// The backward pass is the same call on the gradient (same seed, same mask), accumulating.

export function dropoutCpu(out: Arr, x: Arr, n: number, p: number, seed: number, accumulate = false): void {
  const scale = 1 / (1 - p);
  for (let i = 0; i < n; i++) {
    const v = dropoutKeep(seed, i, p) ? x[i] * scale : 0;
    out[i] = accumulate ? out[i] + v : v;
  }
}

export const DROPOUT_WGSL = kernel1d(
  'n: u32, seedHash: u32, threshold: u32, accumulate: u32, scale: f32',
  ['mut out: array<f32>', 'x: array<f32>'],
  `  let v = select(0.0, x[i] * p.scale, hash32(i ^ p.seedHash) >= p.threshold);
  if (p.accumulate != 0u) { out[i] += v; } else { out[i] = v; }`,
  HASH_WGSL,
);

export function dropoutParams(n: number, p: number, seedHash: number, accumulate: boolean) {
  return { u: [n, seedHash, dropoutThreshold(p), accumulate ? 1 : 0], f: [1 / (1 - p)] };
}

// ---- SwiGLU: out = silu(gate) · up,  silu(g) = g · σ(g) -----------------------------------

const sigmoid = (g: number) => 1 / (1 + Math.exp(-g));

export function swigluCpu(out: Arr, gate: Arr, up: Arr, n: number): void {
  for (let i = 0; i < n; i++) out[i] = gate[i] * sigmoid(gate[i]) * up[i];
}

/** d silu(g)/dg = σ(g) · (1 + g · (1 − σ(g))) */
export function swigluBackwardCpu(dgate: Arr, dup: Arr, dout: Arr, gate: Arr, up: Arr, n: number): void {
  for (let i = 0; i < n; i++) {
    const g = gate[i];
    const s = sigmoid(g);
    const d = dout[i];
    dup[i] = d * g * s;
    dgate[i] = d * up[i] * s * (1 + g * (1 - s));
  }
}

export const SWIGLU_WGSL = kernel1d(
  'n: u32',
  ['mut out: array<f32>', 'gate: array<f32>', 'up: array<f32>'],
  `  let g = gate[i];
  out[i] = g / (1.0 + exp(-g)) * up[i];`,
);

export const SWIGLU_BACKWARD_WGSL = kernel1d(
  'n: u32',
  ['mut dgate: array<f32>', 'mut dup: array<f32>', 'dout: array<f32>', 'gate: array<f32>', 'up: array<f32>'],
  `  let g = gate[i];
  let s = 1.0 / (1.0 + exp(-g));
  let d = dout[i];
  dup[i] = d * g * s;
  dgate[i] = d * up[i] * s * (1.0 + g * (1.0 - s));`,
);
