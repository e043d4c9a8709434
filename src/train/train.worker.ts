/// <reference lib="webworker" />
/**
 * The training worker: a TrainHost (train-host.ts) with the browser's services — WebGPU from
 * the worker's navigator.gpu, weights by range requests into the Cache API. It imports no
 * ONNX Runtime: the examples arrive prepared by the VLM engine worker. Create it with
 *   new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module' })
 * and talk to it through TrainClient.
 */
import { acquireDevice, GpuUnavailableError } from '../gpu/device.ts';
import { llamaConfigFrom } from './config.ts';
import { CpuBackend } from './cpu-backend.ts';
import { GpuBackend } from './gpu-backend.ts';
import { cacheStorage, fetchHubWeights } from './hub-weights.ts';
import type { TrainEvent } from './protocol.ts';
import { TrainHost } from './train-host.ts';
import { isLanguageModelTensor } from './weights.ts';

declare const self: DedicatedWorkerGlobalScope;

/** The app's own copy of the local models (public/models → <base>/models/). */
const localModels = new URL(`${import.meta.env.BASE_URL.replace(/\/?$/, '/')}models/`, self.location.href).href;

const host = new TrainHost(
  {
    async openBackend(device, note) {
      if (device === 'cpu') return new CpuBackend(Float32Array);
      try {
        return new GpuBackend(await acquireDevice(self.navigator.gpu));
      } catch (e) {
        if (device === 'gpu' || !(e instanceof GpuUnavailableError)) throw e;
        note(`${e.message} Training on the CPU instead (much slower).`);
        return new CpuBackend(Float32Array);
      }
    },
    async loadModel(job, onProgress) {
      const local = job.source === 'local';
      const baseUrl = local ? `${localModels}${job.modelId}/` : undefined;
      const want = (n: string) => n.startsWith('model.text_model.') || n === 'lm_head.weight' || n.startsWith('model.layers.') || n === 'model.embed_tokens.weight' || n === 'model.norm.weight';
      const hub = await fetchHubWeights(job.modelId, want, { baseUrl, cache: local ? null : cacheStorage(), onProgress });
      const config = llamaConfigFrom(hub.config);
      const tensors = new Map([...hub.tensors].filter(([n]) => isLanguageModelTensor(config, n)));
      return { config, tensors, source: job.modelId };
    },
  },
  (e: TrainEvent) => self.postMessage(e, e.type === 'done' ? [e.outcome.adapter.weights.buffer as ArrayBuffer] : []),
);

self.onmessage = (m: MessageEvent) => host.handle(m.data);
