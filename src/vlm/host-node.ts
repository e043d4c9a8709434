/** The engine's platform services in Node (CLI, tests, benchmarks): onnxruntime-node on the CPU. */
import { createHash } from 'node:crypto';
import { RawImage } from '@huggingface/transformers';
import type { EngineHost } from './engine.ts';

export const nodeHost: EngineHost = {
  async decodeImage(bytes) {
    return RawImage.fromBlob(new Blob([bytes as BlobPart]));
  },
  async capabilities() {
    return { webgpu: false, shaderF16: false };
  },
  async sha256(bytes) {
    return createHash('sha256').update(bytes).digest('hex');
  },
  backendDevice(device) {
    return device === 'wasm' ? 'cpu' : device;
  },
};
