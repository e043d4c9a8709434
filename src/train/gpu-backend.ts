/**
 * The WebGPU kernels as a Backend. Every method records dispatches on the context's encoder;
 * nothing waits for the GPU until a read. Kernel sources live next to their CPU twins in ops/.
 */
import { grid, type GpuContext } from '../gpu/context.ts';
import { hash32, type AdamWParams, type Backend, type BackendStats, type MatmulSpec, type Tensor } from './backend.ts';
import { ADAMW_WGSL, adamwParams, SUM_SQUARES_SIMPLE_WGSL, SUM_SQUARES_WGSL } from './ops/adamw.ts';
import { ATTN_DKV_WGSL, ATTN_DQ_WGSL, ATTN_DS_WGSL, ATTN_PV_WGSL, ATTN_SCORES_WGSL, ATTN_SOFTMAX_WGSL } from './ops/attention-wgsl.ts';
import { CROSS_ENTROPY_SIMPLE_WGSL, CROSS_ENTROPY_WGSL } from './ops/cross-entropy.ts';
import { AXPY_WGSL, COPY_WGSL, DROPOUT_WGSL, dropoutParams, FILL_WGSL, SWIGLU_BACKWARD_WGSL, SWIGLU_WGSL } from './ops/elementwise.ts';
import { EMBEDDING_BACKWARD_WGSL, EMBEDDING_F16_WGSL, EMBEDDING_WGSL, SCATTER_ROWS_WGSL } from './ops/embedding.ts';
import { matmulSimpleWgsl, matmulWgsl, MM_TILE } from './ops/matmul.ts';
import { RMSNORM_BACKWARD_WGSL, RMSNORM_DW_WGSL, RMSNORM_WGSL } from './ops/rmsnorm.ts';
import { ROPE_WGSL } from './ops/rope.ts';
import { WG1D } from './ops/wgsl.ts';
import { f16ToF32, f32ToF16 } from '../vlm/tensors.ts';

export class GpuTensor implements Tensor {
  constructor(
    readonly buffer: GPUBuffer,
    readonly size: number,
    readonly dtype: 'f32' | 'i32' | 'f16',
    readonly label: string,
  ) {}
}

/**
 * 'tiled': workgroup-memory tiles and tree reductions (real GPUs). 'simple': no workgroup
 * memory or barriers (CPU-emulated adapters such as SwiftShader, where barriers are costly).
 */
export type KernelSet = 'tiled' | 'simple';

export class GpuBackend implements Backend {
  readonly kind = 'webgpu' as const;
  readonly description: string;
  readonly kernels: KernelSet;
  readonly shaderF16: boolean;
  private matmulKernels = new Map<string, string>();

  constructor(
    readonly ctx: GpuContext,
    kernels?: KernelSet,
  ) {
    const a = ctx.adapter;
    this.kernels = kernels ?? (a.isFallbackAdapter || a.architecture === 'swiftshader' ? 'simple' : 'tiled');
    this.shaderF16 = a.shaderF16;
    this.description = `WebGPU (${[a.vendor, a.architecture, a.description].filter(Boolean).join(' ') || 'adapter'}${a.isFallbackAdapter ? ', fallback' : ''}; ${this.kernels} kernels)`;
  }

  tensor(size: number, label: string, data?: ArrayLike<number>): Tensor {
    const t = new GpuTensor(this.ctx.createBuffer(size * 4, label), size, 'f32', label);
    if (data) this.write(t, data);
    return t;
  }

  ints(data: ArrayLike<number>, label: string): Tensor {
    const t = new GpuTensor(this.ctx.createBuffer(data.length * 4, label), data.length, 'i32', label);
    this.ctx.upload(t.buffer, Int32Array.from(data));
    return t;
  }

  halves(data: ArrayLike<number>, label: string): Tensor {
    const h = new Uint16Array(data.length + (data.length % 2));
    for (let i = 0; i < data.length; i++) h[i] = f32ToF16(data[i]);
    const t = new GpuTensor(this.ctx.createBuffer(h.byteLength, label), data.length, 'f16', label);
    this.ctx.upload(t.buffer, h);
    return t;
  }

  write(t: Tensor, data: ArrayLike<number>, offset = 0): void {
    if (t.dtype === 'f16') throw new Error(`${t.label} is float16 (frozen): it cannot be written.`);
    const arr = (t as GpuTensor).dtype === 'i32' ? Int32Array.from(data) : data instanceof Float32Array ? data : Float32Array.from(data);
    this.ctx.upload(buf(t), arr, offset * 4);
  }

  async read(t: Tensor, offset = 0, count?: number): Promise<Float32Array> {
    if (t.dtype === 'f16') {
      const n = count ?? t.size - offset;
      const halves = new Uint16Array(await this.ctx.read(buf(t)), offset * 2, n);
      return Float32Array.from(halves, f16ToF32);
    }
    const data = await this.ctx.read(buf(t), offset * 4, (count ?? t.size - offset) * 4);
    return (t as GpuTensor).dtype === 'i32' ? Float32Array.from(new Int32Array(data)) : new Float32Array(data);
  }

  free(t: Tensor): void {
    this.ctx.destroyBuffer(buf(t));
  }

  flush(): void {
    this.ctx.flush();
  }

  stats(): BackendStats {
    return { liveBytes: this.ctx.stats.liveBytes, peakBytes: this.ctx.stats.peakBytes };
  }

  matmul(c: Tensor, a: Tensor, b: Tensor, s: MatmulSpec): void {
    if (a.dtype !== 'f32' || c.dtype !== 'f32') throw new Error(`matmul: only B may be float16 (${a.label}, ${c.label}).`);
    const half = b.dtype === 'f16';
    const key = `${s.transA ? 1 : 0}${s.transB ? 1 : 0}${half ? 'h' : ''}`;
    let code = this.matmulKernels.get(key);
    const make = this.kernels === 'tiled' ? matmulWgsl : matmulSimpleWgsl;
    if (!code) this.matmulKernels.set(key, (code = make(!!s.transA, !!s.transB, half)));
    const u = [s.M, s.N, s.K, s.offA ?? 0, s.offB ?? 0, s.offC ?? 0];
    const tile = this.kernels === 'tiled' ? MM_TILE : 32; // simple: 8×8 invocations × 4×4 each
    this.ctx.dispatch(code, [buf(a), buf(b), buf(c)], { u, f: [s.alpha ?? 1, s.beta ?? 0] }, [Math.ceil(s.N / tile), Math.ceil(s.M / tile)]);
  }

  fill(t: Tensor, value: number, n = t.size, off = 0): void {
    this.ctx.dispatch(FILL_WGSL, [buf(t)], { u: [n, off], f: [value] }, grid(n, WG1D));
  }

  axpy(y: Tensor, x: Tensor, n: number, alpha: number): void {
    this.ctx.dispatch(AXPY_WGSL, [buf(y), buf(x)], { u: [n], f: [alpha] }, grid(n, WG1D));
  }

  copy(dst: Tensor, src: Tensor, n: number, dstOff = 0, srcOff = 0): void {
    this.ctx.dispatch(COPY_WGSL, [buf(dst), buf(src)], { u: [n, dstOff, srcOff] }, grid(n, WG1D));
  }

  dropout(out: Tensor, x: Tensor, n: number, p: number, seed: number, accumulate = false): void {
    this.ctx.dispatch(DROPOUT_WGSL, [buf(out), buf(x)], dropoutParams(n, p, hash32(seed), accumulate), grid(n, WG1D));
  }

  embedding(out: Tensor, ids: Tensor, table: Tensor, T: number, C: number): void {
    const code = table.dtype === 'f16' ? EMBEDDING_F16_WGSL : EMBEDDING_WGSL;
    this.ctx.dispatch(code, [buf(out), buf(ids), buf(table)], { u: [T * C, C] }, grid(T * C, WG1D));
  }

  embeddingBackward(dtable: Tensor, ids: Tensor, dout: Tensor, T: number, C: number): void {
    this.ctx.dispatch(EMBEDDING_BACKWARD_WGSL, [buf(dtable), buf(ids), buf(dout)], { u: [C, T] }, grid(C, WG1D));
  }

  scatterRows(out: Tensor, rows: Tensor, pos: Tensor, n: number, C: number): void {
    this.ctx.dispatch(SCATTER_ROWS_WGSL, [buf(out), buf(rows), buf(pos)], { u: [n * C, C] }, grid(n * C, WG1D));
  }

  rmsnorm(out: Tensor, rstd: Tensor, x: Tensor, w: Tensor, N: number, C: number, eps: number): void {
    this.ctx.dispatch(RMSNORM_WGSL, [buf(out), buf(rstd), buf(x), buf(w)], { u: [N, C], f: [eps] }, grid(N, WG1D));
  }

  rmsnormBackward(dx: Tensor, dw: Tensor | null, dout: Tensor, x: Tensor, w: Tensor, rstd: Tensor, N: number, C: number, accumulate: boolean): void {
    this.ctx.dispatch(RMSNORM_BACKWARD_WGSL, [buf(dx), buf(dout), buf(x), buf(w), buf(rstd)], { u: [N, C, accumulate ? 1 : 0] }, grid(N, WG1D));
    if (dw) this.ctx.dispatch(RMSNORM_DW_WGSL, [buf(dw), buf(dout), buf(x), buf(rstd)], { u: [C, N] }, grid(C, WG1D));
  }

  rope(x: Tensor, cs: Tensor, row0: number, T: number, heads: number, hd: number, pos0: number, inverse: boolean): void {
    const n = (T * heads * hd) / 2;
    this.ctx.dispatch(ROPE_WGSL, [buf(x), buf(cs)], { u: [n, row0, heads, hd, pos0], f: [inverse ? -1 : 1] }, grid(n, WG1D));
  }

  attention(out: Tensor, lse: Tensor, q: Tensor, k: Tensor, v: Tensor, T: number, P: number, H: number, KV: number, hd: number, scratch: Tensor): void {
    const scale = 1 / Math.sqrt(hd);
    const nS = H * T * (P + T);
    this.ctx.dispatch(ATTN_SCORES_WGSL, [buf(scratch), buf(q), buf(k)], { u: [nS, T, P, H, KV, hd], f: [scale] }, grid(nS, WG1D));
    this.ctx.dispatch(ATTN_SOFTMAX_WGSL, [buf(scratch), buf(lse)], { u: [H * T, T, P] }, grid(H * T, WG1D));
    const nO = T * H * hd;
    this.ctx.dispatch(ATTN_PV_WGSL, [buf(out), buf(scratch), buf(v)], { u: [nO, T, P, H, KV, hd] }, grid(nO, WG1D));
  }

  attentionBackward(
    dq: Tensor, dk: Tensor, dv: Tensor, dout: Tensor, out: Tensor, lse: Tensor, q: Tensor, k: Tensor, v: Tensor,
    T: number, H: number, KV: number, hd: number, scratchP: Tensor, scratchDS: Tensor,
  ): void {
    const scale = 1 / Math.sqrt(hd);
    const dims = (n: number) => ({ u: [n, T, 0, H, KV, hd], f: [scale] });
    const nS = H * T * T;
    this.ctx.dispatch(ATTN_DS_WGSL, [buf(scratchP), buf(scratchDS), buf(q), buf(k), buf(v), buf(dout), buf(out), buf(lse)], dims(nS), grid(nS, WG1D));
    const nQ = T * H * hd;
    this.ctx.dispatch(ATTN_DQ_WGSL, [buf(dq), buf(scratchDS), buf(k)], dims(nQ), grid(nQ, WG1D));
    const nK = T * KV * hd;
    this.ctx.dispatch(ATTN_DKV_WGSL, [buf(dk), buf(dv), buf(scratchP), buf(scratchDS), buf(q), buf(dout)], dims(nK), grid(nK, WG1D));
  }

  swiglu(out: Tensor, gate: Tensor, up: Tensor, n: number): void {
    this.ctx.dispatch(SWIGLU_WGSL, [buf(out), buf(gate), buf(up)], { u: [n] }, grid(n, WG1D));
  }

  swigluBackward(dgate: Tensor, dup: Tensor, dout: Tensor, gate: Tensor, up: Tensor, n: number): void {
    this.ctx.dispatch(SWIGLU_BACKWARD_WGSL, [buf(dgate), buf(dup), buf(dout), buf(gate), buf(up)], { u: [n] }, grid(n, WG1D));
  }

  crossEntropy(losses: Tensor, logits: Tensor, targets: Tensor, T: number, V: number, gradScale: number, grad: boolean): void {
    const bufs = [buf(losses), buf(logits), buf(targets)];
    if (this.kernels === 'tiled') this.ctx.dispatch(CROSS_ENTROPY_WGSL, bufs, { u: [V, grad ? 1 : 0], f: [gradScale] }, [T]);
    else this.ctx.dispatch(CROSS_ENTROPY_SIMPLE_WGSL, bufs, { u: [T, V, grad ? 1 : 0], f: [gradScale] }, grid(T, WG1D));
  }

  adamw(p: Tensor, g: Tensor, m: Tensor, v: Tensor, n: number, hp: AdamWParams): void {
    this.ctx.dispatch(ADAMW_WGSL, [buf(p), buf(g), buf(m), buf(v)], adamwParams(n, hp), grid(n, WG1D));
  }

  sumSquares(out: Tensor, index: number, x: Tensor, n: number): void {
    this.ctx.dispatch(this.kernels === 'tiled' ? SUM_SQUARES_WGSL : SUM_SQUARES_SIMPLE_WGSL, [buf(out), buf(x)], { u: [n, index] }, [1]);
  }
}

function buf(t: Tensor): GPUBuffer {
  return (t as GpuTensor).buffer;
}
