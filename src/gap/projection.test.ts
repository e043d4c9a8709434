import { describe, expect, it } from 'vitest';
import { project, PROJECTION_METHODS } from './projection.ts';
import { packRows, unpackRows } from './projection-protocol.ts';
import { randomMatrix } from './test-helpers.ts';

describe('project', () => {
  const x = randomMatrix(60, 80, 7);

  for (const method of PROJECTION_METHODS) {
    it(`${method}: the same seed gives the same coordinates`, () => {
      const a = project(x, { method, seed: 3, iterations: 60 });
      const b = project(x, { method, seed: 3, iterations: 60 });
      expect(a).toHaveLength(60);
      expect(a.every((p) => p.length === 2 && p.every(Number.isFinite))).toBe(true);
      expect(b).toEqual(a);
    });
  }

  for (const method of ['tsne', 'umap'] as const) {
    it(`${method}: another seed gives another layout`, () => {
      const a = project(x, { method, seed: 3, iterations: 60 });
      const b = project(x, { method, seed: 4, iterations: 60 });
      expect(b).not.toEqual(a);
    });
  }

  it('reports progress up to 1', () => {
    const seen: number[] = [];
    project(x, { method: 'tsne', seed: 1, iterations: 50, onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe(1);
  });

  it('handles tiny inputs (falls back to PCA below 4 rows) and empty input', () => {
    expect(project([], { method: 'umap' })).toEqual([]);
    expect(project(x.slice(0, 3), { method: 'tsne' })).toHaveLength(3);
  });

  it('PCA of two separated clusters puts them apart on the first axis', () => {
    const a = randomMatrix(20, 10, 1).map((r) => r.map((v, j) => v * 0.1 + (j === 0 ? 5 : 0)));
    const b = randomMatrix(20, 10, 2).map((r) => r.map((v, j) => v * 0.1 + (j === 1 ? 5 : 0)));
    const p = project([...a, ...b], { method: 'pca' });
    const sideA = Math.sign(p[0][0]);
    expect(p.slice(0, 20).every((q) => Math.sign(q[0]) === sideA)).toBe(true);
    expect(p.slice(20).every((q) => Math.sign(q[0]) === -sideA)).toBe(true);
  });

  it('packs rows for the worker and back', () => {
    const { data, n, dim } = packRows([new Float32Array([1, 2]), new Float32Array([3, 4])]);
    expect([n, dim]).toEqual([2, 2]);
    expect(unpackRows(data, n, dim).map((r) => Array.from(r))).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});

describe('reduceDims', () => {
  it('keeps the distances of data that lies in a low-dimensional subspace', async () => {
    const { reduceDims } = await import('./reduce.ts');
    const { randomOrthogonal, matmul } = await import('./test-helpers.ts');
    // 40 points in a 5-dim subspace of R^30, rotated.
    const low = randomMatrix(40, 5, 11).map((r) => [...r, ...new Array(25).fill(0)]);
    const x = matmul(low, randomOrthogonal(30, 12));
    const y = reduceDims(x, 8, 1);
    const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.hypot(...Array.from(a, (v, i) => v - b[i]));
    for (const [i, j] of [[0, 1], [5, 17], [22, 39]]) expect(dist(y[i], y[j])).toBeCloseTo(dist(x[i], x[j]), 6);
    expect(reduceDims(x, 8, 1)).toEqual(y);
  });
});
