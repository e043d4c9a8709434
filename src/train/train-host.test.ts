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
import { ExampleBuilder } from './data.ts';
import { loadLocalLanguageModel } from './node-io.ts';
import { importPeft } from './peft.ts';
import { TrainError, type TrainEvent, type TrainJob, type TrainRequest } from './protocol.ts';
import { TrainHost, type TrainHostDeps } from './train-host.ts';
import { TRAIN_DEFAULTS } from './trainer.ts';

const MODELS = path.resolve(import.meta.dirname, '../../models');

beforeAll(() => {
  env.localModelPath = MODELS + '/';
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
});

const deps: TrainHostDeps = {
  openBackend: async () => new CpuBackend(Float32Array),
  loadModel: async (job) => loadLocalLanguageModel(path.join(MODELS, job.modelId)),
  exampleBuilder: async (job) => ExampleBuilder.load(job.modelId),
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
  input: 'text',
  records: [
    { text: 'A cat on a red sofa.', question: 'What is it?', answer: 'a cat' },
    { text: 'A white rocket.', question: 'What is it?', answer: 'the red' },
  ],
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
    expect(phases).toEqual(expect.arrayContaining(['loading-weights', 'preparing-data', 'training', 'paused', 'saving']));
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
    await expect(client.start({ ...job(1), records: [] })).rejects.toMatchObject({ kind: 'bad-input' });
    const noGpu = new TrainClient(channel({ ...deps, openBackend: async () => Promise.reject(new GpuUnavailableError('No adapter.')) }));
    await expect(noGpu.start(job(1))).rejects.toMatchObject({ kind: 'gpu-unavailable', message: 'No adapter.' });
    const first = client.start(job(2));
    await expect(client.start(job(1))).rejects.toBeInstanceOf(TrainError);
    expect((await first).status).toBe('done');
  });
});
