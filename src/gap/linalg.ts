// Small dense helpers shared by metrics and PCA. Everything is computed into Float64Array:
// model features arrive as Float32Array, and sums over thousands of rows in float32 lose
// the digits that small gaps and CKA near 1 depend on.

import type { Matrix, Vector } from './types';

/** Number of columns; throws when rows differ in length (a ragged matrix is a caller bug). */
export function columns(m: Matrix): number {
  if (m.length === 0) return 0;
  const d = m[0].length;
  for (let i = 1; i < m.length; i++) {
    if (m[i].length !== d) throw new Error(`ragged matrix: row ${i} has ${m[i].length} columns, row 0 has ${d}`);
  }
  return d;
}

export function dot(a: Vector, b: Vector): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

export function norm(a: Vector): number {
  return Math.sqrt(dot(a, a));
}

/**
 * Rows scaled to unit length. A zero row has no direction, so it stays zero: its cosine with
 * anything is then 0 rather than NaN, and it pulls a centroid toward the origin.
 */
export function normalizeRows(m: Matrix): Float64Array[] {
  return m.map((row) => {
    const out = Float64Array.from(row);
    const n = norm(out);
    if (n > 0) for (let j = 0; j < out.length; j++) out[j] /= n;
    return out;
  });
}

export function columnMeans(m: Matrix): Float64Array {
  const d = columns(m);
  const mean = new Float64Array(d);
  for (const row of m) for (let j = 0; j < d; j++) mean[j] += row[j];
  if (m.length > 0) for (let j = 0; j < d; j++) mean[j] /= m.length;
  return mean;
}

/** Copy with the column means subtracted. */
export function centerColumns(m: Matrix): Float64Array[] {
  const mean = columnMeans(m);
  return m.map((row) => {
    const out = Float64Array.from(row);
    for (let j = 0; j < out.length; j++) out[j] -= mean[j];
    return out;
  });
}
