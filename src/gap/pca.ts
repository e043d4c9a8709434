// PCA for the Gap scatter plot. Deterministic: the same input gives the same picture on every
// run and machine, which a talk and a paper figure need (PRODUCT.md: "Projections ... seeded").

import { centerColumns, columnMeans, columns, dot } from './linalg';
import { gaussian, mulberry32 } from './rng';
import type { Matrix } from './types';

export interface PcaOptions {
  /** Number of components (default 2). Clamped to the feature dimension. */
  k?: number;
  /** Seed of the start vectors (default 1). */
  seed?: number;
  /** Power-iteration cap per component (default 2000). */
  maxIter?: number;
  /** Stop when ||C v − λ v|| ≤ tol · trace(C) (default 1e-10). */
  tol?: number;
}

export interface PcaResult {
  /** n × k projected coordinates (x_i − mean) · component_c. */
  coords: Float64Array[];
  /** k unit vectors in feature space, largest-|loading| entry positive. */
  components: Float64Array[];
  mean: Float64Array;
  /** Eigenvalues of the covariance (1/(n−1) normalisation, as scikit-learn). */
  explainedVariance: number[];
  /** explainedVariance / total variance; all 0 when the data has no variance. */
  explainedVarianceRatio: number[];
  /** Per component: whether the residual test passed before maxIter. */
  converged: boolean[];
}

/**
 * Top-k principal components by power iteration with deflation on the covariance
 * C = Xᵀ X / (n − 1) of the centred data X. C is never formed: C v = Xᵀ (X v) costs O(n d) per
 * step and O(n d) memory, which stays small for thousands of items of width ~1000, where a d×d
 * or n×n matrix would cost O(n d²) to build. Deflation: each step is projected off the
 * components already found, so iteration c converges to the c-th eigenvector.
 *
 * Reproducibility: start vectors come from a seeded PRNG, and the sign of each component (which
 * PCA leaves free) is fixed so that its largest-magnitude loading is positive (first such index
 * on near-ties, see fixSign). Without that the plot could flip between runs or library versions.
 * When eigenvalues are (nearly) equal the eigenvectors are not unique; the result is then one
 * valid basis of that subspace, still the same for the same seed.
 */
export function pca(data: Matrix, options: PcaOptions = {}): PcaResult {
  const d = columns(data);
  const n = data.length;
  const k = Math.max(0, Math.min(options.k ?? 2, d));
  const maxIter = options.maxIter ?? 2000;
  const tol = options.tol ?? 1e-10;
  const normal = gaussian(mulberry32(options.seed ?? 1));

  const x = centerColumns(data);
  const denom = Math.max(n - 1, 1);
  let trace = 0;
  for (const row of x) trace += dot(row, row);
  trace /= denom;

  const apply = (v: Float64Array, found: Float64Array[]): Float64Array => {
    const w = new Float64Array(d);
    for (const row of x) {
      const s = dot(row, v) / denom;
      for (let j = 0; j < d; j++) w[j] += s * row[j];
    }
    return orthogonalize(w, found);
  };

  const components: Float64Array[] = [];
  const variances: number[] = [];
  const converged: boolean[] = [];
  for (let c = 0; c < k; c++) {
    let v = unitOrthogonalStart(d, components, normal);
    let ok = false;
    for (let it = 0; it < maxIter && !ok; it++) {
      const w = apply(v, components);
      const lambda = dot(v, w);
      let r = 0;
      for (let j = 0; j < d; j++) r += (w[j] - lambda * v[j]) ** 2;
      // A residual at the tolerance means v is an eigenvector to working accuracy; this also
      // stops at once when no variance is left (w ≈ 0), where normalising w would amplify noise.
      if (Math.sqrt(r) <= tol * trace) ok = true;
      else v = scaled(w, 1 / Math.sqrt(dot(w, w)));
    }
    fixSign(v);
    components.push(v);
    variances.push(Math.max(0, dot(v, apply(v, components.slice(0, c)))));
    converged.push(ok);
  }

  const coords = x.map((row) => Float64Array.from(components, (v) => dot(row, v)));
  return {
    coords,
    components,
    mean: columnMeans(data),
    explainedVariance: variances,
    explainedVarianceRatio: variances.map((l) => (trace > 0 ? l / trace : 0)),
    converged,
  };
}

/** w minus its projections on the orthonormal vectors `found` (modified Gram–Schmidt). */
function orthogonalize(w: Float64Array, found: Float64Array[]): Float64Array {
  for (const u of found) {
    const p = dot(w, u);
    for (let j = 0; j < w.length; j++) w[j] -= p * u[j];
  }
  return w;
}

/** A random unit vector orthogonal to `found`; redrawn in the (measure-zero) case it vanishes. */
function unitOrthogonalStart(d: number, found: Float64Array[], normal: () => number): Float64Array {
  for (;;) {
    const v = orthogonalize(Float64Array.from({ length: d }, normal), found);
    const len = Math.sqrt(dot(v, v));
    if (len > 1e-8) return scaled(v, 1 / len);
  }
}

function scaled(v: Float64Array, s: number): Float64Array {
  return v.map((x) => x * s);
}

/**
 * Makes the largest-magnitude loading positive. Loadings within a relative 1e-9 of the largest
 * count as tied and the first of them decides: for an axis like (1, -1)/√2 the two magnitudes
 * differ only by rounding, and letting rounding pick would make the sign machine-dependent.
 */
function fixSign(v: Float64Array): void {
  let max = 0;
  for (const x of v) max = Math.max(max, Math.abs(x));
  const first = v.findIndex((x) => Math.abs(x) >= max * (1 - 1e-9));
  if (first >= 0 && v[first] < 0) for (let j = 0; j < v.length; j++) v[j] = -v[j];
}
