/**
 * The whole decoder's backward pass: LoRA gradients on every module type (dropout on) against
 * finite differences of the masked loss (float64 CPU twins), and WebGPU against the CPU twins.
 */
import { describe, expect, it } from 'vitest';
import { testGpu } from '../gpu/test-gpu.ts';
import { Adapter, type HostLora } from './adapter.ts';
import type { Backend } from './backend.ts';
import { MODULES, type LlamaConfig } from './config.ts';
import { CpuBackend, type CpuTensor } from './cpu-backend.ts';
import { GpuBackend } from './gpu-backend.ts';
import { LlamaModel } from './llama.ts';
import { expectClose, numericGrad, rand } from './test-helpers.ts';
import { randomWeights } from './weights.ts';
import { Workspace } from './workspace.ts';

const cfg: LlamaConfig = { layers: 2, hidden: 8, heads: 4, kvHeads: 2, headDim: 2, intermediate: 12, vocab: 11, eps: 1e-5, theta: 10000, tied: false, maxPositions: 32, prefix: 'model.text_model' };
const ids = [1, 5, 2, 2, 9, 0, 3];
const targets = [-1, -1, -1, 9, 0, 3, 4];
const dropout = { p: 0.2, seed: 3 };

function setup(be: Backend) {
  const w = randomWeights(be, cfg, 5);
  const adapter = Adapter.create(be, cfg, { rank: 2, alpha: 4, dropout: 0.2, targets: [...MODULES], seed: 1 });
  // B = 0 at creation would make every dA zero: give B values too.
  const host = new Map<string, HostLora>();
  let s = 10;
  for (const [name, m] of adapter.modules)
    host.set(name, { ...m, A: Float32Array.from(rand(m.A.size, s++, 0.5)), B: Float32Array.from(rand(m.B.size, s++, 0.5)) });
  adapter.load(host);
  const model = new LlamaModel(be, cfg, w, adapter, 32);
  const ws = new Workspace(be, cfg, adapter, { T: ids.length, train: true, dropout: true });
  const loss = () => {
    model.embed(ws, ids);
    model.forward(ws, ids.length, { dropout });
    model.lossAndBackward(ws, ids.length, targets, 1, dropout);
  };
  return { adapter, model, ws, loss };
}

describe('decoder backward', () => {
  it('LoRA gradients of every module match finite differences (float64)', async () => {
    const be = new CpuBackend(Float64Array);
    const { adapter, ws, loss } = setup(be);
    const total = () => {
      loss();
      return ((ws.losses as CpuTensor).data as Float64Array).reduce((a, b) => a + b, 0);
    };
    for (const p of adapter.params()) be.fill(p.g, 0);
    total();
    // (Each evaluation below runs the backward pass again: take the gradients first.)
    const analytic = adapter.params().map((p) => Float64Array.from((p.g as CpuTensor).data));
    adapter.params().forEach((p, i) => {
      const numeric = numericGrad((p.p as CpuTensor).data as Float64Array, total);
      expectClose(analytic[i], numeric, 1e-7, 1e-5, p.name);
    });
  });

  it('WebGPU gradients match the CPU twins', async () => {
    const gpu = new GpuBackend(await testGpu());
    const cpu = new CpuBackend(Float32Array);
    const [g, c] = [setup(gpu), setup(cpu)];
    g.loss();
    c.loss();
    expectClose(await gpu.read(g.ws.losses), await cpu.read(c.ws.losses), 1e-5, 1e-5, 'losses');
    const gp = g.adapter.params();
    const cp = c.adapter.params();
    expect(gp.length).toBe(MODULES.length * 2 * cfg.layers);
    for (let i = 0; i < gp.length; i++) expectClose(await gpu.read(gp[i].g), await cpu.read(cp[i].g), 1e-5, 1e-4, gp[i].name);
  });
});
