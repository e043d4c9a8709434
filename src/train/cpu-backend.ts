/**
 * The CPU twins as a Backend: plain JavaScript over Float32Array (what the GPU computes) or
 * Float64Array (for gradient checks against finite differences). Also the fallback trainer
 * where no WebGPU adapter exists.
 */
import type { AdamWParams, Backend, BackendStats, MatmulSpec, Tensor } from './backend.ts';
import { adamwCpu, sumSquaresCpu } from './ops/adamw.ts';
import { attentionBackwardCpu, attentionCpu } from './ops/attention.ts';
import { crossEntropyCpu } from './ops/cross-entropy.ts';
import { axpyCpu, dropoutCpu, swigluBackwardCpu, swigluCpu } from './ops/elementwise.ts';
import { embeddingBackwardCpu, embeddingCpu, scatterRowsCpu } from './ops/embedding.ts';
import { matmulCpu, type Arr } from './ops/matmul.ts';
import { rmsnormBackwardCpu, rmsnormCpu } from './ops/rmsnorm.ts';
import { ropeCpu } from './ops/rope.ts';
import { f16ToF32, f32ToF16 } from '../vlm/tensors.ts';

export class CpuTensor implements Tensor {
  constructor(
    readonly data: Arr | Int32Array,
    readonly dtype: 'f32' | 'i32' | 'f16',
    readonly label: string,
  ) {}
  get size(): number {
    return this.data.length;
  }
}

export class CpuBackend implements Backend {
  readonly kind = 'cpu' as const;
  readonly description: string;
  readonly shaderF16 = false;
  private live = 0;
  private peak = 0;

  constructor(private readonly Float: Float32ArrayConstructor | Float64ArrayConstructor = Float32Array) {
    this.description = `CPU (JavaScript, ${Float === Float64Array ? 'float64' : 'float32'})`;
  }

  tensor(size: number, label: string, data?: ArrayLike<number>): Tensor {
    const t = new CpuTensor(new this.Float(size), 'f32', label);
    if (data) (t.data as Arr).set(data);
    return this.track(t);
  }

  ints(data: ArrayLike<number>, label: string): Tensor {
    return this.track(new CpuTensor(Int32Array.from(data), 'i32', label));
  }

  halves(data: ArrayLike<number>, label: string): Tensor {
    const out = new this.Float(data.length);
    for (let i = 0; i < data.length; i++) out[i] = f16ToF32(f32ToF16(data[i]));
    return this.track(new CpuTensor(out, 'f16', label), 2);
  }

  write(t: Tensor, data: ArrayLike<number>, offset = 0): void {
    (t as CpuTensor).data.set(data, offset);
  }

  async read(t: Tensor, offset = 0, count?: number): Promise<Float32Array | Float64Array> {
    const d = (t as CpuTensor).data;
    const slice = d.slice(offset, count === undefined ? undefined : offset + count);
    return slice instanceof Int32Array ? Float64Array.from(slice) : slice;
  }

  free(t: Tensor): void {
    const c = t as CpuTensor;
    this.live -= c.data.length * (c.dtype === 'f16' ? 2 : c.data.BYTES_PER_ELEMENT);
  }

  flush(): void {}

  stats(): BackendStats {
    return { liveBytes: this.live, peakBytes: this.peak };
  }

  matmul(c: Tensor, a: Tensor, b: Tensor, s: MatmulSpec): void {
    matmulCpu(f(c), f(a), f(b), s);
  }
  fill(t: Tensor, value: number, n?: number, off = 0): void {
    f(t).fill(value, off, n === undefined ? undefined : off + n);
  }
  axpy(y: Tensor, x: Tensor, n: number, alpha: number): void {
    axpyCpu(f(y), f(x), n, alpha);
  }
  copy(dst: Tensor, src: Tensor, n: number, dstOff = 0, srcOff = 0): void {
    f(dst).set(f(src).subarray(srcOff, srcOff + n), dstOff);
  }
  dropout(out: Tensor, x: Tensor, n: number, p: number, seed: number, accumulate = false): void {
    dropoutCpu(f(out), f(x), n, p, seed, accumulate);
  }
  embedding(out: Tensor, ids: Tensor, table: Tensor, T: number, C: number): void {
    embeddingCpu(f(out), i32(ids), f(table), T, C);
  }
  embeddingBackward(dtable: Tensor, ids: Tensor, dout: Tensor, T: number, C: number): void {
    embeddingBackwardCpu(f(dtable), i32(ids), f(dout), T, C);
  }
  scatterRows(out: Tensor, rows: Tensor, pos: Tensor, n: number, C: number): void {
    scatterRowsCpu(f(out), f(rows), i32(pos), n, C);
  }
  rmsnorm(out: Tensor, rstd: Tensor, x: Tensor, w: Tensor, N: number, C: number, eps: number): void {
    rmsnormCpu(f(out), f(rstd), f(x), f(w), N, C, eps);
  }
  rmsnormBackward(dx: Tensor, dw: Tensor | null, dout: Tensor, x: Tensor, w: Tensor, rstd: Tensor, N: number, C: number, accumulate: boolean): void {
    rmsnormBackwardCpu(f(dx), dw ? f(dw) : null, f(dout), f(x), f(w), f(rstd), N, C, accumulate);
  }
  rope(x: Tensor, cs: Tensor, row0: number, T: number, heads: number, hd: number, pos0: number, inverse: boolean): void {
    ropeCpu(f(x), f(cs), row0, T, heads, hd, pos0, inverse);
  }
  attention(out: Tensor, lse: Tensor, q: Tensor, k: Tensor, v: Tensor, T: number, P: number, H: number, KV: number, hd: number): void {
    attentionCpu(f(out), f(lse), f(q), f(k), f(v), T, P, H, KV, hd);
  }
  attentionBackward(
    dq: Tensor, dk: Tensor, dv: Tensor, dout: Tensor, out: Tensor, lse: Tensor, q: Tensor, k: Tensor, v: Tensor,
    T: number, H: number, KV: number, hd: number,
  ): void {
    attentionBackwardCpu(f(dq), f(dk), f(dv), f(dout), f(out), f(lse), f(q), f(k), f(v), T, H, KV, hd);
  }
  swiglu(out: Tensor, gate: Tensor, up: Tensor, n: number): void {
    swigluCpu(f(out), f(gate), f(up), n);
  }
  swigluBackward(dgate: Tensor, dup: Tensor, dout: Tensor, gate: Tensor, up: Tensor, n: number): void {
    swigluBackwardCpu(f(dgate), f(dup), f(dout), f(gate), f(up), n);
  }
  crossEntropy(losses: Tensor, logits: Tensor, targets: Tensor, T: number, V: number, gradScale: number, grad: boolean): void {
    crossEntropyCpu(f(losses), f(logits), i32(targets), T, V, gradScale, grad);
  }
  adamw(p: Tensor, g: Tensor, m: Tensor, v: Tensor, n: number, hp: AdamWParams): void {
    adamwCpu(f(p), f(g), f(m), f(v), n, hp);
  }
  sumSquares(out: Tensor, index: number, x: Tensor, n: number): void {
    sumSquaresCpu(f(out), index, f(x), n);
  }

  /** Counts the bytes the tensor would take on a GPU (halves: 2 per value). */
  private track(t: CpuTensor, bytesPerValue = t.data.BYTES_PER_ELEMENT): Tensor {
    this.live += t.data.length * bytesPerValue;
    this.peak = Math.max(this.peak, this.live);
    return t;
  }
}

function f(t: Tensor): Arr {
  return (t as CpuTensor).data as Arr;
}
function i32(t: Tensor): Int32Array {
  return (t as CpuTensor).data as Int32Array;
}
