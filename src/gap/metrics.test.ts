import { describe, expect, it } from 'vitest';
import { centroidGap, gapCounts, gapMetrics, linearCKA, pairedCosine, retrievalTop1 } from './metrics';
import { matmul, randomMatrix, randomOrthogonal } from './test-helpers';
import { FeatureSet, type FeatureRecord, type Form } from './types';

const e = (d: number, i: number): number[] => Array.from({ length: d }, (_, j) => (j === i ? 1 : 0));

/** Linear CKA straight from Kornblith eq. (5) with the p×p, q×q, q×p matrices formed in full. */
function directCKA(a: number[][], b: number[][]): number {
  const centre = (m: number[][]) => {
    const mean = m[0].map((_, j) => m.reduce((s, r) => s + r[j], 0) / m.length);
    return m.map((r) => r.map((x, j) => x - mean[j]));
  };
  const t = (m: number[][]) => m[0].map((_, j) => m.map((r) => r[j]));
  const fro = (m: number[][]) => Math.sqrt(m.flat().reduce((s, x) => s + x * x, 0));
  const ac = centre(a);
  const bc = centre(b);
  return fro(matmul(t(bc), ac)) ** 2 / (fro(matmul(t(ac), ac)) * fro(matmul(t(bc), bc)));
}

describe('identical sets', () => {
  const a = randomMatrix(12, 6, 1);
  it('centroid gap 0, paired cosine 1, CKA 1, retrieval 1', () => {
    expect(centroidGap(a, a)).toBe(0);
    expect(pairedCosine(a, a)).toBeCloseTo(1, 12);
    expect(linearCKA(a, a)).toBeCloseTo(1, 12);
    expect(retrievalTop1(a, a)).toBe(1);
  });
});

describe('orthogonal one-hot sets', () => {
  // Every row of A is e1 and every row of B is e2: centroids e1 and e2, distance √2.
  const a = [e(3, 0), e(3, 0), e(3, 0)];
  const b = [e(3, 1), e(3, 1), e(3, 1)];
  it('centroid gap √2 and paired cosine 0', () => {
    expect(centroidGap(a, b)).toBeCloseTo(Math.SQRT2, 14);
    expect(pairedCosine(a, b)).toBe(0);
  });
  it('CKA is undefined (NaN) when a side has no variance', () => {
    expect(linearCKA(a, b)).toBeNaN();
  });
  it('centroid gap ignores row scale (rows are L2-normalised)', () => {
    expect(centroidGap(a.map((r) => r.map((x) => 7 * x)), b)).toBeCloseTo(Math.SQRT2, 14);
  });
});

describe('2-D example computed by hand', () => {
  // A = [(1,0), (0,1)]       -> normalised as is, centroid (0.5, 0.5)
  // B = [(3,4), (-1,0)]      -> normalised (0.6, 0.8), (-1, 0), centroid (-0.2, 0.4)
  // gap = |(0.7, 0.1)| = √0.5
  // paired cosines: 0.6 and 0 -> mean 0.3
  // retrieval: a0·b0 = 0.6 > a0·b1 = -1 (right); a1·b1 = 0 < a1·b0 = 0.8 (wrong) -> 0.5
  const a = [[1, 0], [0, 1]];
  const b = [[3, 4], [-1, 0]];
  it('centroid gap', () => expect(centroidGap(a, b)).toBeCloseTo(Math.sqrt(0.5), 14));
  it('paired cosine', () => expect(pairedCosine(a, b)).toBeCloseTo(0.3, 14));
  it('retrieval', () => expect(retrievalTop1(a, b)).toBe(0.5));
  it('CKA across widths: 2-D vs 1-D', () => {
    // A = [(1,0), (0,1), (-1,-1)], B = [1, 0, -1]: both already centred.
    // BᵀA = (2, 1) -> ||·||² = 5;  AᵀA = [[2,1],[1,2]] -> ||·||_F = √10;  BᵀB = 2.
    // CKA = 5 / (2√10) = √10 / 4
    expect(linearCKA([[1, 0], [0, 1], [-1, -1]], [[1], [0], [-1]])).toBeCloseTo(Math.sqrt(10) / 4, 14);
  });
});

describe('linear CKA', () => {
  const a = randomMatrix(9, 5, 2);
  const b = randomMatrix(9, 4, 3);
  const base = linearCKA(a, b);

  it('matches a direct d×d implementation in both code paths', () => {
    const want = directCKA(a, b);
    expect(base).toBeGreaterThan(0.05); // a non-trivial value, so agreement means something
    expect(linearCKA(a, b, 'gram')).toBeCloseTo(want, 12);
    expect(linearCKA(a, b, 'feature')).toBeCloseTo(want, 12);
    // n < width, where 'auto' takes the Gram form
    const wide = randomMatrix(4, 11, 4);
    const wide2 = randomMatrix(4, 7, 5);
    expect(linearCKA(wide, wide2)).toBeCloseTo(directCKA(wide, wide2), 12);
    expect(linearCKA(wide, wide2, 'feature')).toBeCloseTo(directCKA(wide, wide2), 12);
  });

  it('is invariant to a random rotation, isotropic scaling and translation of B', () => {
    for (const seed of [10, 11, 12]) {
      const q = randomOrthogonal(4, seed);
      const moved = matmul(b, q).map((r) => r.map((x, j) => 3.5 * x + j - 2));
      expect(linearCKA(a, moved)).toBeCloseTo(base, 12);
    }
  });

  it('is not invariant to anisotropic scaling', () => {
    const stretched = b.map((r) => r.map((x, j) => (j === 0 ? 20 * x : x)));
    expect(Math.abs(linearCKA(a, stretched) - base)).toBeGreaterThan(1e-3);
  });

  it('is symmetric and lies in [0, 1]', () => {
    expect(linearCKA(b, a)).toBeCloseTo(base, 12);
    expect(base).toBeGreaterThanOrEqual(0);
    expect(base).toBeLessThanOrEqual(1);
  });

  it('accepts Float32Array rows', () => {
    const a32 = a.map((r) => Float32Array.from(r));
    expect(linearCKA(a32, b)).toBeCloseTo(base, 5);
  });
});

describe('retrieval top-1', () => {
  const id4 = [e(4, 0), e(4, 1), e(4, 2), e(4, 3)];
  it('a permuted B (no fixed points) gives 0', () => {
    const shifted = [id4[1], id4[2], id4[3], id4[0]];
    expect(retrievalTop1(id4, shifted)).toBe(0);
  });
  it('ties count as wrong', () => {
    // row 0: b0 = b1 = e1 tie -> wrong; row 1: e2 has cosine 0 with every row -> wrong.
    expect(retrievalTop1(id4, [e(4, 0), e(4, 0), e(4, 2), e(4, 3)])).toBe(0.5);
  });
  it('is scale-free (cosine)', () => {
    expect(retrievalTop1(id4, id4.map((r, i) => r.map((x) => (i + 1) * x)))).toBe(1);
  });
});

describe('shape checks', () => {
  it('paired metrics reject different widths or row counts', () => {
    expect(() => pairedCosine([[1, 2]], [[1, 2, 3]])).toThrow(/dimensions/);
    expect(() => retrievalTop1([[1, 2]], [[1, 2], [3, 4]])).toThrow(/row counts/);
    expect(() => centroidGap([[1, 2]], [[1, 2, 3]])).toThrow(/dimensions/);
    expect(() => linearCKA([[1, 2]], [[1], [2]])).toThrow(/row counts/);
  });
});

describe('gapMetrics', () => {
  const rec = (id: string, form: Form, vector: number[], lens: 'vlm' | 'clip' = 'vlm'): FeatureRecord => ({ id, lens, form, vector });
  const real = randomMatrix(5, 3, 20);
  const records: FeatureRecord[] = [];
  real.forEach((v, i) => {
    records.push(rec(`i${i}`, 'real', v));
    records.push(rec(`i${i}`, 'tpi', v.map((x) => 2 * x))); // same directions as real
    if (i < 4) records.push(rec(`i${i}`, 'text', v.map((x) => -x))); // i4 has no text
    records.push(rec(`i${i}`, 'real', v, 'clip'));
    records.push(rec(`i${i}`, 'text', [v[0], v[1]], 'clip')); // narrower: 2 vs 3
  });
  const set = FeatureSet.from(records);
  const m = gapMetrics(set, 'vlm');

  it('has exactly the metrics.json keys', () => {
    expect(Object.keys(m)).toEqual(['centroid_gap', 'paired_cosine', 'linear_cka', 'retrieval_top1']);
    for (const v of Object.values(m)) expect(Object.keys(v)).toEqual(['real-tpi', 'real-text', 'tpi-text']);
  });

  it('computes each pair on its aligned items', () => {
    expect(m.centroid_gap['real-tpi']).toBeCloseTo(0, 14);
    expect(m.paired_cosine['real-tpi']).toBeCloseTo(1, 14);
    expect(m.retrieval_top1['real-tpi']).toBe(1);
    expect(m.paired_cosine['real-text']).toBeCloseTo(-1, 14);
    expect(m.linear_cka['tpi-text']).toBeCloseTo(1, 12);
    expect(m.centroid_gap['real-text']).toBeCloseTo(centroidGap(real.slice(0, 4), real.slice(0, 4).map((r) => r.map((x) => -x))), 14);
    expect(gapCounts(set, 'vlm')).toEqual({
      'real-tpi': { n: 5, excluded: 0 },
      'real-text': { n: 4, excluded: 1 },
      'tpi-text': { n: 4, excluded: 1 },
    });
  });

  it('gives null for different widths (except CKA) and for missing forms', () => {
    const c = gapMetrics(set, 'clip');
    expect(c.linear_cka['real-text']).toBeTypeOf('number');
    expect(c.centroid_gap['real-text']).toBeNull();
    expect(c.paired_cosine['real-text']).toBeNull();
    expect(c.retrieval_top1['real-text']).toBeNull();
    expect(c.linear_cka['real-tpi']).toBeNull(); // clip has no tpi
    expect(JSON.parse(JSON.stringify(c))).toEqual(c); // no NaN or undefined anywhere
  });

  it('turns an undefined CKA (a single item has no variance) into null', () => {
    const one = gapMetrics(FeatureSet.from([rec('x', 'real', [1, 2]), rec('x', 'tpi', [2, 1])]), 'vlm');
    expect(one.linear_cka['real-tpi']).toBeNull();
    expect(one.paired_cosine['real-tpi']).toBeCloseTo(0.8, 14); // (2 + 2) / 5
    expect(one.retrieval_top1['real-tpi']).toBe(1);
  });
});
