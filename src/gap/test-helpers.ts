// Fixtures for the gap tests: seeded random matrices and rotations. Kept out of the *.test.ts
// files so each test file reads as the properties it checks.

import { gaussian, mulberry32 } from './rng';

export function randomMatrix(n: number, d: number, seed: number): number[][] {
  const normal = gaussian(mulberry32(seed));
  return Array.from({ length: n }, () => Array.from({ length: d }, normal));
}

/** A random d×d orthogonal matrix: Gram–Schmidt on the rows of a Gaussian matrix. */
export function randomOrthogonal(d: number, seed: number): number[][] {
  const q: number[][] = [];
  for (const row of randomMatrix(d, d, seed)) {
    const v = [...row];
    for (const u of q) {
      const p = v.reduce((s, x, j) => s + x * u[j], 0);
      for (let j = 0; j < d; j++) v[j] -= p * u[j];
    }
    const len = Math.hypot(...v);
    q.push(v.map((x) => x / len));
  }
  return q;
}

/** Row-vector product: rows of `a` times matrix `m` (a is n×p, m is p×q). */
export function matmul(a: number[][], m: number[][]): number[][] {
  return a.map((row) => m[0].map((_, c) => row.reduce((s, x, r) => s + x * m[r][c], 0)));
}
