/**
 * Device and dtype choice. WebGPU when an adapter exists, WASM otherwise; half-precision
 * files only when the adapter has `shader-f16` (SwiftShader and many older GPUs lack it).
 */
export type Device = 'webgpu' | 'wasm';
export type Dtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';
export type SessionName = 'embed_tokens' | 'vision_encoder' | 'decoder_model_merged';
export type DtypeMap = Record<SessionName, Dtype>;

/** The dtypes a model ships for each situation. */
export interface DtypePlan {
  webgpuF16: DtypeMap;
  webgpu: DtypeMap;
  wasm: DtypeMap;
}

export interface GpuCapabilities {
  /** A WebGPU adapter could be requested. */
  webgpu: boolean;
  /** The adapter has the `shader-f16` feature. */
  shaderF16: boolean;
  /** Adapter description for display, e.g. "google swiftshader (fallback)". */
  adapterInfo?: string;
}

export type DevicePreference = Device | 'auto';

export interface RuntimeChoice {
  device: Device;
  dtypes: DtypeMap;
  /** Why this device: shown to the user. */
  reason: string;
}

export function chooseRuntime(plan: DtypePlan, caps: GpuCapabilities, preference: DevicePreference): RuntimeChoice {
  if (preference === 'wasm') {
    return { device: 'wasm', dtypes: plan.wasm, reason: 'WASM chosen by the user.' };
  }
  if (!caps.webgpu) {
    const reason =
      preference === 'webgpu'
        ? 'WebGPU was requested but this browser has no WebGPU adapter; using WASM.'
        : 'No WebGPU adapter in this browser; using WASM.';
    return { device: 'wasm', dtypes: plan.wasm, reason };
  }
  const dtypes = caps.shaderF16 ? plan.webgpuF16 : plan.webgpu;
  const how = preference === 'webgpu' ? 'chosen by the user' : 'adapter found';
  const f16 = caps.shaderF16 ? 'with shader-f16' : 'without shader-f16, so 32-bit activations';
  return { device: 'webgpu', dtypes, reason: `WebGPU (${how}, ${f16}).` };
}

/** A short label such as "q4f16" or "fp32 / q4" for the status line. */
export function describeDtypes(d: DtypeMap): string {
  const uniq = [...new Set([d.vision_encoder, d.decoder_model_merged])];
  return uniq.join(' / ');
}

export function parseDevicePreference(raw: string | null | undefined): DevicePreference | null {
  if (raw === null || raw === undefined || raw === '') return 'auto';
  return raw === 'webgpu' || raw === 'wasm' || raw === 'auto' ? raw : null;
}
