// Seeded PRNG so projections and tests are reproducible run to run and machine to machine
// (Math.random cannot be seeded).

/** mulberry32 (Tommy Ettinger, public domain): 32-bit state, uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples by Box–Muller over a uniform source. */
export function gaussian(uniform: () => number): () => number {
  return () => {
    // 1 - u lies in (0, 1], so the log is finite.
    const u = 1 - uniform();
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}
