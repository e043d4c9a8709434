/**
 * AdamW (Loshchilov & Hutter; PyTorch's torch.optim.AdamW update, decoupled weight decay) and
 * the sum of squares used for global-norm gradient clipping.
 *   g ← g · gradScale;  p ← p − lr·wd·p;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *   p ← p − lr · (m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + eps)
 */
import type { AdamWParams } from '../backend.ts';
import type { Arr } from './matmul.ts';
import { header, kernel1d } from './wgsl.ts';

export function adamwCpu(p: Arr, g: Arr, m: Arr, v: Arr, n: number, hp: AdamWParams): void {
  const bc1 = 1 - hp.beta1 ** hp.step;
  const bc2 = 1 - hp.beta2 ** hp.step;
  for (let i = 0; i < n; i++) {
    const grad = g[i] * hp.gradScale;
    m[i] = hp.beta1 * m[i] + (1 - hp.beta1) * grad;
    v[i] = hp.beta2 * v[i] + (1 - hp.beta2) * grad * grad;
    const decayed = p[i] - hp.lr * hp.weightDecay * p[i];
    p[i] = decayed - (hp.lr * (m[i] / bc1)) / (Math.sqrt(v[i] / bc2) + hp.eps);
  }
}

export function adamwParams(n: number, hp: AdamWParams) {
  return { u: [n], f: [hp.lr, hp.beta1, hp.beta2, hp.eps, hp.weightDecay, 1 - hp.beta1 ** hp.step, 1 - hp.beta2 ** hp.step, hp.gradScale] };
}

export const ADAMW_WGSL = kernel1d(
  'n: u32, lr: f32, beta1: f32, beta2: f32, eps: f32, wd: f32, bc1: f32, bc2: f32, gradScale: f32',
  ['mut param: array<f32>', 'grad: array<f32>', 'mut m: array<f32>', 'mut v: array<f32>'],
  `  let g = grad[i] * p.gradScale;
  let mi = p.beta1 * m[i] + (1.0 - p.beta1) * g;
  let vi = p.beta2 * v[i] + (1.0 - p.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  let decayed = param[i] - p.lr * p.wd * param[i];
  param[i] = decayed - (p.lr * (mi / p.bc1)) / (sqrt(vi / p.bc2) + p.eps);`,
);

export function sumSquaresCpu(out: Arr, index: number, x: Arr, n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  out[index] = s;
}

// One workgroup: 256 strided partial sums, then a tree (fixed order: deterministic).
export const SUM_SQUARES_WGSL = `${header('n: u32, index: u32', ['mut out: array<f32>', 'x: array<f32>'])}
var<workgroup> red: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3u) {
  var s = 0.0;
  for (var i = lid.x; i < p.n; i += 256u) { s += x[i] * x[i]; }
  red[lid.x] = s;
  workgroupBarrier();
  for (var k = 128u; k > 0u; k >>= 1u) {
    if (lid.x < k) { red[lid.x] += red[lid.x + k]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { out[p.index] = red[0]; }
}`;

// One invocation (CPU-emulated adapters, where barriers cost more than the loop).
export const SUM_SQUARES_SIMPLE_WGSL = `${header('n: u32, index: u32', ['mut out: array<f32>', 'x: array<f32>'])}
@compute @workgroup_size(1)
fn main() {
  var s = 0.0;
  for (var i = 0u; i < p.n; i++) { s += x[i] * x[i]; }
  out[p.index] = s;
}`;
