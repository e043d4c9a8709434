/**
 * The worker protocol end to end in Node: a TrainClient talking to a TrainHost through a
 * structured-clone channel (what postMessage does), on the tiny model and the CPU twins.
 */
import path from 'node:path';
import { env } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { GpuUnavailableError } from '../gpu/device.ts';
import { TrainClient, type WorkerLike } from './client.ts';
import { CpuBackend } from './cpu-backend.ts';
import { loadExampleBuilder, type Example, type ExampleBuilder } from './data.ts';
import { generate } from './generate.ts';
import { LlamaModel } from './llama.ts';
import { loadLocalLanguageModel } from './node-io.ts';
import { importPeft } from './peft.ts';
import { TrainError, type TrainEvent, type TrainJob, type TrainRequest } from './protocol.ts';
import { TrainHost, type TrainHostDeps } from './train-host.ts';
import { TRAIN_DEFAULTS } from './trainer.ts';
import { loadWeights } from './weights.ts';

const MODELS = path.resolve(import.meta.dirname, '../../models');

let builder: ExampleBuilder;
let examples: Example[];

beforeAll(async () => {
  env.localModelPath = MODELS + '/';
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  // What the page's engine worker does for the training worker: records → examples.
  builder = await loadExampleBuilder('tiny-random-smolvlm');
  examples = await Promise.all(
    [
      { text: 'A cat on a red sofa.', question: 'What is it?', answer: 'a cat' },
      { text: 'A white rocket.', question: 'What is it?', answer: 'the red' },
    ].map((r) => builder.example(r, 'text')),
  );
});

const deps: TrainHostDeps = {
  openBackend: async () => new CpuBackend(Float32Array),
  loadModel: async (job) => loadLocalLanguageModel(path.join(MODELS, job.modelId)),
};

/** A worker double: messages are structured-cloned both ways, delivered asynchronously. */
function channel(d: TrainHostDeps = deps): WorkerLike {
  const listeners: ((e: { data: TrainEvent }) => void)[] = [];
  const host = new TrainHost(d, (e) => setTimeout(() => listeners.forEach((l) => l({ data: structuredClone(e) }))));
  return {
    postMessage: (m: TrainRequest) => setTimeout(() => host.handle(structuredClone(m))),
    addEventListener: (_t, fn) => void listeners.push(fn),
  };
}

const job = (steps: number): TrainJob => ({
  modelId: 'tiny-random-smolvlm',
  source: 'local',
  examples,
  lora: { rank: 4, alpha: 8, dropout: 0, targets: ['q_proj', 'v_proj'], seed: 1 },
  train: { ...TRAIN_DEFAULTS, steps, batch: 2, lr: 1e-2, warmup: 0, dropout: 0 },
  device: 'auto',
});

describe('training worker protocol', () => {
  it('reports phases and progress, pauses, resumes, and cancels with the adapter so far', async () => {
    const client = new TrainClient(channel());
    const phases: string[] = [];
    const steps: number[] = [];
    let stepsWhilePaused = -1;
    const outcome = await client.start(job(50), {
      onStatus: (phase) => {
        phases.push(phase);
        if (phase !== 'paused') return;
        const n = steps.length;
        setTimeout(() => {
          stepsWhilePaused = steps.length - n;
          client.resume();
        }, 200);
      },
      onProgress: (p) => {
        steps.push(p.step);
        expect(p.loss).toBeGreaterThan(0);
        expect(p.tokensPerSecond).toBeGreaterThan(0);
        if (p.step === 2) client.pause();
        if (p.step === 6) client.cancel();
      },
    });
    expect(stepsWhilePaused).toBe(0);
    expect(phases).toEqual(expect.arrayContaining(['loading-weights', 'training', 'paused', 'saving']));
    expect(outcome.status).toBe('cancelled');
    expect(outcome.stepsDone).toBeGreaterThanOrEqual(6);
    expect(outcome.stepsDone).toBeLessThan(50);
    expect(steps).toEqual(Array.from({ length: outcome.stepsDone }, (_, i) => i + 1));
    const imported = importPeft(outcome.adapter.config, outcome.adapter.weights, (await deps.loadModel(job(1), () => {})).config);
    expect(imported.host.size).toBe(4);
    expect(client.busy).toBe(false);
  });

  it('rejects with typed errors: bad input, no GPU, busy', async () => {
    const client = new TrainClient(channel());
    await expect(client.start({ ...job(1), examples: [] })).rejects.toMatchObject({ kind: 'bad-input' });
    const noGpu = new TrainClient(channel({ ...deps, openBackend: async () => Promise.reject(new GpuUnavailableError('No adapter.')) }));
    await expect(noGpu.start(job(1))).rejects.toMatchObject({ kind: 'gpu-unavailable', message: 'No adapter.' });
    const first = client.start(job(2));
    await expect(client.start(job(1))).rejects.toBeInstanceOf(TrainError);
    expect((await first).status).toBe('done');
  });

  it('answers with the trained model, the adapter on or off, like a fresh model with the same weights', async () => {
    const client = new TrainClient(channel());
    const ask = (adapter: boolean) => client.generate({ promptIds: examples[0].promptIds, image: null, maxNewTokens: 5, eos: builder.eosIds, adapter });
    await expect(ask(true)).rejects.toThrow(/Nothing has been trained yet/);
    const outcome = await client.start(job(12));
    expect(outcome.status).toBe('done');
    const [on, off] = [await ask(true), await ask(false)];
    expect(on.ids).toHaveLength(5);

    // Independent reference: the base weights read again, with and without the exported adapter.
    const lm = await deps.loadModel(job(1), () => {});
    const be = new CpuBackend(Float32Array);
    const model = new LlamaModel(be, lm.config, loadWeights(be, lm.config, (n) => lm.tensors.get(n)), null, 256);
    const gen = async () => (await generate(model, examples[0].promptIds, null, { maxNewTokens: 5, eos: builder.eosIds })).ids;
    expect(off.ids).toEqual(await gen());
    const { Adapter } = await import('./adapter.ts');
    const imported = importPeft(outcome.adapter.config, outcome.adapter.weights, lm.config);
    model.adapter = Adapter.fromHost(be, lm.config, imported.lora, imported.host);
    expect(on.ids).toEqual(await gen());
    expect(on.ids).not.toEqual(off.ids);
  });
});
