/**
 * transformers.js settings for the page: ONNX Runtime's WASM files come from our own origin
 * (never a CDN), local models from `<base>/models/`, and remote models only for Hub entries.
 */
import { env } from '@huggingface/transformers';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import type { ModelSource } from './registry.ts';

export function configureBrowserEnv(baseUrl: string): void {
  const abs = (u: string) => new URL(u, self.location.href).href;
  const onnx = env.backends.onnx as { wasm?: { wasmPaths?: unknown; numThreads?: number } };
  if (onnx.wasm) {
    onnx.wasm.wasmPaths = { mjs: abs(ortMjsUrl), wasm: abs(ortWasmUrl) };
    // Threads need cross-origin isolation; without it ORT would warn and fall back anyway.
    onnx.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  }
  // A path, not a URL: transformers.js only probes local files when the path is not an
  // http(s) URL (otherwise it treats the "local" model as remote).
  env.localModelPath = `${baseUrl.replace(/\/?$/, '/')}models/`;
  env.useBrowserCache = true;
}

/** Only the source a model comes from is asked: a Hub id never probes `/models/`, and back. */
export function selectModelSource(source: ModelSource): void {
  env.allowLocalModels = source === 'local';
  env.allowRemoteModels = source === 'hub';
}

/** The Cache Storage name transformers.js downloads into. */
export function modelCacheName(): string {
  return (env as { cacheKey?: string }).cacheKey ?? 'transformers-cache';
}
