/** Helpers shared by the trainer's tests: seeded data, closeness, finite differences. */
import { expect } from 'vitest';
import type { Backend, Tensor } from './backend.ts';

/** Deterministic values in [-scale, scale) (an LCG, independent of the trainer's PRNGs). */
export function rand(n: number, seed: number, scale = 1): Float64Array {
  let s = seed >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * scale;
  }
  return out;
}

/** max |a − b| / (atol + rtol · |b|) ≤ 1, with a readable failure. */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol = 0, what = 'values'): void {
  expect(a.length, `${what}: length`).toBe(b.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - b[i]);
    const err = diff === 0 ? 0 : diff / (atol + rtol * Math.abs(b[i]));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${what}: worst at ${at}: ${a[at]} vs ${b[at]} (atol ${atol}, rtol ${rtol})`).toBeLessThanOrEqual(1);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Central finite differences of a scalar function with respect to every element of `x`
 * (perturbed in place and restored).
 */
export function numericGrad(x: Float64Array, loss: () => number, eps = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const keep = x[i];
    x[i] = keep + eps;
    const up = loss();
    x[i] = keep - eps;
    const down = loss();
    x[i] = keep;
    g[i] = (up - down) / (2 * eps);
  }
  return g;
}

/** Σ w · out: a scalar whose gradient with respect to `out` is w. */
export function weightedSum(out: ArrayLike<number>, w: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i] * w[i];
  return s;
}

/** Uploads the same data to two backends. */
export function twin(a: Backend, b: Backend, data: ArrayLike<number>, label: string): [Tensor, Tensor] {
  return [a.tensor(data.length, label, data), b.tensor(data.length, label, data)];
}

export async function readBoth(a: Backend, ta: Tensor, b: Backend, tb: Tensor): Promise<[Float32Array | Float64Array, Float32Array | Float64Array]> {
  return [await a.read(ta), await b.read(tb)];
}
