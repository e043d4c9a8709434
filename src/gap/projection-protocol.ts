// The typed protocol between the page and the projection worker: one request per projection,
// answered by progress events and exactly one `done` or `failed` of the same id.

import type { ProjectionMethod } from './projection.ts';

export type ProjectionRequest = {
  type: 'project';
  id: number;
  method: ProjectionMethod;
  seed: number;
  /** Row-major n × dim, transferred rather than copied. */
  data: Float32Array;
  n: number;
  dim: number;
};

export type ProjectionReply =
  | { type: 'progress'; id: number; fraction: number }
  | { type: 'done'; id: number; coords: Float64Array }
  | { type: 'failed'; id: number; message: string };

export function assertNever(x: never): never {
  throw new Error(`unexpected message ${JSON.stringify(x)}`);
}

/** Packs rows into one buffer for transfer. */
export function packRows(rows: readonly ArrayLike<number>[]): { data: Float32Array; n: number; dim: number } {
  const n = rows.length;
  const dim = n ? rows[0].length : 0;
  const data = new Float32Array(n * dim);
  rows.forEach((r, i) => data.set(r, i * dim));
  return { data, n, dim };
}

export function unpackRows(data: Float32Array, n: number, dim: number): Float32Array[] {
  return Array.from({ length: n }, (_, i) => data.subarray(i * dim, (i + 1) * dim));
}
