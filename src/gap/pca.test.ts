import { describe, expect, it } from 'vitest';
import { pca } from './pca';
import { mulberry32 } from './rng';
import { matmul, randomMatrix, randomOrthogonal } from './test-helpers';

const S = Math.SQRT1_2;

/** Independent reference: cyclic Jacobi eigen-decomposition of a small symmetric matrix. */
function jacobiEigen(m: number[][]): { values: number[]; vectors: number[][] } {
  const d = m.length;
  const a = m.map((r) => [...r]);
  const v: number[][] = a.map((_, i) => a.map((_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = a.map((_, i) => i).sort((i, j) => a[j][j] - a[i][i]);
  return { values: order.map((i) => a[i][i]), vectors: order.map((i) => v.map((r) => r[i])) };
}

function covariance(x: number[][]): number[][] {
  const n = x.length;
  const mean = x[0].map((_, j) => x.reduce((s, r) => s + r[j], 0) / n);
  const c = x.map((r) => r.map((v, j) => v - mean[j]));
  return mean.map((_, i) => mean.map((_, j) => c.reduce((s, r) => s + r[i] * r[j], 0) / (n - 1)));
}

describe('PCA on points stretched along (1,1)/√2', () => {
  // (t, s) over {±1, ±2} × {±0.5}: Σt = Σs = Σts = 0, so the axes are exactly u = (1,1)/√2
  // (variance Σt²/7 = 20/7) and w = (1,-1)/√2 (variance Σs²/7 = 2/7); ratios 20/22 and 2/22.
  const ts: Array<[number, number]> = [];
  for (const t of [-2, -1, 1, 2]) for (const s of [-0.5, 0.5]) ts.push([t, s]);
  const data = ts.map(([t, s]) => [5 + S * (t + s), -2 + S * (t - s)]);
  const res = pca(data);

  it('recovers both axes with the sign convention', () => {
    expect([...res.components[0]].map((x) => x - S).every((x) => Math.abs(x) < 1e-9)).toBe(true);
    expect(res.components[1][0]).toBeCloseTo(S, 9);
    expect(res.components[1][1]).toBeCloseTo(-S, 9);
    expect([...res.mean]).toEqual([5, -2].map((x) => expect.closeTo(x, 12)));
    expect(res.converged).toEqual([true, true]);
  });

  it('recovers explained variance and its ratio', () => {
    expect(res.explainedVariance[0]).toBeCloseTo(20 / 7, 9);
    expect(res.explainedVariance[1]).toBeCloseTo(2 / 7, 9);
    expect(res.explainedVarianceRatio[0]).toBeCloseTo(20 / 22, 9);
    expect(res.explainedVarianceRatio[1]).toBeCloseTo(2 / 22, 9);
  });

  it('projects each point to its (t, s)', () => {
    res.coords.forEach((c, i) => {
      expect(c[0]).toBeCloseTo(ts[i][0], 9);
      expect(c[1]).toBeCloseTo(ts[i][1], 9);
    });
  });
});

describe('PCA against an independent eigen-decomposition', () => {
  // Anisotropic Gaussian cloud (stds 5, 3, 2, 1, 0.5, 0.2) in a random rotation.
  const stds = [5, 3, 2, 1, 0.5, 0.2];
  const latent = randomMatrix(60, 6, 7).map((r) => r.map((x, j) => x * stds[j]));
  const data = matmul(latent, randomOrthogonal(6, 8));
  const ref = jacobiEigen(covariance(data));
  const res = pca(data, { k: 3 });

  it('matches the top-3 eigenpairs up to sign', () => {
    for (let c = 0; c < 3; c++) {
      expect(res.explainedVariance[c]).toBeCloseTo(ref.values[c], 8);
      const cos = res.components[c].reduce((s, x, j) => s + x * ref.vectors[c][j], 0);
      expect(Math.abs(cos)).toBeCloseTo(1, 8);
    }
    const total = ref.values.reduce((s, x) => s + x, 0);
    expect(res.explainedVarianceRatio[0]).toBeCloseTo(ref.values[0] / total, 9);
  });

  it('ratios over all components sum to 1', () => {
    const all = pca(data, { k: 6 });
    expect(all.explainedVarianceRatio.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
  });
});

describe('PCA determinism', () => {
  const data = randomMatrix(40, 8, 9).map((r) => r.map((x, j) => x * (j + 1)));

  it('gives bit-identical output for the same seed', () => {
    const a = pca(data, { seed: 3 });
    const b = pca(data, { seed: 3 });
    expect(a.coords.map((r) => [...r])).toEqual(b.coords.map((r) => [...r]));
    expect(a.components.map((r) => [...r])).toEqual(b.components.map((r) => [...r]));
  });

  it('fixes the sign: other seeds and negated data give the same components', () => {
    const a = pca(data, { seed: 3 });
    const other = pca(data, { seed: 12345 });
    const negated = pca(data.map((r) => r.map((x) => -x)), { seed: 3 });
    for (let c = 0; c < 2; c++) {
      a.components[c].forEach((x, j) => {
        expect(other.components[c][j]).toBeCloseTo(x, 7);
        expect(negated.components[c][j]).toBeCloseTo(x, 7);
      });
      a.coords.forEach((row, i) => expect(negated.coords[i][c]).toBeCloseTo(-row[c], 6));
    }
    const v = a.components[0];
    const big = v.reduce((b, x, j) => (Math.abs(x) > Math.abs(v[b]) ? j : b), 0);
    expect(v[big]).toBeGreaterThan(0);
  });
});

describe('PCA edge cases', () => {
  it('handles fewer points than dimensions (rank-deficient) without NaN', () => {
    const rnd = mulberry32(4);
    const data = Array.from({ length: 3 }, () => Array.from({ length: 10 }, rnd));
    const res = pca(data, { k: 3 });
    expect(res.explainedVariance[2]).toBeCloseTo(0, 10); // 3 centred points span 2 dims
    expect(res.explainedVarianceRatio[0] + res.explainedVarianceRatio[1]).toBeCloseTo(1, 9);
    expect(res.coords.flatMap((r) => [...r]).every(Number.isFinite)).toBe(true);
  });

  it('returns zeros for data with no variance', () => {
    const res = pca([[1, 2], [1, 2], [1, 2]]);
    expect(res.explainedVarianceRatio).toEqual([0, 0]);
    expect(res.coords.flatMap((r) => [...r])).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
