/**
 * The operations the trainer is made of, as one interface with two implementations: the CPU
 * twins (plain JavaScript, Float32 or Float64, cpu-backend.ts) and the WebGPU kernels
 * (gpu-backend.ts). The model code is written once against this interface, so the whole
 * forward/backward can be run, and compared, on both.
 *
 * Layout: row-major; shapes in comments as [rows, cols]. T tokens, C channels, H query heads,
 * KV key/value heads, hd head size, V vocabulary. Sizes are passed explicitly (as in llm.c).
 */

/** f16: half-precision storage of frozen weights (read as f32 by the kernels; f32 arithmetic). */
export type DType = 'f32' | 'i32' | 'f16';

/** A flat buffer on one backend; `size` is in elements. */
export interface Tensor {
  readonly size: number;
  readonly dtype: DType;
  readonly label: string;
}

export interface MatmulSpec {
  M: number;
  N: number;
  K: number;
  /** A is stored [K, M] (used transposed). */
  transA?: boolean;
  /** B is stored [N, K] (used transposed): y = x · Wᵀ for a PyTorch Linear weight W [out, in]. */
  transB?: boolean;
  alpha?: number;
  /** 0: overwrite C; 1: accumulate into C. */
  beta?: number;
  /** Element offsets into A, B, C. */
  offA?: number;
  offB?: number;
  offC?: number;
}

export interface AdamWParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step, for bias correction. */
  step: number;
  /** Multiplies the gradient first (gradient clipping). */
  gradScale: number;
}

export interface BackendStats {
  liveBytes: number;
  peakBytes: number;
}

export interface Backend {
  readonly kind: 'cpu' | 'webgpu';
  readonly description: string;
  /** the device has `shader-f16` (a real GPU): frozen weights default to f16 storage */
  readonly shaderF16: boolean;

  tensor(size: number, label: string, data?: ArrayLike<number>): Tensor;
  ints(data: ArrayLike<number>, label: string): Tensor;
  /** A frozen tensor stored as float16 (values rounded to nearest even). Only `matmul`'s B and
   *  `embedding`'s table may be f16. */
  halves(data: ArrayLike<number>, label: string): Tensor;
  write(t: Tensor, data: ArrayLike<number>, offset?: number): void;
  read(t: Tensor, offset?: number, count?: number): Promise<Float32Array | Float64Array>;
  free(t: Tensor): void;
  /** Submits queued work (no-op on the CPU). */
  flush(): void;
  stats(): BackendStats;

  /** C[M,N] = alpha · op(A)[M,K] · op(B)[K,N] + beta · C */
  matmul(c: Tensor, a: Tensor, b: Tensor, s: MatmulSpec): void;
  /** t[off .. off+n) = value */
  fill(t: Tensor, value: number, n?: number, off?: number): void;
  /** y[i] += alpha · x[i], i < n */
  axpy(y: Tensor, x: Tensor, n: number, alpha: number): void;
  /** dst[dstOff + i] = src[srcOff + i], i < n */
  copy(dst: Tensor, src: Tensor, n: number, dstOff?: number, srcOff?: number): void;
  /** out[i] (+)= keep(seed, i) ? x[i] / (1 − p) : 0 — the same mask on every backend */
  dropout(out: Tensor, x: Tensor, n: number, p: number, seed: number, accumulate?: boolean): void;

  /** out[T,C] = table[ids[t], :] */
  embedding(out: Tensor, ids: Tensor, table: Tensor, T: number, C: number): void;
  /** dtable[ids[t], :] += dout[t, :] */
  embeddingBackward(dtable: Tensor, ids: Tensor, dout: Tensor, T: number, C: number): void;
  /** out[pos[k], :] = rows[k, :] for k < n (image features at the <image> positions) */
  scatterRows(out: Tensor, rows: Tensor, pos: Tensor, n: number, C: number): void;

  /** out[N,C] = x / rms(x) · w; rstd[N] = 1 / rms(x) */
  rmsnorm(out: Tensor, rstd: Tensor, x: Tensor, w: Tensor, N: number, C: number, eps: number): void;
  /** dx (+)= ∂/∂x; dw += ∂/∂w when given */
  rmsnormBackward(dx: Tensor, dw: Tensor | null, dout: Tensor, x: Tensor, w: Tensor, rstd: Tensor, N: number, C: number, accumulate: boolean): void;

  /**
   * Rotary embedding in place on rows [row0, row0+T) of x [*, heads·hd] at positions pos0 + t,
   * with cs = ropeTable(maxPos, hd, theta) [maxPos, hd/2, 2]; inverse for the backward pass.
   */
  rope(x: Tensor, cs: Tensor, row0: number, T: number, heads: number, hd: number, pos0: number, inverse: boolean): void;

  /**
   * Causal grouped-query attention of T queries after P cached positions.
   * q [T, H·hd]; k, v [≥P+T, KV·hd]; out [T, H·hd]; lse [H, T] (log-sum-exp per row, for the
   * backward pass); scratch ≥ H·T·(P+T).
   */
  attention(out: Tensor, lse: Tensor, q: Tensor, k: Tensor, v: Tensor, T: number, P: number, H: number, KV: number, hd: number, scratch: Tensor): void;
  /** Gradients of attention with P = 0: dq [T, H·hd], dk, dv [T, KV·hd] (overwritten); scratches ≥ H·T·T */
  attentionBackward(
    dq: Tensor, dk: Tensor, dv: Tensor, dout: Tensor, out: Tensor, lse: Tensor, q: Tensor, k: Tensor, v: Tensor,
    T: number, H: number, KV: number, hd: number, scratchP: Tensor, scratchDS: Tensor,
  ): void;

  /** out[n] = silu(gate) · up */
  swiglu(out: Tensor, gate: Tensor, up: Tensor, n: number): void;
  swigluBackward(dgate: Tensor, dup: Tensor, dout: Tensor, gate: Tensor, up: Tensor, n: number): void;

  /**
   * Softmax cross-entropy per row of logits [T, V] against targets [T] (−1: not trained).
   * losses[t] = −log softmax(logits[t])[target] (0 where target < 0). With `grad`, logits is
   * overwritten in place by dlogits = (softmax − onehot) · gradScale (0 where target < 0).
   */
  crossEntropy(losses: Tensor, logits: Tensor, targets: Tensor, T: number, V: number, gradScale: number, grad: boolean): void;

  /** One AdamW step on n parameters (decoupled weight decay, bias-corrected moments). */
  adamw(p: Tensor, g: Tensor, m: Tensor, v: Tensor, n: number, hp: AdamWParams): void;
  /** out[index] = Σ x[i]², i < n */
  sumSquares(out: Tensor, index: number, x: Tensor, n: number): void;
}

/** The dropout mask hash (PCG-style, 32-bit); identical in WGSL (ops/elementwise.ts). */
export function hash32(x: number): number {
  let h = (Math.imul(x >>> 0, 747796405) + 2891336453) >>> 0;
  h = Math.imul(((h >>> ((h >>> 28) + 4)) ^ h) >>> 0, 277803737) >>> 0;
  return ((h >>> 22) ^ h) >>> 0;
}

/** keep element i under dropout p with this seed */
export function dropoutKeep(seed: number, i: number, p: number): boolean {
  return hash32((i ^ hash32(seed)) >>> 0) >= dropoutThreshold(p);
}

export function dropoutThreshold(p: number): number {
  return Math.min(0xffffffff, Math.floor(p * 4294967296));
}
