/**
 * The frozen language-model weights on a backend, by their Hugging Face names:
 *   {prefix}.embed_tokens.weight [V, D]            {prefix}.norm.weight [D]
 *   {prefix}.layers.{i}.input_layernorm.weight     {prefix}.layers.{i}.post_attention_layernorm.weight
 *   {prefix}.layers.{i}.self_attn.{q,k,v,o}_proj.weight [out, in]
 *   {prefix}.layers.{i}.mlp.{gate,up,down}_proj.weight  [out, in]
 *   lm_head.weight [V, D] (absent when tied to the embeddings)
 */
import { seededRandom } from '../vlm/tensors.ts';
import type { Backend, Tensor } from './backend.ts';
import { MODULES, moduleShape, modulePath, type LlamaConfig, type ModuleName } from './config.ts';
import type { HostTensor } from './safetensors.ts';

/** A language model's shape and frozen tensors on the host, before upload. */
export interface LoadedLanguageModel {
  config: LlamaConfig;
  tensors: Map<string, HostTensor>;
  source: string;
}

export interface LayerWeights {
  inNorm: Tensor;
  postNorm: Tensor;
  proj: Record<ModuleName, Tensor>;
}

export interface LlamaWeights {
  embed: Tensor;
  layers: LayerWeights[];
  norm: Tensor;
  /** the embedding tensor itself when tied */
  lmHead: Tensor;
}

/** Does the language model need this tensor? (Filters what is fetched from the Hub.) */
export function isLanguageModelTensor(c: LlamaConfig, name: string): boolean {
  return name.startsWith(`${c.prefix}.`) || name === 'lm_head.weight';
}

/**
 * Uploads the frozen weights. `dtype: 'f16'` stores the matrices (projections, embeddings,
 * LM head) as float16 — half the memory, f32 arithmetic — and keeps the norms in f32.
 */
export function loadWeights(be: Backend, c: LlamaConfig, get: (name: string) => HostTensor | undefined, dtype: 'f32' | 'f16' = 'f32'): LlamaWeights {
  const load = (name: string, shape: number[], t = get(name)) => {
    if (!t) throw new Error(`The weights have no tensor "${name}".`);
    if (t.shape.join(',') !== shape.join(',')) throw new Error(`${name} has shape [${t.shape}], expected [${shape}].`);
    return dtype === 'f16' && shape.length === 2 ? be.halves(t.data, name) : be.tensor(t.data.length, name, t.data);
  };
  const embed = load(`${c.prefix}.embed_tokens.weight`, [c.vocab, c.hidden]);
  const layers = Array.from({ length: c.layers }, (_, i) => ({
    inNorm: load(`${c.prefix}.layers.${i}.input_layernorm.weight`, [c.hidden]),
    postNorm: load(`${c.prefix}.layers.${i}.post_attention_layernorm.weight`, [c.hidden]),
    proj: Object.fromEntries(MODULES.map((m) => {
      const [inF, outF] = moduleShape(c, m);
      return [m, load(`${modulePath(c, i, m)}.weight`, [outF, inF])];
    })) as Record<ModuleName, Tensor>,
  }));
  const norm = load(`${c.prefix}.norm.weight`, [c.hidden]);
  const head = c.tied ? undefined : get('lm_head.weight');
  const lmHead = head ? load('lm_head.weight', [c.vocab, c.hidden], head) : embed;
  return { embed, layers, norm, lmHead };
}

export type WeightsChoice = 'auto' | 'f32' | 'f16';

/** 'auto': f16 storage where the device has `shader-f16` (real GPUs), f32 elsewhere. */
export function weightsDtype(be: Backend, choice: WeightsChoice = 'auto'): 'f32' | 'f16' {
  return choice === 'auto' ? (be.shaderF16 ? 'f16' : 'f32') : choice;
}

/** Random weights (normal, std 0.02; norms 1) for benchmarks, seeded. */
export function randomWeights(be: Backend, c: LlamaConfig, seed = 0, dtype: 'f32' | 'f16' = 'f32'): LlamaWeights {
  const rnd = seededRandom(seed);
  const normal = (n: number, std: number) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - rnd()));
      const th = 2 * Math.PI * rnd();
      out[i] = r * Math.cos(th) * std;
      if (i + 1 < n) out[i + 1] = r * Math.sin(th) * std;
    }
    return out;
  };
  const host = new Map<string, HostTensor>();
  const put = (name: string, shape: number[], data?: Float32Array) =>
    host.set(name, { shape, data: data ?? normal(shape.reduce((a, b) => a * b, 1), 0.02) });
  put(`${c.prefix}.embed_tokens.weight`, [c.vocab, c.hidden]);
  for (let i = 0; i < c.layers; i++) {
    put(`${c.prefix}.layers.${i}.input_layernorm.weight`, [c.hidden], new Float32Array(c.hidden).fill(1));
    put(`${c.prefix}.layers.${i}.post_attention_layernorm.weight`, [c.hidden], new Float32Array(c.hidden).fill(1));
    for (const m of MODULES) {
      const [inF, outF] = moduleShape(c, m);
      put(`${modulePath(c, i, m)}.weight`, [outF, inF]);
    }
  }
  put(`${c.prefix}.norm.weight`, [c.hidden], new Float32Array(c.hidden).fill(1));
  if (!c.tied) put('lm_head.weight', [c.vocab, c.hidden]);
  // Upload one tensor at a time so the host copy can be collected as we go.
  return loadWeights(
    be,
    c,
    (name) => {
      const t = host.get(name);
      host.delete(name);
      return t;
    },
    dtype,
  );
}

export function freeWeights(be: Backend, w: LlamaWeights): void {
  const all = new Set<Tensor>([w.embed, w.norm, w.lmHead]);
  for (const l of w.layers) [l.inNorm, l.postNorm, ...Object.values(l.proj)].forEach((t) => all.add(t));
  all.forEach((t) => be.free(t));
}
