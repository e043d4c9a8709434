/**
 * RMSNorm (Llama): out = x · rstd · w, rstd = 1 / sqrt(mean(x²) + eps), per row of x [N, C].
 * Backward, with x̂ = x · rstd and g = dout · w:
 *   dx = rstd · (g − x̂ · mean(g · x̂))        dw = Σ_rows dout · x̂
 */
import type { Arr } from './matmul.ts';
import { kernel1d } from './wgsl.ts';

export function rmsnormCpu(out: Arr, rstd: Arr, x: Arr, w: Arr, N: number, C: number, eps: number): void {
  for (let r = 0; r < N; r++) {
    const o = r * C;
    let ss = 0;
    for (let c = 0; c < C; c++) ss += x[o + c] * x[o + c];
    const s = 1 / Math.sqrt(ss / C + eps);
    rstd[r] = s;
    for (let c = 0; c < C; c++) out[o + c] = x[o + c] * s * w[c];
  }
}

export function rmsnormBackwardCpu(dx: Arr, dw: Arr | null, dout: Arr, x: Arr, w: Arr, rstd: Arr, N: number, C: number, accumulate: boolean): void {
  for (let r = 0; r < N; r++) {
    const o = r * C;
    const s = rstd[r];
    let dot = 0;
    for (let c = 0; c < C; c++) dot += dout[o + c] * w[c] * x[o + c] * s;
    const mean = dot / C;
    for (let c = 0; c < C; c++) {
      const v = s * (dout[o + c] * w[c] - x[o + c] * s * mean);
      dx[o + c] = accumulate ? dx[o + c] + v : v;
    }
  }
  if (dw) for (let c = 0; c < C; c++) for (let r = 0; r < N; r++) dw[c] += dout[r * C + c] * x[r * C + c] * rstd[r];
}

// n = N invocations, one per row: no workgroup memory, no barriers (rows are short).
export const RMSNORM_WGSL = kernel1d(
  'n: u32, C: u32, eps: f32',
  ['mut out: array<f32>', 'mut rstd: array<f32>', 'x: array<f32>', 'w: array<f32>'],
  `  let o = i * p.C;
  var ss = 0.0;
  for (var c = 0u; c < p.C; c++) { ss += x[o + c] * x[o + c]; }
  let s = 1.0 / sqrt(ss / f32(p.C) + p.eps);
  rstd[i] = s;
  for (var c = 0u; c < p.C; c++) { out[o + c] = x[o + c] * s * w[c]; }`,
);

// n = N invocations, one per row; dw (when wanted) by RMSNORM_DW_WGSL.
export const RMSNORM_BACKWARD_WGSL = kernel1d(
  'n: u32, C: u32, accumulate: u32',
  ['mut dx: array<f32>', 'dout: array<f32>', 'x: array<f32>', 'w: array<f32>', 'rstd: array<f32>'],
  `  let o = i * p.C;
  let s = rstd[i];
  var dot = 0.0;
  for (var c = 0u; c < p.C; c++) { dot += dout[o + c] * w[c] * x[o + c] * s; }
  let mean = dot / f32(p.C);
  for (var c = 0u; c < p.C; c++) {
    let v = s * (dout[o + c] * w[c] - x[o + c] * s * mean);
    if (p.accumulate != 0u) { dx[o + c] += v; } else { dx[o + c] = v; }
  }`,
);

// n = C invocations, each summing its column over the N rows in order.
export const RMSNORM_DW_WGSL = kernel1d(
  'n: u32, N: u32',
  ['mut dw: array<f32>', 'dout: array<f32>', 'x: array<f32>', 'rstd: array<f32>'],
  `  var acc = 0.0;
  for (var r = 0u; r < p.N; r++) { acc += dout[r * p.n + i] * x[r * p.n + i] * rstd[r]; }
  dw[i] += acc;`,
);
