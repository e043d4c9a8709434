// Seeded random numbers that are identical on every JavaScript engine.
//
// mulberry32 uses only 32-bit integer arithmetic, and the "normal" samples are Irwin–Hall sums
// (12 uniforms − 6: mean 0, variance 1, bell-shaped, bounded by ±6). No Math.log/cos/sqrt is
// involved, so the weights do not depend on how an engine implements transcendental functions:
// the generated files are byte-identical across Node versions and platforms.

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1), 32 bits of resolution (mulberry32). */
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Approximately standard normal (Irwin–Hall with 12 terms). */
  normal(): number {
    let s = 0;
    for (let i = 0; i < 12; i++) s += this.uniform();
    return s - 6;
  }

  /** float32 array of `n` values ~ N(mean, std²), rounded to float32. */
  normalArray(n: number, std: number, mean = 0): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.normal();
    return out;
  }
}
