/**
 * Embedding lookup (gather) and its backward (scatter-add), plus the row scatter that puts the
 * vision encoder's features at the <image> positions of a prompt.
 */
import type { Arr } from './matmul.ts';
import { kernel1d } from './wgsl.ts';

/** out[T, C] = table[ids[t], :] */
export function embeddingCpu(out: Arr, ids: Int32Array, table: Arr, T: number, C: number): void {
  for (let t = 0; t < T; t++) out.set(table.subarray(ids[t] * C, ids[t] * C + C), t * C);
}

/** dtable[ids[t], :] += dout[t, :], tokens in order (repeated ids add up deterministically) */
export function embeddingBackwardCpu(dtable: Arr, ids: Int32Array, dout: Arr, T: number, C: number): void {
  for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) dtable[ids[t] * C + c] += dout[t * C + c];
}

/** out[pos[k], :] = rows[k, :] */
export function scatterRowsCpu(out: Arr, rows: Arr, pos: Int32Array, n: number, C: number): void {
  for (let k = 0; k < n; k++) out.set(rows.subarray(k * C, k * C + C), pos[k] * C);
}

// n = T·C invocations, one per output element.
export const EMBEDDING_WGSL = kernel1d(
  'n: u32, C: u32',
  ['mut out: array<f32>', 'ids: array<i32>', 'table: array<f32>'],
  `  let t = i / p.C;
  let c = i % p.C;
  out[i] = table[u32(ids[t]) * p.C + c];`,
);

// The same with a float16 table (two halves per u32).
export const EMBEDDING_F16_WGSL = kernel1d(
  'n: u32, C: u32',
  ['mut out: array<f32>', 'ids: array<i32>', 'table: array<u32>'],
  `  let t = i / p.C;
  let c = i % p.C;
  let j = u32(ids[t]) * p.C + c;
  out[i] = unpack2x16float(table[j >> 1u])[j & 1u];`,
);

// n = C invocations: channel c walks the tokens in order, so no two invocations touch the same
// address and the sum order is the CPU's (deterministic, no atomics).
export const EMBEDDING_BACKWARD_WGSL = kernel1d(
  'n: u32, T: u32',
  ['mut dtable: array<f32>', 'ids: array<i32>', 'dout: array<f32>'],
  `  let C = p.n;
  for (var t = 0u; t < p.T; t++) {
    let row = u32(ids[t]);
    dtable[row * C + i] += dout[t * C + i];
  }`,
);

// n = rows·C invocations.
export const SCATTER_ROWS_WGSL = kernel1d(
  'n: u32, C: u32',
  ['mut out: array<f32>', 'rows: array<f32>', 'pos: array<i32>'],
  `  let k = i / p.C;
  let c = i % p.C;
  out[u32(pos[k]) * p.C + c] = rows[i];`,
);
