/**
 * A frozen linear layer with an optional LoRA adapter (Hu et al. 2021; PEFT's lora.Linear):
 *   y[T, out] = x[T, in] · Wᵀ + s · drop(x) · Aᵀ · Bᵀ,   s = alpha / r,  A [r, in],  B [out, r]
 * W is frozen; only A and B get gradients:
 *   dB += s · dyᵀ · h      (h = drop(x) · Aᵀ, saved [T, r])
 *   dh  = s · dy · B       dA += dhᵀ · drop(x)
 *   dx  = dy · W + drop'(dh · A)
 */
import type { Backend, Tensor } from './backend.ts';

export interface LoraModule {
  /** HF module path, e.g. model.text_model.layers.0.self_attn.q_proj */
  name: string;
  rank: number;
  inF: number;
  outF: number;
  /** alpha / r (or alpha / sqrt(r) for rsLoRA) */
  scale: number;
  A: Tensor;
  B: Tensor;
  dA: Tensor;
  dB: Tensor;
}

/** Per-sequence activations a LoRA module keeps for its backward pass. */
export interface LoraSaved {
  /** [T, r] */
  h: Tensor;
  /** drop(x) [T, in]; null when dropout is off (x itself is used) */
  xd: Tensor | null;
}

export interface LoraScratch {
  /** [T, r] */
  dh: Tensor;
  /** [T, in], only with dropout */
  dxd: Tensor | null;
}

export interface Dropout {
  p: number;
  seed: number;
}

export interface LinearOpts {
  /** add into y instead of overwriting it */
  accumulate?: boolean;
  /** element offset of y's first row (writing into a key/value cache) */
  offY?: number;
  lora?: { m: LoraModule; saved: LoraSaved; dropout: Dropout | null } | null;
}

export function linearForward(be: Backend, y: Tensor, x: Tensor, W: Tensor, T: number, inF: number, outF: number, o: LinearOpts = {}): void {
  const offC = o.offY ?? 0;
  be.matmul(y, x, W, { M: T, N: outF, K: inF, transB: true, beta: o.accumulate ? 1 : 0, offC });
  if (!o.lora) return;
  const { m, saved, dropout } = o.lora;
  let xd = x;
  if (dropout && dropout.p > 0 && saved.xd) {
    be.dropout(saved.xd, x, T * inF, dropout.p, dropout.seed);
    xd = saved.xd;
  }
  be.matmul(saved.h, xd, m.A, { M: T, N: m.rank, K: inF, transB: true });
  be.matmul(y, saved.h, m.B, { M: T, N: outF, K: m.rank, transB: true, alpha: m.scale, beta: 1, offC });
}

/**
 * dx (accumulated when `accumulateDx`) and, with a LoRA, dA/dB accumulated (gradient
 * accumulation across micro-batches: zero them once per optimizer step). dx may be null when
 * no one needs it (the first layer's input).
 */
export function linearBackward(
  be: Backend,
  dx: Tensor | null,
  dy: Tensor,
  x: Tensor,
  W: Tensor,
  T: number,
  inF: number,
  outF: number,
  accumulateDx: boolean,
  lora?: { m: LoraModule; saved: LoraSaved; dropout: Dropout | null; scratch: LoraScratch } | null,
): void {
  if (dx) be.matmul(dx, dy, W, { M: T, N: inF, K: outF, beta: accumulateDx ? 1 : 0 });
  if (!lora) return;
  const { m, saved, dropout, scratch } = lora;
  const dropping = dropout !== null && dropout.p > 0 && saved.xd !== null;
  const xd = dropping ? saved.xd! : x;
  be.matmul(m.dB, dy, saved.h, { M: outF, N: m.rank, K: T, transA: true, alpha: m.scale, beta: 1 });
  be.matmul(scratch.dh, dy, m.B, { M: T, N: m.rank, K: outF, alpha: m.scale });
  be.matmul(m.dA, scratch.dh, xd, { M: m.rank, N: inF, K: T, transA: true, beta: 1 });
  if (!dx) return;
  if (dropping && scratch.dxd) {
    be.matmul(scratch.dxd, scratch.dh, m.A, { M: T, N: inF, K: m.rank });
    // drop' applies the same mask and 1/(1−p): dropout of the gradient with the same seed.
    be.dropout(dx, scratch.dxd, T * inF, dropout!.p, dropout!.seed, true);
  } else {
    be.matmul(dx, scratch.dh, m.A, { M: T, N: inF, K: m.rank, beta: 1 });
  }
}
