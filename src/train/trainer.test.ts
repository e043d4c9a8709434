/**
 * The training loop on a small random Llama: schedule, determinism, WebGPU against the CPU
 * twins, gradient accumulation, and the stops (non-finite loss, cancel, lost device) that
 * keep the last good adapter.
 */
import { describe, expect, it } from 'vitest';
import { acquireNodeDevice } from '../gpu/node.ts';
import { testGpu } from '../gpu/test-gpu.ts';
import { Adapter } from './adapter.ts';
import type { Backend } from './backend.ts';
import type { LlamaConfig } from './config.ts';
import { CpuBackend } from './cpu-backend.ts';
import type { Example } from './examples.ts';
import { GpuBackend } from './gpu-backend.ts';
import { LlamaModel } from './llama.ts';
import { learningRate } from './schedule.ts';
import { expectClose } from './test-helpers.ts';
import { shuffledOrder, train, TRAIN_DEFAULTS, type TrainConfig } from './trainer.ts';
import { randomWeights } from './weights.ts';

const cfg: LlamaConfig = { layers: 2, hidden: 16, heads: 4, kvHeads: 2, headDim: 4, intermediate: 24, vocab: 37, eps: 1e-5, theta: 10000, tied: true, maxPositions: 64, prefix: 'model' };

function example(seed: number, T: number, answer: number): Example {
  const ids = Array.from({ length: T }, (_, i) => (seed * 7 + i * 13) % cfg.vocab);
  const targets = ids.map((_, t) => (t + 1 >= T - answer && t + 1 < T ? ids[t + 1] : -1));
  return { ids, targets, promptIds: ids.slice(0, T - answer), answerIds: ids.slice(T - answer), image: null };
}
const examples = [example(1, 9, 3), example(2, 12, 4), example(3, 7, 2)];
const config: TrainConfig = { ...TRAIN_DEFAULTS, steps: 6, lr: 1e-2, warmup: 2, batch: 2, dropout: 0.1, seed: 4 };

function setup(be: Backend) {
  const model = new LlamaModel(be, cfg, randomWeights(be, cfg, 9), null, 64);
  model.adapter = Adapter.create(be, cfg, { rank: 4, alpha: 8, dropout: 0.1, targets: ['q_proj', 'v_proj', 'down_proj'], seed: 2 });
  return model;
}

const flat = (m: Map<string, { A: Float32Array; B: Float32Array }>) => [...m.values()].flatMap((h) => [...h.A, ...h.B]);

describe('training loop', () => {
  it('warms up linearly, then decays along a cosine to minLr', () => {
    const s = { lr: 1, minLr: 0.1, warmup: 4, steps: 14 };
    expect(learningRate(1, s)).toBeCloseTo(0.25);
    expect(learningRate(4, s)).toBeCloseTo(1);
    expect(learningRate(5, s)).toBeCloseTo(1);
    expect(learningRate(9, s)).toBeCloseTo(0.1 + 0.45 * (1 + Math.cos((4 * Math.PI) / 9)));
    expect(learningRate(14, s)).toBeCloseTo(0.1);
    expect(learningRate(1, { ...s, warmup: 0 })).toBeCloseTo(1);
    expect(shuffledOrder(3, 7, 1).slice(0, 3).sort()).toEqual([0, 1, 2]);
  });

  it('is deterministic on the CPU and on WebGPU, and WebGPU follows the CPU twins', async () => {
    const run = async (be: Backend) => {
      const model = setup(be);
      const r = await train(model, examples, config);
      expect(r.status).toBe('done');
      return r;
    };
    const [c1, c2] = [await run(new CpuBackend(Float32Array)), await run(new CpuBackend(Float32Array))];
    expect(c2.losses).toEqual(c1.losses);
    expect(flat(c2.adapter)).toEqual(flat(c1.adapter));
    expect(c1.losses.at(-1)!).toBeLessThan(c1.losses[0]);
    const gpu = new GpuBackend(await testGpu());
    const [g1, g2] = [await run(gpu), await run(gpu)];
    expect(g2.losses).toEqual(g1.losses);
    expect(flat(g2.adapter)).toEqual(flat(g1.adapter));
    expectClose(g1.losses, c1.losses, 1e-4, 1e-4, 'losses');
    expectClose(flat(g1.adapter), flat(c1.adapter), 1e-4, 1e-3, 'adapter');
  });

  it('accumulates gradients: two micro-batches give the gradient of their pooled loss', async () => {
    const be = new CpuBackend(Float64Array);
    const model = setup(be);
    const grads = async (batch: Example[], scaleBy: number) => {
      const r = await train(model, batch, { ...config, steps: 1, batch: batch.length, dropout: 0, lr: 0 });
      expect(r.status).toBe('done');
      return Promise.all(model.adapter!.params().map(async (p) => Array.from(await be.read(p.g), (x) => x * scaleBy)));
    };
    const [a, b] = [examples[0], examples[1]];
    const na = a.targets.filter((t) => t >= 0).length;
    const nb = b.targets.filter((t) => t >= 0).length;
    const both = await grads([a, b], na + nb);
    const ga = await grads([a], na);
    const gb = await grads([b], nb);
    both.forEach((g, i) => expectClose(g, ga[i].map((x, j) => x + gb[i][j]), 1e-10, 1e-8, `param ${i}`));
  });

  it('stops on a non-finite loss and keeps the last adapter with a finite loss', async () => {
    const be = new CpuBackend(Float32Array);
    const model = setup(be);
    const snapshots: number[][] = [];
    const r = await train(model, examples, { ...config, lr: 1e30, warmup: 0, maxGradNorm: 0, steps: 20 }, {
      beforeStep: async () => (snapshots.push(flat(await model.adapter!.toHost())), true),
    });
    expect(r.status, r.message).toBe('diverged');
    const m = r.message.match(/became (NaN|Infinity|-Infinity) at step (\d+); training stopped and the adapter after step (\d+)/);
    expect(m, r.message).not.toBeNull();
    const last = snapshots[Number(m![3])]; // the adapter after that many updates
    expect(last.every(Number.isFinite)).toBe(true);
    expect(flat(r.adapter)).toEqual(last);
    expect(flat(await model.adapter!.toHost())).toEqual(last);

    // A NaN in the weights after step 1: the loss of step 2 is NaN, the initial adapter is kept.
    const m2 = setup(be);
    const first = flat(await m2.adapter!.toHost());
    const r2 = await train(m2, examples, config, { onStep: () => be.fill(m2.adapter!.params()[1].p, NaN) });
    expect(r2.message).toMatch(/The loss became NaN at step 2; training stopped and the adapter after step 0/);
    expect(r2.stepsDone).toBe(1);
    expect(flat(r2.adapter)).toEqual(first);
  });

  it('cancels between steps; pauses while beforeStep waits', async () => {
    const model = setup(new CpuBackend(Float32Array));
    let resume: () => void = () => {};
    const seen: number[] = [];
    const run = train(model, examples, config, {
      beforeStep: (step) => {
        seen.push(step);
        if (step === 2) return new Promise<boolean>((res) => (resume = () => res(true)));
        return step < 4;
      },
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([1, 2]); // paused before step 2
    resume();
    const r = await run;
    expect(r.status).toBe('cancelled');
    expect(r.stepsDone).toBe(3);
  });

  it('reports a lost GPU device and returns the last good adapter', async () => {
    const ctx = await acquireNodeDevice();
    const model = setup(new GpuBackend(ctx));
    const r = await train(model, examples, config, { onStep: (log) => log.step === 2 && ctx.device.destroy() });
    expect(r.status).toBe('device-lost');
    expect(r.message).toMatch(/GPU device was lost/);
    expect(r.stepsDone).toBe(2);
    expect(flat(r.adapter).every(Number.isFinite)).toBe(true);
  });
});
