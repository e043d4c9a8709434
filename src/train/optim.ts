/**
 * The optimizer state of the trainable tensors (the LoRA A and B matrices): AdamW moments,
 * gradient zeroing, and global-norm gradient clipping as torch.nn.utils.clip_grad_norm_:
 *   norm = sqrt(Σ_params Σ g²),  scale = min(1, maxNorm / (norm + 1e-6))
 * The scale is applied inside the AdamW kernel, so clipping costs no extra pass.
 */
import type { Backend, Tensor } from './backend.ts';

export interface TrainableParam {
  name: string;
  p: Tensor;
  g: Tensor;
  size: number;
}

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const ADAMW_DEFAULTS: AdamWConfig = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

export function clipScale(norm: number, maxNorm: number): number {
  if (!(maxNorm > 0)) return 1;
  return Math.min(1, maxNorm / (norm + 1e-6));
}

export class AdamW {
  private m: Tensor[];
  private v: Tensor[];
  private norms: Tensor;

  constructor(
    private be: Backend,
    readonly params: readonly TrainableParam[],
    readonly config: AdamWConfig = ADAMW_DEFAULTS,
  ) {
    this.m = params.map((q) => be.tensor(q.size, `${q.name}.adam_m`));
    this.v = params.map((q) => be.tensor(q.size, `${q.name}.adam_v`));
    this.m.forEach((t) => be.fill(t, 0));
    this.v.forEach((t) => be.fill(t, 0));
    this.norms = be.tensor(Math.max(1, params.length), 'grad_sumsq');
  }

  zeroGrad(): void {
    for (const q of this.params) this.be.fill(q.g, 0);
  }

  /** The global L2 norm of all gradients (one read back from the device). */
  async gradNorm(): Promise<number> {
    this.params.forEach((q, i) => this.be.sumSquares(this.norms, i, q.g, q.size));
    const sums = await this.be.read(this.norms, 0, this.params.length);
    let total = 0;
    for (const s of sums) total += s;
    return Math.sqrt(total);
  }

  /** One AdamW update of every parameter; `step` is 1-based. */
  step(lr: number, step: number, gradScale = 1): void {
    const c = this.config;
    this.params.forEach((q, i) =>
      this.be.adamw(q.p, q.g, this.m[i], this.v[i], q.size, { lr, step, gradScale, beta1: c.beta1, beta2: c.beta2, eps: c.eps, weightDecay: c.weightDecay }),
    );
  }

  /** Moments, for saving a resumable state. */
  async moments(): Promise<{ m: Float32Array[]; v: Float32Array[] }> {
    const m = await Promise.all(this.m.map((t) => this.be.read(t)));
    const v = await Promise.all(this.v.map((t) => this.be.read(t)));
    return { m: m.map((x) => Float32Array.from(x)), v: v.map((x) => Float32Array.from(x)) };
  }

  dispose(): void {
    [...this.m, ...this.v, this.norms].forEach((t) => this.be.free(t));
  }
}
