/**
 * What `tpi train` and `tpi ask --adapter` share in Node: choosing the backend (WebGPU through
 * Dawn, or the CPU twins with a clear message when there is no adapter), loading the language
 * model for a model id or folder, and the engine with an adapter attached.
 */
import path from 'node:path';
import { env } from '@huggingface/transformers';
import { describeAdapter, GpuUnavailableError } from '../gpu/device.ts';
import { acquireNodeDevice } from '../gpu/node.ts';
import { Adapter } from './adapter.ts';
import type { Backend } from './backend.ts';
import { CpuBackend } from './cpu-backend.ts';
import { GpuBackend } from './gpu-backend.ts';
import { LlamaModel } from './llama.ts';
import { loadHubLanguageModel, loadLocalLanguageModel, readAdapter, type LoadedLanguageModel } from './node-io.ts';
import { importPeft, type ImportedAdapter } from './peft.ts';
import { loadWeights, weightsDtype, type WeightsChoice } from './weights.ts';

export type DeviceChoice = 'auto' | 'gpu' | 'cpu';

/** WebGPU when asked for or available; the CPU twins otherwise (auto), saying why. */
export async function openBackend(device: DeviceChoice, note: (line: string) => void): Promise<Backend> {
  if (device === 'cpu') return new CpuBackend(Float32Array);
  try {
    const ctx = await acquireNodeDevice();
    note(`WebGPU: ${describeAdapter(ctx.adapter)}`);
    return new GpuBackend(ctx);
  } catch (e) {
    if (device === 'gpu' || !(e instanceof GpuUnavailableError)) throw e;
    note(`${e.message}\nNo WebGPU adapter: running on the CPU (plain JavaScript, much slower). Use --device gpu to make this an error.`);
    return new CpuBackend(Float32Array);
  }
}

/** The model id/folder after resolveModel() pointed transformers.js at it. */
export async function loadLanguageModel(modelId: string, source: 'local' | 'hub', note: (line: string) => void): Promise<LoadedLanguageModel> {
  if (source === 'local') return loadLocalLanguageModel(path.join(env.localModelPath, modelId));
  let last = 0;
  return loadHubLanguageModel(modelId, (loaded, total) => {
    if (loaded === total || loaded - last > total / 10) {
      last = loaded;
      note(`weights: ${(loaded / 2 ** 20).toFixed(0)} / ${(total / 2 ** 20).toFixed(0)} MiB`);
    }
  });
}

export function buildModel(be: Backend, lm: LoadedLanguageModel, weights: WeightsChoice = 'auto', maxPositions = 8192): LlamaModel {
  const w = loadWeights(be, lm.config, (n) => lm.tensors.get(n), weightsDtype(be, weights));
  return new LlamaModel(be, lm.config, w, null, Math.min(lm.config.maxPositions, maxPositions));
}

/** Reads a PEFT folder and attaches it to the model. */
export async function attachAdapter(model: LlamaModel, dir: string): Promise<ImportedAdapter> {
  const files = await readAdapter(dir);
  const imported = importPeft(files.config, files.weights, model.cfg);
  model.adapter = Adapter.fromHost(model.be, model.cfg, imported.lora, imported.host);
  return imported;
}
