/** The engine's platform services in a browser (page or worker). */
import { RawImage } from '@huggingface/transformers';
import type { GpuCapabilities } from './dtype.ts';
import type { EngineHost } from './engine.ts';

export async function probeWebGpu(): Promise<GpuCapabilities> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { webgpu: false, shaderF16: false };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { webgpu: false, shaderF16: false };
    const info = adapter.info;
    const name = [info?.vendor, info?.architecture || info?.description].filter(Boolean).join(' ') || 'unknown adapter';
    const fallback = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter || info?.isFallbackAdapter;
    return { webgpu: true, shaderF16: adapter.features.has('shader-f16'), adapterInfo: fallback ? `${name} (software)` : name };
  } catch {
    return { webgpu: false, shaderF16: false };
  }
}

export const browserHost: EngineHost = {
  async decodeImage(bytes) {
    const bitmap = await createImageBitmap(new Blob([bytes as BlobPart]));
    try {
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2D canvas context');
      ctx.drawImage(bitmap, 0, 0);
      const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      return new RawImage(data, bitmap.width, bitmap.height, 4);
    } finally {
      bitmap.close();
    }
  },
  capabilities: probeWebGpu,
  async sha256(bytes) {
    const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  },
};
