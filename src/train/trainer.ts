/**
 * The training loop, nanoGPT style: config → schedule → for each step: set lr → forward/backward
 * over `batch` examples (gradient accumulation) → clip → AdamW → log. Seeded and deterministic
 * on a given device (example order, LoRA init and dropout masks come from the seed; the kernels
 * use no atomics). A loss or gradient norm that is not finite, or a lost device, stops training
 * and puts the last good adapter back.
 */
import { DeviceLostError } from '../gpu/device.ts';
import { seededRandom } from '../vlm/tensors.ts';
import type { HostLora } from './adapter.ts';
import { hash32, type Tensor } from './backend.ts';
import type { Example } from './examples.ts';
import type { LlamaModel } from './llama.ts';
import { AdamW, clipScale, type AdamWConfig } from './optim.ts';
import { learningRate } from './schedule.ts';
import { Workspace } from './workspace.ts';

export interface TrainConfig {
  steps: number;
  lr: number;
  /** cosine floor (default lr / 10) */
  minLr?: number;
  warmup: number;
  /** examples per optimizer step (gradient accumulation) */
  batch: number;
  maxGradNorm: number;
  seed: number;
  dropout: number;
  adamw: AdamWConfig;
}

export const TRAIN_DEFAULTS: TrainConfig = {
  steps: 100, lr: 2e-4, warmup: 10, batch: 4, maxGradNorm: 1, seed: 0, dropout: 0.05,
  adamw: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
};

export interface StepLog {
  step: number;
  steps: number;
  loss: number;
  lr: number;
  gradNorm: number;
  tokens: number;
  ms: number;
  tokensPerSecond: number;
  etaMs: number;
}

export type TrainStatus = 'done' | 'cancelled' | 'diverged' | 'device-lost';

export interface TrainResult {
  status: TrainStatus;
  message: string;
  stepsDone: number;
  losses: number[];
  /** host copy of the adapter: the trained one, or the last good one when stopped early */
  adapter: Map<string, HostLora>;
}

export interface TrainHooks {
  onStep?: (log: StepLog) => void;
  /** awaited before every step: pause by not resolving; return false to cancel */
  beforeStep?: (step: number) => Promise<boolean> | boolean;
}

export async function train(model: LlamaModel, examples: readonly Example[], c: TrainConfig, hooks: TrainHooks = {}): Promise<TrainResult> {
  const { be, cfg } = model;
  const adapter = model.adapter;
  if (!adapter) throw new Error('Attach an adapter to the model before training.');
  if (examples.length === 0) throw new Error('No training examples.');
  if (examples.some((e) => !e.targets.some((t) => t >= 0))) throw new Error('An example has no answer tokens to train on.');
  const T = Math.max(...examples.map((e) => e.ids.length));
  const ws = new Workspace(be, cfg, adapter, { T, train: true, dropout: c.dropout > 0 });
  const opt = new AdamW(be, adapter.params(), c.adamw);
  const order = shuffledOrder(examples.length, c.steps * c.batch, c.seed);
  const schedule = { lr: c.lr, minLr: c.minLr ?? c.lr / 10, warmup: c.warmup, steps: c.steps };
  const losses: number[] = [];
  // The last adapter whose loss was finite (taken before each update).
  let lastGood: Map<string, HostLora> = await adapter.toHost();
  let lastGoodStep = 0;
  const t0 = performance.now();
  const stop = (status: TrainStatus, message: string): TrainResult => {
    if (status !== 'device-lost') adapter.load(lastGood);
    return { status, message, stepsDone: losses.length, losses, adapter: lastGood };
  };
  const kept = () => `training stopped and the adapter after step ${lastGoodStep} (the last with a finite loss) was kept`;
  try {
    for (let step = 1; step <= c.steps; step++) {
      if (hooks.beforeStep && !(await hooks.beforeStep(step))) return stop('cancelled', `Cancelled after ${step - 1} steps.`);
      const tStep = performance.now();
      const lr = learningRate(step, schedule);
      const batch = order.slice((step - 1) * c.batch, step * c.batch).map((i) => examples[i]);
      const answerTokens = batch.reduce((n, e) => n + e.targets.filter((t) => t >= 0).length, 0);
      opt.zeroGrad();
      let lossSum = 0;
      let tokens = 0;
      for (let k = 0; k < batch.length; k++) {
        const e = batch[k];
        const dropout = c.dropout > 0 ? { p: c.dropout, seed: hash32((c.seed * 7919 + step * 131 + k) >>> 0) } : null;
        const rows: Tensor | null = e.image ? be.tensor(e.image.rows.length, 'image_rows', e.image.rows) : null;
        model.embed(ws, e.ids, rows && e.image ? { rows, positions: e.image.positions } : undefined);
        model.forward(ws, e.ids.length, { dropout });
        model.lossAndBackward(ws, e.ids.length, e.targets, 1 / answerTokens, dropout);
        for (const x of await be.read(ws.losses, 0, e.ids.length)) lossSum += x;
        if (rows) be.free(rows);
        tokens += e.ids.length;
      }
      const loss = lossSum / answerTokens;
      if (!Number.isFinite(loss)) return stop('diverged', `The loss became ${loss} at step ${step}; ${kept()}.`);
      lastGood = await adapter.toHost();
      lastGoodStep = step - 1;
      const gradNorm = await opt.gradNorm();
      if (!Number.isFinite(gradNorm)) return stop('diverged', `The gradient norm became ${gradNorm} at step ${step}; ${kept()}.`);
      opt.step(lr, step, clipScale(gradNorm, c.maxGradNorm));
      losses.push(loss);
      const now = performance.now();
      const ms = now - tStep;
      hooks.onStep?.({ step, steps: c.steps, loss, lr, gradNorm, tokens, ms, tokensPerSecond: (tokens * 1000) / ms, etaMs: ((now - t0) / step) * (c.steps - step) });
    }
    return { status: 'done', message: `Trained ${c.steps} steps.`, stepsDone: c.steps, losses, adapter: await adapter.toHost() };
  } catch (e) {
    if (e instanceof DeviceLostError) return stop('device-lost', `${e.message} Training stopped after ${losses.length} steps; the last good adapter was kept (on the host).`);
    throw e;
  } finally {
    opt.dispose();
    ws.free();
  }
}

/** Epochs of seeded Fisher–Yates shuffles, concatenated: `count` example indices. */
export function shuffledOrder(n: number, count: number, seed: number): number[] {
  const rnd = seededRandom(hash32(seed + 1));
  const out: number[] = [];
  while (out.length < count) {
    const perm = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    out.push(...perm);
  }
  return out.slice(0, count);
}
