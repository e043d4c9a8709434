// Modality-gap metrics (PRODUCT.md capability 5). Each takes two matrices whose row i is the
// same item in two forms. All arithmetic is float64 (see linalg.ts).

import { centerColumns, columnMeans, columns, dot, normalizeRows } from './linalg';
import type { FeatureSet, Form, Lens, Matrix } from './types';

/**
 * Centroid gap — Liang, Zhang, Kwon, Yeung, Zou, "Mind the Gap: Understanding the Modality Gap
 * in Multi-modal Contrastive Representation Learning", NeurIPS 2022, §3:
 *
 *   gap = || (1/n) Σ_i x_i/||x_i||  −  (1/m) Σ_j y_j/||y_j|| ||_2
 *
 * Rows are L2-normalised first, so the gap is about direction, not feature scale. Ranges over
 * [0, 2]; Liang et al. report 0.82 for CLIP image vs text. Both sets need the same dimension;
 * the row counts may differ. Returns NaN when either set is empty.
 */
export function centroidGap(a: Matrix, b: Matrix): number {
  const da = columns(a);
  const db = columns(b);
  if (a.length === 0 || b.length === 0) return NaN;
  if (da !== db) throw new Error(`centroidGap: dimensions differ (${da} vs ${db})`);
  const ca = columnMeans(normalizeRows(a));
  const cb = columnMeans(normalizeRows(b));
  let s = 0;
  for (let j = 0; j < da; j++) s += (ca[j] - cb[j]) ** 2;
  return Math.sqrt(s);
}

/**
 * Paired cosine: (1/n) Σ_i cos(a_i, b_i), cos(x, y) = x·y / (||x|| ||y||).
 * 1 when every item points the same way in both forms; a zero row counts as cosine 0.
 * Needs equal shapes. Returns NaN for n = 0.
 */
export function pairedCosine(a: Matrix, b: Matrix): number {
  assertSameShape(a, b, 'pairedCosine');
  if (a.length === 0) return NaN;
  const na = normalizeRows(a);
  const nb = normalizeRows(b);
  let s = 0;
  for (let i = 0; i < na.length; i++) s += dot(na[i], nb[i]);
  return s / na.length;
}

export type CkaMethod = 'auto' | 'gram' | 'feature';

/**
 * Linear CKA — Kornblith, Norouzi, Lee, Hinton, "Similarity of Neural Network Representations
 * Revisited", ICML 2019, eq. (4)-(5). With A (n×p), B (n×q) column-centred:
 *
 *   CKA = ||Bᵀ A||_F² / ( ||Aᵀ A||_F · ||Bᵀ B||_F )                       ("feature" form)
 *       = <K, L>_F / ( ||K||_F · ||L||_F ),  K = A Aᵀ, L = B Bᵀ             ("gram" form)
 *
 * The two are equal because ||BᵀA||_F² = tr(AᵀB BᵀA) = tr(K L). The HSIC normalisation
 * 1/(n−1)² cancels between numerator and denominator, so it is left out.
 * p and q may differ (text embeddings vs image features). Invariant to orthogonal transforms
 * and isotropic scaling of either side, not to anisotropic scaling (Kornblith §3).
 *
 * Cost: feature form O(n·(pq + p² + q²)), gram form O(n²·(p + q)); 'auto' picks the cheaper,
 * which is the gram form whenever n is below the feature widths. Neither form stores a p×q or
 * n×n matrix: entries are computed and consumed one at a time, so memory stays O(n·(p + q)).
 * Returns NaN when a side has no variance (n < 2 or all rows equal): CKA is then undefined.
 */
export function linearCKA(a: Matrix, b: Matrix, method: CkaMethod = 'auto'): number {
  if (a.length !== b.length) throw new Error(`linearCKA: row counts differ (${a.length} vs ${b.length})`);
  const n = a.length;
  const p = columns(a);
  const q = columns(b);
  if (n < 2) return NaN;
  const ac = centerColumns(a);
  const bc = centerColumns(b);
  const useGram = method === 'gram' || (method === 'auto' && n * (p + q) <= p * q + p * p + q * q);
  const [ab, aa, bb] = useGram ? gramSums(ac, bc) : featureSums(transpose(ac, p), transpose(bc, q));
  const den = Math.sqrt(aa) * Math.sqrt(bb);
  return den > 0 ? ab / den : NaN;
}

/** [<K,L>, <K,K>, <L,L>] walking the upper triangle of the n×n Grams (they are symmetric). */
function gramSums(a: Float64Array[], b: Float64Array[]): [number, number, number] {
  let kl = 0;
  let kk = 0;
  let ll = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i; j < a.length; j++) {
      const k = dot(a[i], a[j]);
      const l = dot(b[i], b[j]);
      const w = i === j ? 1 : 2;
      kl += w * k * l;
      kk += w * k * k;
      ll += w * l * l;
    }
  }
  return [kl, kk, ll];
}

/** [||BᵀA||², ||AᵀA||², ||BᵀB||²] from column vectors (rows of the transposes). */
function featureSums(at: Float64Array[], bt: Float64Array[]): [number, number, number] {
  let ab = 0;
  for (const x of at) for (const y of bt) ab += dot(x, y) ** 2;
  return [ab, selfSum(at), selfSum(bt)];
}

function selfSum(t: Float64Array[]): number {
  let s = 0;
  for (let i = 0; i < t.length; i++) {
    for (let j = i; j < t.length; j++) s += (i === j ? 1 : 2) * dot(t[i], t[j]) ** 2;
  }
  return s;
}

function transpose(m: Float64Array[], d: number): Float64Array[] {
  const t = Array.from({ length: d }, () => new Float64Array(m.length));
  for (let i = 0; i < m.length; i++) for (let j = 0; j < d; j++) t[j][i] = m[i][j];
  return t;
}

/**
 * Cosine similarities closer than this count as a tie. Exact float equality would let a
 * rounding difference decide between two equally good candidates (e.g. duplicate rows).
 */
export const RETRIEVAL_TIE_EPS = 1e-12;

/**
 * Top-1 retrieval accuracy, query side A, gallery side B: the fraction of i for which b_i is
 * the unique nearest row of B to a_i by cosine, i.e. cos(a_i, b_i) > cos(a_i, b_j) + eps for
 * every j ≠ i. A tie with another row counts as wrong, because then b_i is not what a
 * retrieval system would return with certainty; so duplicate items in B lower the score.
 * Not symmetric: retrievalTop1(A, B) ≠ retrievalTop1(B, A) in general. Needs equal shapes.
 * Cost O(n² d). Returns NaN for n = 0.
 */
export function retrievalTop1(a: Matrix, b: Matrix): number {
  assertSameShape(a, b, 'retrievalTop1');
  const n = a.length;
  if (n === 0) return NaN;
  const na = normalizeRows(a);
  const nb = normalizeRows(b);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const own = dot(na[i], nb[i]);
    let unique = true;
    for (let j = 0; j < n && unique; j++) {
      if (j !== i && dot(na[i], nb[j]) >= own - RETRIEVAL_TIE_EPS) unique = false;
    }
    if (unique) correct++;
  }
  return correct / n;
}

export type PairKey = 'real-tpi' | 'real-text' | 'tpi-text';
export const PAIRS: ReadonlyArray<readonly [PairKey, Form, Form]> = [
  ['real-tpi', 'real', 'tpi'],
  ['real-text', 'real', 'text'],
  ['tpi-text', 'tpi', 'text'],
];

/** null where a value is undefined: a form is missing, too few items, or widths differ. */
export type PairValues = Record<PairKey, number | null>;

/** The shape of metrics.json. */
export interface GapMetrics {
  centroid_gap: PairValues;
  paired_cosine: PairValues;
  linear_cka: PairValues;
  retrieval_top1: PairValues;
}

export interface PairCount {
  /** Items having both forms; every metric of the pair is computed on exactly these. */
  n: number;
  /** Items having only one of the two forms, left out. */
  excluded: number;
}

/**
 * All four metrics for the three form pairs of one lens. For "x-y", x is the query side of
 * retrieval and y the gallery.
 *
 * Every metric of a pair uses the same items, those present in both forms: the centroid gap
 * too, although it does not need pairs, so that it measures the modality and not a difference
 * in which items happen to be in each set.
 *
 * Centroid gap, paired cosine and retrieval compare vectors coordinate by coordinate and so
 * need both forms in one space of one width; when the widths differ (e.g. a text embedding
 * table narrower than the image features) those entries are null. For SmolVLM both image
 * features (after the connector) and token embeddings live in the LM's hidden width, so they
 * are defined. Linear CKA compares similarity structure and works across widths.
 * NaN never reaches the result (JSON cannot carry it): undefined values become null.
 */
export function gapMetrics(set: FeatureSet, lens: Lens): GapMetrics {
  const out: GapMetrics = { centroid_gap: nulls(), paired_cosine: nulls(), linear_cka: nulls(), retrieval_top1: nulls() };
  for (const [key, x, y] of PAIRS) {
    const { matrices, dims, ids } = set.aligned(lens, [x, y]);
    if (ids.length === 0) continue;
    const a = matrices[x];
    const b = matrices[y];
    out.linear_cka[key] = finite(linearCKA(a, b));
    if (dims[x] !== dims[y]) continue;
    out.centroid_gap[key] = finite(centroidGap(a, b));
    out.paired_cosine[key] = finite(pairedCosine(a, b));
    out.retrieval_top1[key] = finite(retrievalTop1(a, b));
  }
  return out;
}

/** How many items each pair of `gapMetrics` used and left out, for the report next to it. */
export function gapCounts(set: FeatureSet, lens: Lens): Record<PairKey, PairCount> {
  const out = {} as Record<PairKey, PairCount>;
  for (const [key, x, y] of PAIRS) {
    const { ids, excluded } = set.aligned(lens, [x, y]);
    out[key] = { n: ids.length, excluded };
  }
  return out;
}

function nulls(): PairValues {
  return { 'real-tpi': null, 'real-text': null, 'tpi-text': null };
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function assertSameShape(a: Matrix, b: Matrix, name: string): void {
  if (a.length !== b.length) throw new Error(`${name}: row counts differ (${a.length} vs ${b.length})`);
  const da = columns(a);
  const db = columns(b);
  if (da !== db) throw new Error(`${name}: dimensions differ (${da} vs ${db})`);
}
