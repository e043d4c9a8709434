/**
 * Softmax cross-entropy with a mask, fused with its backward (as llm.c's fused classifier):
 * rows of logits [T, V], targets [T] (−1 = not trained, e.g. prompt tokens).
 *   loss[t]    = lse(logits[t]) − logits[t, target]          (0 when masked)
 *   dlogits[t] = (softmax(logits[t]) − onehot(target)) · gradScale   (0 when masked)
 * dlogits overwrites logits in place (they are not needed again).
 */
import type { Arr } from './matmul.ts';
import { header, kernel1d } from './wgsl.ts';

export function crossEntropyCpu(losses: Arr, logits: Arr, targets: Int32Array, T: number, V: number, gradScale: number, grad: boolean): void {
  for (let t = 0; t < T; t++) {
    const o = t * V;
    const y = targets[t];
    let max = -Infinity;
    for (let v = 0; v < V; v++) if (logits[o + v] > max) max = logits[o + v];
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[o + v] - max);
    const lse = max + Math.log(sum);
    losses[t] = y < 0 ? 0 : lse - logits[o + y];
    if (!grad) continue;
    for (let v = 0; v < V; v++) logits[o + v] = y < 0 ? 0 : (Math.exp(logits[o + v] - lse) - (v === y ? 1 : 0)) * gradScale;
  }
}

// One workgroup of 256 per row (real GPUs: V is large).
export const CROSS_ENTROPY_WGSL = `${header('V: u32, grad: u32, gradScale: f32', ['mut losses: array<f32>', 'mut logits: array<f32>', 'targets: array<i32>'])}
var<workgroup> red: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let t = wg.x;
  let o = t * p.V;
  let y = targets[t];
  var m = -3.4e38;
  for (var v = lid.x; v < p.V; v += 256u) { m = max(m, logits[o + v]); }
  red[lid.x] = m;
  workgroupBarrier();
  for (var k = 128u; k > 0u; k >>= 1u) {
    if (lid.x < k) { red[lid.x] = max(red[lid.x], red[lid.x + k]); }
    workgroupBarrier();
  }
  m = red[0];
  workgroupBarrier();
  var sum = 0.0;
  for (var v = lid.x; v < p.V; v += 256u) { sum += exp(logits[o + v] - m); }
  red[lid.x] = sum;
  workgroupBarrier();
  for (var k = 128u; k > 0u; k >>= 1u) {
    if (lid.x < k) { red[lid.x] += red[lid.x + k]; }
    workgroupBarrier();
  }
  let lse = m + log(red[0]);
  if (lid.x == 0u) {
    if (y < 0) { losses[t] = 0.0; } else { losses[t] = lse - logits[o + u32(y)]; }
  }
  workgroupBarrier();
  if (p.grad == 0u) { return; }
  for (var v = lid.x; v < p.V; v += 256u) {
    if (y < 0) { logits[o + v] = 0.0; continue; }
    let onehot = select(0.0, 1.0, v == u32(y));
    logits[o + v] = (exp(logits[o + v] - lse) - onehot) * p.gradScale;
  }
}`;

// n = T invocations, one per row, no barriers (CPU-emulated adapters).
export const CROSS_ENTROPY_SIMPLE_WGSL = kernel1d(
  'n: u32, V: u32, grad: u32, gradScale: f32',
  ['mut losses: array<f32>', 'mut logits: array<f32>', 'targets: array<i32>'],
  `  let o = i * p.V;
  let y = targets[i];
  var m = -3.4e38;
  for (var v = 0u; v < p.V; v++) { m = max(m, logits[o + v]); }
  var sum = 0.0;
  for (var v = 0u; v < p.V; v++) { sum += exp(logits[o + v] - m); }
  let lse = m + log(sum);
  if (y < 0) { losses[i] = 0.0; } else { losses[i] = lse - logits[o + u32(y)]; }
  if (p.grad == 0u) { return; }
  for (var v = 0u; v < p.V; v++) {
    if (y < 0) { logits[o + v] = 0.0; continue; }
    logits[o + v] = (exp(logits[o + v] - lse) - select(0.0, 1.0, v == u32(y))) * p.gradScale;
  }`,
);
