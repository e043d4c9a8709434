/**
 * One WebGPU device and everything cached on it: compute pipelines (by WGSL source), storage
 * buffers (with live/peak byte counts), a uniform arena for per-dispatch parameters, and one
 * command encoder that collects dispatches until `flush()` (or a read) submits them.
 *
 * Kernel convention: binding 0 is a uniform struct of u32 fields followed by f32 fields (in
 * that order, see `Params`); bindings 1..n are the storage buffers in the order passed.
 */
import { DeviceLostError, type AdapterSummary } from './device.ts';

export interface Params {
  u?: readonly number[];
  f?: readonly number[];
}

export interface GpuStats {
  liveBytes: number;
  peakBytes: number;
  buffers: number;
  dispatches: number;
  submits: number;
  pipelines: number;
}

export type Binding = GPUBuffer | { buffer: GPUBuffer; offset: number; size: number };

const SLOT = 256; // minUniformBufferOffsetAlignment
const SLOTS = 2048;
const MAX_GROUPS = 65535;

export class GpuContext {
  private pipelines = new Map<string, GPUComputePipeline>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private arena: GPUBuffer;
  private staging = new ArrayBuffer(SLOT * SLOTS);
  private slotsUsed = 0;
  private sizes = new WeakMap<GPUBuffer, number>();
  /** Buffers freed while recorded (unsubmitted) work may still use them. */
  private pendingDestroy: GPUBuffer[] = [];
  private lostReason: string | null = null;
  private firstError: string | null = null;
  readonly stats: GpuStats = { liveBytes: 0, peakBytes: 0, buffers: 0, dispatches: 0, submits: 0, pipelines: 0 };
  /** Resolves when the device is lost, with the reason. */
  readonly lost: Promise<string>;

  constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterSummary,
  ) {
    this.arena = device.createBuffer({ size: SLOT * SLOTS, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: 'params' });
    this.lost = device.lost.then((info) => (this.lostReason = `${info.reason || 'unknown'}: ${info.message || 'no message'}`));
    device.addEventListener?.('uncapturederror', (e) => {
      this.firstError ??= (e as GPUUncapturedErrorEvent).error.message;
    });
  }

  get isLost(): boolean {
    return this.lostReason !== null;
  }

  /** Throws DeviceLostError or the first uncaptured WebGPU error, if any. */
  assertHealthy(): void {
    if (this.lostReason !== null) throw new DeviceLostError(`The GPU device was lost (${this.lostReason}).`);
    if (this.firstError !== null) throw new Error(`WebGPU error: ${this.firstError}`);
  }

  pipeline(code: string): GPUComputePipeline {
    let p = this.pipelines.get(code);
    if (!p) {
      const module = this.device.createShaderModule({ code });
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(code, p);
      this.stats.pipelines++;
    }
    return p;
  }

  createBuffer(bytes: number, label?: string): GPUBuffer {
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const buf = this.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label });
    this.sizes.set(buf, size);
    this.stats.liveBytes += size;
    this.stats.buffers++;
    this.stats.peakBytes = Math.max(this.stats.peakBytes, this.stats.liveBytes);
    return buf;
  }

  destroyBuffer(buf: GPUBuffer): void {
    const size = this.sizes.get(buf);
    if (size === undefined) return;
    this.sizes.delete(buf);
    this.stats.liveBytes -= size;
    this.stats.buffers--;
    if (this.encoder) this.pendingDestroy.push(buf);
    else buf.destroy();
  }

  /** Writes host data into a buffer, after every dispatch recorded so far. */
  upload(buf: GPUBuffer, data: ArrayBufferView, byteOffset = 0): void {
    this.flush();
    this.device.queue.writeBuffer(buf, byteOffset, data.buffer, data.byteOffset, data.byteLength);
  }

  /** Records one compute dispatch; `groups` as returned by `grid()` or explicit. */
  dispatch(code: string, buffers: readonly Binding[], params: Params, groups: readonly [number, number?, number?]): void {
    if (this.slotsUsed === SLOTS) this.flush();
    const slot = this.slotsUsed++;
    const u = params.u ?? [];
    const words = new Uint32Array(this.staging, slot * SLOT, u.length);
    words.set(u.map((x) => x >>> 0));
    new Float32Array(this.staging, slot * SLOT + u.length * 4, (params.f ?? []).length).set(params.f ?? []);
    const pipeline = this.pipeline(code);
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.arena, offset: slot * SLOT, size: SLOT } }];
    buffers.forEach((b, i) => entries.push({ binding: i + 1, resource: 'buffer' in b ? b : { buffer: b } }));
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
    this.stats.dispatches++;
  }

  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  clear(buf: GPUBuffer, byteOffset = 0, bytes?: number): void {
    this.endPass();
    this.commandEncoder().clearBuffer(buf, byteOffset, bytes);
  }

  /** Submits everything recorded so far. */
  flush(): void {
    this.endPass();
    if (!this.encoder) return;
    if (this.slotsUsed > 0) this.device.queue.writeBuffer(this.arena, 0, this.staging, 0, this.slotsUsed * SLOT);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.slotsUsed = 0;
    this.stats.submits++;
    // Destroying after submit is safe: WebGPU frees the memory once the queued work is done.
    for (const b of this.pendingDestroy) b.destroy();
    this.pendingDestroy = [];
  }

  /** Reads `bytes` from `buf` back to the host, after all recorded work. */
  async read(buf: GPUBuffer, byteOffset = 0, bytes?: number): Promise<ArrayBuffer> {
    const size = bytes ?? (this.sizes.get(buf) ?? buf.size) - byteOffset;
    const staging = this.device.createBuffer({ size: Math.max(4, Math.ceil(size / 4) * 4), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(buf, byteOffset, staging, 0, Math.ceil(size / 4) * 4);
    this.flush();
    try {
      await Promise.race([staging.mapAsync(GPUMapMode.READ), this.lost.then((r) => Promise.reject(new DeviceLostError(`The GPU device was lost (${r}).`)))]);
      this.assertHealthy();
      return staging.getMappedRange().slice(0, size);
    } catch (e) {
      this.assertHealthy();
      throw e;
    } finally {
      if (!this.isLost) staging.destroy();
    }
  }

  async readF32(buf: GPUBuffer, offset = 0, count?: number): Promise<Float32Array> {
    return new Float32Array(await this.read(buf, offset * 4, count === undefined ? undefined : count * 4));
  }

  destroy(): void {
    this.flush();
    this.device.destroy();
  }

  private commandEncoder(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private computePass(): GPUComputePassEncoder {
    return (this.pass ??= this.commandEncoder().beginComputePass());
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }
}

/**
 * Workgroup counts for `n` invocations of `wg` threads, spread over x and y when x would pass
 * the 65,535 limit. Kernels rebuild the linear index with `linearIndex()` (see kernels).
 */
export function grid(n: number, wg: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n / wg));
  if (groups <= MAX_GROUPS) return [groups, 1];
  const y = Math.ceil(groups / MAX_GROUPS);
  return [Math.ceil(groups / y), y];
}
