// A fast, seeded reduction to k dimensions before t-SNE/UMAP: randomized subspace iteration
// (Halko, Martinsson, Tropp, "Finding structure with randomness", SIAM Review 2011, alg. 4.4).
// Deflated power iteration (pca.ts) is exact but costs k separate convergences; here one block
// of k vectors converges together in a few passes, O(n·d·k) each. The result spans
// (approximately) the top-k principal subspace; its rotation within that subspace does not
// matter to t-SNE or UMAP, which only see distances.

import { centerColumns, dot } from './linalg.ts';
import { gaussian, mulberry32 } from './rng.ts';
import type { Matrix } from './types.ts';

/** Orthonormalises the vectors in place (modified Gram–Schmidt); drops none, zeroes degenerate ones. */
function orthonormalize(vs: Float64Array[]): void {
  for (let i = 0; i < vs.length; i++) {
    for (let j = 0; j < i; j++) {
      const p = dot(vs[i], vs[j]);
      for (let t = 0; t < vs[i].length; t++) vs[i][t] -= p * vs[j][t];
    }
    const len = Math.sqrt(dot(vs[i], vs[i]));
    for (let t = 0; t < vs[i].length; t++) vs[i][t] = len > 1e-12 ? vs[i][t] / len : 0;
  }
}

/** n × k coordinates of the centred rows in an approximate top-k principal basis. */
export function reduceDims(rows: Matrix, k: number, seed = 1, passes = 4): Float64Array[] {
  const x = centerColumns(rows);
  const n = x.length;
  const d = n ? x[0].length : 0;
  if (d <= k) return x;
  const normal = gaussian(mulberry32(seed));
  // basis: k vectors in feature space (d), refined by v ← Xᵀ X v.
  let basis = Array.from({ length: k }, () => Float64Array.from({ length: d }, normal));
  orthonormalize(basis);
  for (let p = 0; p < passes; p++) {
    const next = basis.map(() => new Float64Array(d));
    for (const row of x) {
      for (let c = 0; c < k; c++) {
        const s = dot(row, basis[c]);
        const out = next[c];
        for (let t = 0; t < d; t++) out[t] += s * row[t];
      }
    }
    orthonormalize(next);
    basis = next;
  }
  return x.map((row) => Float64Array.from(basis, (b) => dot(row, b)));
}
