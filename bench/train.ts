/**
 * `npm run bench:train`: LoRA training steps on SmolVLM-256M's language-model shapes (random
 * weights) on the WebGPU adapter Dawn finds (or the CPU twins), with ms/step, tokens/s,
 * achieved FLOP/s and peak GPU memory; then the same step in PyTorch eager when
 * /usr/bin/python3 has torch, and the ratio. See docs/train-bench.md.
 *
 *   npm run bench:train -- [--layers N] [--seq N] [--vocab N] [--steps N] [--rank R]
 *                          [--targets q,k,v,o,gate,up,down] [--device gpu|cpu]
 *                          [--kernels tiled|simple] [--weights auto|f32|f16] [--no-torch] [--memory-only]
 * --memory-only allocates what a training step allocates (weights, adapter, activations,
 * optimizer state) and prints the peak without computing: full-size figures on any machine.
 * On a CPU-emulated adapter (SwiftShader) or the CPU the default is a reduced model (2 layers,
 * sequence 32, 2 timed steps), said so in the output; pass --layers/--seq/--steps to choose.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeAdapter } from '../src/gpu/device.ts';
import { acquireNodeDevice, rerunWithDawnEnv } from '../src/gpu/node.ts';
import { parseTargets } from '../src/cli/train.ts';
import { Adapter } from '../src/train/adapter.ts';
import type { Backend } from '../src/train/backend.ts';
import { moduleShape, parameterCount, SMOLVLM_256M_TEXT, type LlamaConfig, type ModuleName } from '../src/train/config.ts';
import { CpuBackend } from '../src/train/cpu-backend.ts';
import { GpuBackend, type KernelSet } from '../src/train/gpu-backend.ts';
import { LlamaModel } from '../src/train/llama.ts';
import { AdamW } from '../src/train/optim.ts';
import { Workspace } from '../src/train/workspace.ts';
import { train, TRAIN_DEFAULTS } from '../src/train/trainer.ts';
import { randomWeights, weightsDtype, type WeightsChoice } from '../src/train/weights.ts';

const { values } = parseArgs({
  options: {
    layers: { type: 'string' }, seq: { type: 'string' }, vocab: { type: 'string' }, steps: { type: 'string' },
    rank: { type: 'string' }, targets: { type: 'string' }, device: { type: 'string' }, kernels: { type: 'string' },
    'no-torch': { type: 'boolean' }, 'memory-only': { type: 'boolean' }, weights: { type: 'string' },
  },
});

/** FLOPs of one training step as our kernels execute it (multiply-adds × 2). */
export function stepFlops(c: LlamaConfig, T: number, targets: readonly ModuleName[], r: number): number {
  let lin = 0;
  let lora = 0;
  for (const m of ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const) {
    const [i, o] = moduleShape(c, m);
    lin += 2 * 2 * T * i * o; // forward y = x·Wᵀ, backward dx = dy·W (no dW: frozen)
    if (targets.includes(m)) lora += 6 * T * r * (i + o); // forward 2, backward dA, dB, dh, dx: 4
  }
  const attn = 3 * 2 * c.heads * c.headDim * T * (T + 1); // causal q·k and p·v, backward ≈ 2× forward
  const head = 2 * 2 * T * c.vocab * c.hidden; // logits and dx
  return c.layers * (lin + lora + attn) + head;
}

async function main(): Promise<number> {
  const rerun = values.device === 'cpu' ? null : rerunWithDawnEnv(['train.ts']);
  if (rerun !== null) return rerun;
  let be: Backend;
  let fallback = false;
  if (values.device === 'cpu') be = new CpuBackend(Float32Array);
  else {
    const ctx = await acquireNodeDevice();
    fallback = ctx.adapter.isFallbackAdapter;
    console.log(`adapter: ${describeAdapter(ctx.adapter)}`);
    be = new GpuBackend(ctx, values.kernels as KernelSet | undefined);
  }
  const reduced = (fallback || values.device === 'cpu') && values.layers === undefined && values.seq === undefined && !values['memory-only'];
  const cfg: LlamaConfig = {
    ...SMOLVLM_256M_TEXT,
    layers: Number(values.layers ?? (reduced ? 2 : SMOLVLM_256M_TEXT.layers)),
    vocab: Number(values.vocab ?? SMOLVLM_256M_TEXT.vocab),
  };
  const T = Number(values.seq ?? (reduced ? 32 : 256));
  const steps = Number(values.steps ?? (reduced ? 2 : 3));
  const rank = Number(values.rank ?? 8);
  const targets = parseTargets(values.targets ?? 'q,k,v,o,gate,up,down');
  if (reduced) console.log(`${fallback ? 'CPU-emulated adapter' : 'CPU backend'}: running a reduced model by default (pass --layers/--seq for more).`);
  console.log(`model: ${cfg.layers} layers, hidden ${cfg.hidden}, ${cfg.heads}/${cfg.kvHeads} heads, MLP ${cfg.intermediate}, vocab ${cfg.vocab} (${(parameterCount(cfg) / 1e6).toFixed(1)} M parameters, fp32)`);
  console.log(`step: sequence ${T}, LoRA r=${rank} on ${targets.join(',')}, batch 1, ${steps} timed steps after 1 warmup; backend ${be.description}`);
  console.log(`command: npm run bench:train -- --layers ${cfg.layers} --seq ${T} --vocab ${cfg.vocab} --steps ${steps} --rank ${rank}${values.device ? ` --device ${values.device}` : ''}`);

  const t0 = performance.now();
  const dtype = weightsDtype(be, (values.weights ?? 'auto') as WeightsChoice);
  const model = new LlamaModel(be, cfg, randomWeights(be, cfg, 1, dtype), null, Math.max(T, 64));
  model.adapter = Adapter.create(be, cfg, { rank, alpha: 2 * rank, dropout: 0, targets, seed: 0 });
  const ids = Array.from({ length: T }, (_, i) => (i * 7919) % cfg.vocab);
  const targetIds = ids.map((_, t) => (t >= T / 2 && t + 1 < T ? ids[t + 1] : -1));
  const example = { ids, targets: targetIds, promptIds: ids, answerIds: [], image: null };
  console.log(`${dtype} weights uploaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (values['memory-only']) {
    const ws = new Workspace(be, cfg, model.adapter, { T, train: true, dropout: false });
    const opt = new AdamW(be, model.adapter.params());
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
    console.log(`memory (allocated buffers): peak ${mib(be.stats().peakBytes)} = weights ${mib((dtype === 'f16' ? 2 : 4) * parameterCount(cfg))} + activations/gradients/optimizer/adapter`);
    opt.dispose();
    ws.free();
    return 0;
  }
  const times: number[] = [];
  const r = await train(model, [example], { ...TRAIN_DEFAULTS, steps: steps + 1, lr: 1e-4, warmup: 0, batch: 1, dropout: 0 }, {
    onStep: (l) => {
      if (l.step > 1) times.push(l.ms);
      console.log(`  step ${l.step}: ${l.ms.toFixed(0)} ms, loss ${l.loss.toFixed(4)}${l.step === 1 ? ' (warmup)' : ''}`);
    },
  });
  if (r.status !== 'done') throw new Error(r.message);
  times.sort((a, b) => a - b);
  const ms = times[Math.floor((times.length - 1) / 2)]; // median (the lower one for an even count)
  const flops = stepFlops(cfg, T, targets, rank);
  const peak = be.stats().peakBytes;
  console.log(`\nours:    ${ms.toFixed(0)} ms/step (median; min ${times[0].toFixed(0)}) · ${((T * 1000) / ms).toFixed(1)} tokens/s · ${(flops / ms / 1e6).toFixed(2)} GFLOP/s achieved (${(flops / 1e9).toFixed(2)} GFLOP/step) · peak ${(peak / 2 ** 20).toFixed(0)} MiB ${be.kind === 'webgpu' ? 'GPU' : 'host'} memory (allocated buffers)`);

  if (values['no-torch'] || !existsSync('/usr/bin/python3')) return 0;
  const args = JSON.stringify({ ...cfg, seq: T, rank, alpha: 2 * rank, targets, steps, warmup: 1 });
  const py = spawnSync('/usr/bin/python3', [new URL('./train_torch.py', import.meta.url).pathname, args], { encoding: 'utf8' });
  if (py.status !== 0) {
    console.log(`pytorch: not run (${(py.stderr || py.error?.message || '').trim().split('\n').at(-1)})`);
    return 0;
  }
  const t = JSON.parse(py.stdout.trim().split('\n').at(-1)!);
  const mem = t.peak_bytes ? ` · peak ${(t.peak_bytes / 2 ** 20).toFixed(0)} MiB` : '';
  console.log(`pytorch: ${t.ms_per_step.toFixed(0)} ms/step · ${((T * 1000) / t.ms_per_step).toFixed(1)} tokens/s · ${(flops / t.ms_per_step / 1e6).toFixed(2)} GFLOP/s (torch ${t.torch} eager, ${t.device}, ${t.threads} threads${mem})`);
  console.log(`ratio:   ours / pytorch throughput = ${(t.ms_per_step / ms).toFixed(3)}`);
  return 0;
}

process.exitCode = await main();
