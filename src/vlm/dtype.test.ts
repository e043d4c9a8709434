import { describe, expect, it } from 'vitest';
import { chooseRuntime, describeDtypes, parseDevicePreference, type DtypePlan, type GpuCapabilities } from './dtype.ts';

// Three distinct maps so that each test can tell which one was chosen.
const PLAN: DtypePlan = {
  webgpuF16: { embed_tokens: 'fp16', vision_encoder: 'fp16', decoder_model_merged: 'q4f16' },
  webgpu: { embed_tokens: 'fp32', vision_encoder: 'fp32', decoder_model_merged: 'q4' },
  wasm: { embed_tokens: 'q8', vision_encoder: 'q8', decoder_model_merged: 'q8' },
};

const NO_GPU: GpuCapabilities = { webgpu: false, shaderF16: false };
const GPU_NO_F16: GpuCapabilities = { webgpu: true, shaderF16: false, adapterInfo: 'google swiftshader (software)' };
const GPU_F16: GpuCapabilities = { webgpu: true, shaderF16: true, adapterInfo: 'nvidia ampere' };

describe('chooseRuntime', () => {
  it('auto without WebGPU falls back to WASM and says so', () => {
    const r = chooseRuntime(PLAN, NO_GPU, 'auto');
    expect(r.device).toBe('wasm');
    expect(r.dtypes).toBe(PLAN.wasm);
    expect(r.reason).toBe('No WebGPU adapter in this browser; using WASM.');
  });

  it('auto with WebGPU but no shader-f16 uses the fp32 WebGPU files', () => {
    const r = chooseRuntime(PLAN, GPU_NO_F16, 'auto');
    expect(r.device).toBe('webgpu');
    expect(r.dtypes).toBe(PLAN.webgpu);
    expect(r.reason).toBe('WebGPU (adapter found, without shader-f16, so 32-bit activations).');
  });

  it('auto with shader-f16 uses the half-precision files', () => {
    const r = chooseRuntime(PLAN, GPU_F16, 'auto');
    expect(r.device).toBe('webgpu');
    expect(r.dtypes).toBe(PLAN.webgpuF16);
    expect(r.reason).toBe('WebGPU (adapter found, with shader-f16).');
  });

  it('webgpu requested without an adapter falls back to WASM and mentions the request', () => {
    const r = chooseRuntime(PLAN, NO_GPU, 'webgpu');
    expect(r.device).toBe('wasm');
    expect(r.dtypes).toBe(PLAN.wasm);
    expect(r.reason).toMatch(/WebGPU was requested/);
    expect(r.reason).toMatch(/using WASM/);
  });

  it('webgpu requested without shader-f16', () => {
    const r = chooseRuntime(PLAN, GPU_NO_F16, 'webgpu');
    expect(r.device).toBe('webgpu');
    expect(r.dtypes).toBe(PLAN.webgpu);
    expect(r.reason).toBe('WebGPU (chosen by the user, without shader-f16, so 32-bit activations).');
  });

  it('webgpu requested with shader-f16', () => {
    const r = chooseRuntime(PLAN, GPU_F16, 'webgpu');
    expect(r.device).toBe('webgpu');
    expect(r.dtypes).toBe(PLAN.webgpuF16);
    expect(r.reason).toBe('WebGPU (chosen by the user, with shader-f16).');
  });

  it.each([
    ['no WebGPU', NO_GPU],
    ['WebGPU without shader-f16', GPU_NO_F16],
    ['WebGPU with shader-f16', GPU_F16],
  ])('wasm requested always gives WASM (%s)', (_, caps) => {
    const r = chooseRuntime(PLAN, caps, 'wasm');
    expect(r).toEqual({ device: 'wasm', dtypes: PLAN.wasm, reason: 'WASM chosen by the user.' });
  });

  it('shader-f16 without a WebGPU adapter is ignored', () => {
    const r = chooseRuntime(PLAN, { webgpu: false, shaderF16: true }, 'auto');
    expect(r.device).toBe('wasm');
    expect(r.dtypes).toBe(PLAN.wasm);
  });
});

describe('parseDevicePreference', () => {
  it.each([null, undefined, ''])('absent (%j) means auto', (raw) => {
    expect(parseDevicePreference(raw)).toBe('auto');
  });

  it.each(['auto', 'webgpu', 'wasm'])('accepts %s', (raw) => {
    expect(parseDevicePreference(raw)).toBe(raw);
  });

  it.each(['WebGPU', 'WASM', 'gpu', 'cpu', 'webgl', ' wasm', 'wasm ', 'auto,wasm'])('rejects %j', (raw) => {
    expect(parseDevicePreference(raw)).toBeNull();
  });
});

describe('describeDtypes', () => {
  it('collapses equal vision/decoder dtypes to one label', () => {
    expect(describeDtypes({ embed_tokens: 'fp32', vision_encoder: 'fp32', decoder_model_merged: 'fp32' })).toBe('fp32');
    expect(describeDtypes({ embed_tokens: 'fp32', vision_encoder: 'q8', decoder_model_merged: 'q8' })).toBe('q8');
  });

  it('shows "vision / decoder" when they differ, ignoring embed_tokens', () => {
    expect(describeDtypes(PLAN.webgpu)).toBe('fp32 / q4');
    expect(describeDtypes(PLAN.webgpuF16)).toBe('fp16 / q4f16');
    expect(describeDtypes({ embed_tokens: 'q4', vision_encoder: 'fp16', decoder_model_merged: 'fp32' })).toBe('fp16 / fp32');
  });
});
