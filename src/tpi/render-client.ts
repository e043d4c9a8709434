// The page's render pool: one module worker per core (at most 8: a TPI takes milliseconds, and
// every worker holds its own copy of the fonts, 7 MB with the Japanese one).
import { RenderPool } from './render-pool.ts';

export function defaultPoolSize(): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : 0;
  return Math.max(1, Math.min(8, cores || 2));
}

let pool: RenderPool | null = null;

export function renderPool(): RenderPool {
  pool ??= new RenderPool(() => new Worker(new URL('./render.worker.ts', import.meta.url), { type: 'module', name: 'tpi-render' }), defaultPoolSize());
  return pool;
}
