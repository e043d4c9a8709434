/**
 * The trainer's decoder forward on the tiny SmolVLM (weights from model.safetensors) against
 * ONNX Runtime's decoder_model_merged on the same inputs_embeds, on the CPU twins and on
 * WebGPU; and incremental decoding with the key/value cache against the full forward.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { testGpu } from '../gpu/test-gpu.ts';
import type { Backend } from './backend.ts';
import { llamaConfigFrom, type LlamaConfig } from './config.ts';
import { CpuBackend } from './cpu-backend.ts';
import { GpuBackend } from './gpu-backend.ts';
import { LlamaModel } from './llama.ts';
import { readSafetensors, type HostTensor } from './safetensors.ts';
import { maxAbsDiff, rand } from './test-helpers.ts';
import { loadWeights } from './weights.ts';
import { Workspace } from './workspace.ts';

const MODEL_DIR = path.resolve(import.meta.dirname, '../../models/tiny-random-smolvlm');
const T = 11;

let cfg: LlamaConfig;
let tensors: Map<string, HostTensor>;
let embeds: Float32Array;
let ortLogits: Float32Array;

beforeAll(async () => {
  cfg = llamaConfigFrom(JSON.parse(readFileSync(path.join(MODEL_DIR, 'config.json'), 'utf8')));
  tensors = readSafetensors(new Uint8Array(readFileSync(path.join(MODEL_DIR, 'model.safetensors'))));
  embeds = Float32Array.from(rand(T * cfg.hidden, 42));
  const session = await ort.InferenceSession.create(path.join(MODEL_DIR, 'onnx/decoder_model_merged.onnx'));
  const feeds: Record<string, ort.Tensor> = {
    inputs_embeds: new ort.Tensor('float32', embeds, [1, T, cfg.hidden]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(T).fill(1n), [1, T]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from({ length: T }, (_, i) => BigInt(i)), [1, T]),
  };
  for (let i = 0; i < cfg.layers; i++)
    for (const part of ['key', 'value']) feeds[`past_key_values.${i}.${part}`] = new ort.Tensor('float32', new Float32Array(0), [1, cfg.kvHeads, 0, cfg.headDim]);
  const out = await session.run(feeds);
  ortLogits = out.logits.data as Float32Array;
  expect(out.logits.dims).toEqual([1, T, cfg.vocab]);
});

async function engineLogits(be: Backend, dtype: 'f32' | 'f16' = 'f32'): Promise<Float32Array | Float64Array> {
  const model = new LlamaModel(be, cfg, loadWeights(be, cfg, (n) => tensors.get(n), dtype), null, 64);
  const ws = new Workspace(be, cfg, null, { T, train: false, allLogits: true });
  be.write(ws.layers[0].resid, embeds);
  model.forward(ws, T);
  return be.read(ws.logits, 0, T * cfg.vocab);
}

describe('decoder forward vs ONNX Runtime (tiny SmolVLM)', () => {
  it('reads the text config', () => {
    expect(cfg).toMatchObject({ layers: 2, hidden: 64, heads: 4, kvHeads: 2, headDim: 16, intermediate: 128, vocab: 640, theta: 100000, tied: false });
  });

  it('CPU twins: logits within 1e-4 of decoder_model_merged', async () => {
    const diff = maxAbsDiff(await engineLogits(new CpuBackend(Float32Array)), ortLogits);
    expect(diff).toBeLessThan(1e-4);
  });

  it('WebGPU: logits within 1e-4 of decoder_model_merged', async () => {
    const diff = maxAbsDiff(await engineLogits(new GpuBackend(await testGpu())), ortLogits);
    expect(diff).toBeLessThan(1e-4);
  });

  it('float16 weight storage: WebGPU equals the CPU twins, and stays close to float32', async () => {
    const gpu = await engineLogits(new GpuBackend(await testGpu()), 'f16');
    const cpu = await engineLogits(new CpuBackend(Float32Array), 'f16');
    expect(maxAbsDiff(gpu, cpu)).toBeLessThan(1e-4);
    const d = maxAbsDiff(gpu, ortLogits);
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThan(3e-2); // weights rounded to 11 significant bits, logits up to ~7
  });

  it('incremental decoding with the key/value cache gives the full forward’s last logits', async () => {
    for (const be of [new CpuBackend(Float32Array), new GpuBackend(await testGpu())] as Backend[]) {
      const model = new LlamaModel(be, cfg, loadWeights(be, cfg, (n) => tensors.get(n)), null, 64);
      const ws = new Workspace(be, cfg, null, { T, kvCap: T, train: false });
      let past = 0;
      for (const n of [7, 1, 3]) {
        be.write(ws.layers[0].resid, embeds.subarray(past * cfg.hidden, (past + n) * cfg.hidden));
        model.forward(ws, n, { past, lastOnly: true });
        past += n;
        const last = await be.read(ws.logits, 0, cfg.vocab);
        expect(maxAbsDiff(last, ortLogits.subarray((past - 1) * cfg.vocab, past * cfg.vocab)), `${be.kind} after ${past}`).toBeLessThan(1e-4);
      }
    }
  });
});
