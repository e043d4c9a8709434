/** PEFT adapter files: layout, round trip (export → import → identical outputs), merge. */
import { describe, expect, it } from 'vitest';
import { Adapter, type HostLora } from './adapter.ts';
import type { Backend } from './backend.ts';
import { MODULES, modulePath, type LlamaConfig, type ModuleName } from './config.ts';
import { CpuBackend } from './cpu-backend.ts';
import { LlamaModel } from './llama.ts';
import { mergeAdapter, unmergeAdapter } from './merge.ts';
import { exportPeft, importPeft, targetModulesRegex } from './peft.ts';
import { readSafetensors, writeSafetensors, type HostTensor } from './safetensors.ts';
import { expectClose, rand } from './test-helpers.ts';
import { randomWeights } from './weights.ts';
import { Workspace } from './workspace.ts';

const cfg: LlamaConfig = { layers: 2, hidden: 16, heads: 4, kvHeads: 2, headDim: 4, intermediate: 24, vocab: 29, eps: 1e-5, theta: 10000, tied: false, maxPositions: 32, prefix: 'model.text_model' };
const be: Backend = new CpuBackend(Float32Array);
const weights = randomWeights(be, cfg, 3);
const ids = [3, 1, 4, 1, 5, 9, 2, 6];

function trainedLookingAdapter(targets: readonly ModuleName[] = ['q_proj', 'v_proj', 'gate_proj', 'down_proj']): Adapter {
  const a = Adapter.create(be, cfg, { rank: 4, alpha: 8, dropout: 0.05, targets: [...targets], seed: 1 });
  const host = new Map<string, HostLora>();
  let s = 1;
  for (const [n, m] of a.modules) host.set(n, { ...m, A: Float32Array.from(rand(m.A.size, s++, 0.3)), B: Float32Array.from(rand(m.B.size, s++, 0.3)) });
  a.load(host);
  return a;
}

async function logits(adapter: Adapter | null): Promise<Float32Array> {
  const model = new LlamaModel(be, cfg, weights, adapter, 32);
  const ws = new Workspace(be, cfg, adapter, { T: ids.length, train: false, allLogits: true });
  model.embed(ws, ids);
  model.forward(ws, ids.length);
  return Float32Array.from(await be.read(ws.logits, 0, ids.length * cfg.vocab));
}

describe('PEFT adapters', () => {
  it('writes adapter_config.json and base_model.model.<module>.lora_A/B.weight with PEFT shapes', async () => {
    const a = trainedLookingAdapter();
    const files = exportPeft(await a.toHost(), a.config, cfg, 'HuggingFaceTB/SmolVLM-256M-Instruct');
    const config = JSON.parse(files.config);
    expect(config).toMatchObject({ peft_type: 'LORA', task_type: 'CAUSAL_LM', r: 4, lora_alpha: 8, lora_dropout: 0.05, base_model_name_or_path: 'HuggingFaceTB/SmolVLM-256M-Instruct', bias: 'none', use_rslora: false });
    const fullmatch = new RegExp(`^(?:${config.target_modules})$`);
    expect(fullmatch.test('model.text_model.layers.1.self_attn.q_proj')).toBe(true);
    expect(fullmatch.test('model.text_model.layers.0.mlp.down_proj')).toBe(true);
    expect(fullmatch.test('model.text_model.layers.0.self_attn.k_proj')).toBe(false);
    expect(fullmatch.test('model.vision_model.encoder.layers.0.self_attn.q_proj')).toBe(false);
    const t = readSafetensors(files.weights);
    expect(t.size).toBe(2 * 4 * cfg.layers);
    expect(t.get('base_model.model.model.text_model.layers.0.self_attn.q_proj.lora_A.weight')!.shape).toEqual([4, 16]);
    expect(t.get('base_model.model.model.text_model.layers.1.mlp.down_proj.lora_B.weight')!.shape).toEqual([16, 4]);
    expect(targetModulesRegex({ ...cfg, prefix: 'model' }, ['k_proj'])).toBe('model\\.layers\\.\\d+\\.(self_attn\\.(k_proj))');
  });

  it('round-trips: export → import gives identical outputs', async () => {
    const a = trainedLookingAdapter();
    const files = exportPeft(await a.toHost(), a.config, cfg, 'base');
    const imported = importPeft(files.config, files.weights, cfg);
    expect(imported.lora).toMatchObject({ rank: 4, alpha: 8, targets: ['q_proj', 'v_proj', 'gate_proj', 'down_proj'] });
    expect(imported.ignored).toEqual([]);
    const b = Adapter.fromHost(be, cfg, imported.lora, imported.host);
    expect(await logits(b)).toEqual(await logits(a));
    expect(await logits(b)).not.toEqual(await logits(null));
  });

  it('reads adapters trained in PEFT: Llama module paths, alpha_pattern, rsLoRA; skips vision modules', () => {
    const t = new Map<string, HostTensor>();
    const put = (n: string, shape: number[]) => t.set(n, { shape, data: Float32Array.from(rand(shape[0] * shape[1], t.size + 1)) });
    put('base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight', [2, 16]);
    put('base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight', [8, 2]);
    put('base_model.model.model.vision_model.encoder.layers.0.self_attn.q_proj.lora_A.weight', [2, 32]);
    const config = JSON.stringify({ peft_type: 'LORA', r: 2, lora_alpha: 4, use_rslora: true, alpha_pattern: { 'layers.1.self_attn.v_proj': 8 }, target_modules: ['v_proj'] });
    const imported = importPeft(config, writeSafetensors(t), cfg);
    const m = imported.host.get(modulePath(cfg, 1, 'v_proj'))!;
    expect(m.scale).toBeCloseTo(8 / Math.sqrt(2));
    expect(imported.ignored).toEqual(['base_model.model.model.vision_model.encoder.layers.0.self_attn.q_proj.lora_A.weight']);
    expect(() => importPeft(JSON.stringify({ peft_type: 'LORA', use_dora: true }), writeSafetensors(t), cfg)).toThrow(/DoRA/);
    expect(() => importPeft(JSON.stringify({ peft_type: 'IA3' }), writeSafetensors(t), cfg)).toThrow(/Not a LoRA/);
  });

  it('merges into the base weights (same outputs without the adapter) and unmerges', async () => {
    const a = trainedLookingAdapter([...MODULES]);
    const base = await logits(null);
    const withAdapter = await logits(a);
    mergeAdapter(be, weights, a);
    expectClose(await logits(null), withAdapter, 1e-5, 1e-5, 'merged');
    unmergeAdapter(be, weights, a);
    expectClose(await logits(null), base, 1e-5, 1e-5, 'unmerged');
  });
});
