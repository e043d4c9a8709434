// 2-D projections of feature vectors for the Gap scatter plot: PCA (ours, pca.ts), t-SNE and
// UMAP (druidjs). Seeded, so the same vectors and seed give the same picture on the same engine.
// Pure: no DOM; runs in the projection worker, in Node (CLI, bench) and in tests.

import { TSNE, UMAP } from '@saehrimnir/druidjs';
import { normalizeRows } from './linalg.ts';
import { pca } from './pca.ts';
import { reduceDims } from './reduce.ts';
import type { Matrix } from './types.ts';

export type ProjectionMethod = 'pca' | 'tsne' | 'umap';
export const PROJECTION_METHODS: readonly ProjectionMethod[] = ['pca', 'tsne', 'umap'];

export interface ProjectionOptions {
  method: ProjectionMethod;
  /** Default 1. */
  seed?: number;
  /** Optimisation steps of t-SNE / UMAP (default 500 / 300). */
  iterations?: number;
  /** Called with the fraction done, from 0 to 1, at most every few steps. */
  onProgress?: (fraction: number) => void;
}

/** Width t-SNE and UMAP work in: the top principal subspace first, as is usual (reduce.ts). */
export const PRE_PCA_DIM = 50;

export function isProjectionMethod(s: string): s is ProjectionMethod {
  return (PROJECTION_METHODS as readonly string[]).includes(s);
}

/**
 * n×2 coordinates of the rows. Rows are L2-normalised first (the gap is about direction, as in
 * Liang et al.), so a form whose features are simply larger does not dominate the picture.
 * Fewer than 3 rows cannot be embedded by t-SNE/UMAP: PCA is used for them.
 */
export function project(rows: Matrix, opts: ProjectionOptions): [number, number][] {
  const n = rows.length;
  if (n === 0) return [];
  const seed = opts.seed ?? 1;
  const unit = normalizeRows(rows);
  const report = opts.onProgress ?? (() => {});
  if (opts.method === 'pca' || n < 4) {
    const r = pca(unit, { k: 2, seed });
    report(1);
    return r.coords.map((c) => [c[0] ?? 0, c[1] ?? 0]);
  }
  const reduced = unit[0].length > PRE_PCA_DIM ? reduceDims(unit, PRE_PCA_DIM, seed) : unit;
  const x = reduced.map((r) => Array.from(r));
  const steps = opts.iterations ?? (opts.method === 'tsne' ? 500 : 300);
  const dr =
    opts.method === 'tsne'
      ? new TSNE(x, { d: 2, seed, perplexity: Math.max(2, Math.min(30, Math.floor((n - 1) / 3))) })
      : new UMAP(x, { d: 2, seed, n_neighbors: Math.max(2, Math.min(15, n - 1)) });
  let out: number[][] = x;
  let i = 0;
  const every = Math.max(1, Math.floor(steps / 50));
  for (const y of dr.generator(steps) as Generator<number[][]>) {
    out = y;
    if (++i % every === 0) report(i / steps);
  }
  report(1);
  return out.map((p) => [finite(p[0]), finite(p[1])]);
}

function finite(v: number | undefined): number {
  return Number.isFinite(v) ? (v as number) : 0;
}
