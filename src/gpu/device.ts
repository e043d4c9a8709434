/**
 * WebGPU device acquisition, shared by the browser (navigator.gpu, also in a Worker) and Node
 * (the `webgpu` package, see node.ts): request an adapter, check what it offers, ask for the
 * limits the trainer needs, and watch for device loss.
 */
import { GpuContext } from './context.ts';

/** No WebGPU here: no `navigator.gpu`, or no adapter. The message says what to do. */
export class GpuUnavailableError extends Error {
  override name = 'GpuUnavailableError';
}

/** The device was lost (driver reset, tab in background too long, destroy()). */
export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
}

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
  /** `shader-f16` is present: f16 arithmetic in WGSL. */
  shaderF16: boolean;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  maxStorageBuffersPerShaderStage: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
}

export interface AcquireOptions {
  powerPreference?: GPUPowerPreference;
  /** Request `shader-f16` when the adapter has it (default true). */
  wantF16?: boolean;
}

/** What the trainer's kernels assume of every device (WebGPU's defaults are at least these). */
export const REQUIRED_LIMITS = {
  maxStorageBuffersPerShaderStage: 8,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupStorageSize: 16384,
} as const;

export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info ?? ({} as GPUAdapterInfo);
  const l = adapter.limits;
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description ?? '',
    isFallbackAdapter: Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter),
    shaderF16: adapter.features.has('shader-f16'),
    maxBufferSize: l.maxBufferSize,
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
  };
}

/** Throws a clear message when the adapter is below what the kernels assume. */
export function assertCapable(s: AdapterSummary): void {
  for (const [name, min] of Object.entries(REQUIRED_LIMITS)) {
    const have = s[name as keyof typeof REQUIRED_LIMITS];
    if (have < min) throw new GpuUnavailableError(`The WebGPU adapter has ${name} = ${have}; the trainer needs at least ${min}.`);
  }
}

/** Human-readable one-liner: "google swiftshader (fallback), no shader-f16". */
export function describeAdapter(s: AdapterSummary): string {
  const name = [s.vendor, s.architecture, s.description].filter(Boolean).join(' ') || 'unknown adapter';
  return `${name}${s.isFallbackAdapter ? ' (fallback)' : ''}, ${s.shaderF16 ? 'shader-f16' : 'no shader-f16'}`;
}

/**
 * Acquires a device from `gpu` (navigator.gpu in a page or Worker, the Dawn GPU object in Node)
 * and wraps it in a GpuContext. Throws GpuUnavailableError with a reason when there is none.
 */
export async function acquireDevice(gpu: GPU | undefined, opts: AcquireOptions = {}, platformHint = ''): Promise<GpuContext> {
  if (!gpu) throw new GpuUnavailableError(`WebGPU is not available here (no navigator.gpu).${platformHint}`);
  const adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
  if (!adapter) throw new GpuUnavailableError(`WebGPU is present but no adapter was found.${platformHint}`);
  const summary = summarizeAdapter(adapter);
  assertCapable(summary);
  const features: GPUFeatureName[] = [];
  if (summary.shaderF16 && opts.wantF16 !== false) features.push('shader-f16');
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures: features,
    requiredLimits: {
      maxBufferSize: l.maxBufferSize,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
    },
  });
  return new GpuContext(device, { ...summary, shaderF16: features.includes('shader-f16') });
}
