/**
 * Hugging Face PEFT LoRA format: `adapter_config.json` + `adapter_model.safetensors` with
 *   base_model.model.<module path>.lora_A.weight [r, in]   and   .lora_B.weight [out, r]
 * where <module path> is the module's name in the Hugging Face model, e.g.
 * model.text_model.layers.0.self_attn.q_proj (Idefics3/SmolVLM) or model.layers.0.… (Llama).
 * target_modules is written as a regex over full module names (PEFT fullmatches a string), so
 * that PEFT adapts the language model only, not the vision encoder's q/k/v projections.
 */
import type { HostLora, LoraConfig } from './adapter.ts';
import { loraScale } from './adapter.ts';
import { MODULES, moduleShape, modulePath, type LlamaConfig, type ModuleName } from './config.ts';
import { readSafetensors, writeSafetensors, type HostTensor } from './safetensors.ts';

export const PEFT_CONFIG_FILE = 'adapter_config.json';
export const PEFT_WEIGHTS_FILE = 'adapter_model.safetensors';
const PREFIX = 'base_model.model.';

export interface PeftFiles {
  config: string;
  weights: Uint8Array;
}

export function targetModulesRegex(model: LlamaConfig, targets: readonly ModuleName[]): string {
  const attn = targets.filter((m) => ['q_proj', 'k_proj', 'v_proj', 'o_proj'].includes(m));
  const mlp = targets.filter((m) => ['gate_proj', 'up_proj', 'down_proj'].includes(m));
  const parts = [...(attn.length ? [`self_attn\\.(${attn.join('|')})`] : []), ...(mlp.length ? [`mlp\\.(${mlp.join('|')})`] : [])];
  return `${model.prefix.replace(/\./g, '\\.')}\\.layers\\.\\d+\\.(${parts.join('|')})`;
}

export function exportPeft(host: Map<string, HostLora>, lora: LoraConfig, model: LlamaConfig, baseModel: string): PeftFiles {
  const tensors = new Map<string, HostTensor>();
  for (const [name, h] of host) {
    tensors.set(`${PREFIX}${name}.lora_A.weight`, { shape: [h.rank, h.inF], data: h.A });
    tensors.set(`${PREFIX}${name}.lora_B.weight`, { shape: [h.outF, h.rank], data: h.B });
  }
  const config = {
    alpha_pattern: {},
    auto_mapping: null,
    base_model_name_or_path: baseModel,
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layer_replication: null,
    layers_pattern: null,
    layers_to_transform: null,
    lora_alpha: lora.alpha,
    lora_dropout: lora.dropout,
    modules_to_save: null,
    peft_type: 'LORA',
    r: lora.rank,
    rank_pattern: {},
    revision: null,
    target_modules: targetModulesRegex(model, lora.targets),
    task_type: 'CAUSAL_LM',
    use_dora: false,
    use_rslora: lora.rslora ?? false,
  };
  return { config: JSON.stringify(config, null, 2) + '\n', weights: writeSafetensors(tensors, { format: 'pt' }) };
}

export interface ImportedAdapter {
  lora: LoraConfig;
  host: Map<string, HostLora>;
  baseModel: string | null;
  /** adapter tensors that are not on the language model (e.g. the vision encoder), skipped */
  ignored: string[];
}

/** Reads a PEFT LoRA adapter for this model; throws on what the engine cannot apply. */
export function importPeft(configText: string, weights: Uint8Array, model: LlamaConfig): ImportedAdapter {
  const c = JSON.parse(configText);
  if (c.peft_type !== 'LORA') throw new Error(`Not a LoRA adapter (peft_type ${c.peft_type}).`);
  if (c.use_dora) throw new Error('DoRA adapters (use_dora) are not supported.');
  if (c.bias && c.bias !== 'none') throw new Error(`LoRA biases (bias "${c.bias}") are not supported.`);
  if (c.modules_to_save?.length) throw new Error(`modules_to_save (${c.modules_to_save.join(', ')}) is not supported.`);
  const rslora = Boolean(c.use_rslora);
  const pairs = new Map<string, { A?: HostTensor; B?: HostTensor }>();
  const ignored: string[] = [];
  for (const [name, t] of readSafetensors(weights)) {
    const m = name.match(/layers\.(\d+)\.(self_attn|mlp)\.(\w+_proj)\.lora_([AB])(?:\.[\w-]+)?\.weight$/);
    const layer = m ? Number(m[1]) : -1;
    const mod = m?.[3] as ModuleName | undefined;
    const onText = !name.includes('vision') && m && layer < model.layers && MODULES.includes(mod!);
    if (!onText) {
      ignored.push(name);
      continue;
    }
    const path = modulePath(model, layer, mod!);
    const p = pairs.get(path) ?? {};
    p[m[4] as 'A' | 'B'] = t;
    pairs.set(path, p);
  }
  const host = new Map<string, HostLora>();
  const targets = new Set<ModuleName>();
  let rank = 0;
  for (const [path, { A, B }] of pairs) {
    if (!A || !B) throw new Error(`${path} has lora_${A ? 'B' : 'A'} missing.`);
    const [r, inF] = A.shape;
    const [outF, rB] = B.shape;
    const mod = path.split('.').at(-1) as ModuleName;
    const [wantIn, wantOut] = moduleShape(model, mod);
    if (rB !== r || inF !== wantIn || outF !== wantOut) throw new Error(`${path}: lora_A [${A.shape}] and lora_B [${B.shape}] do not fit [${wantOut}, ${wantIn}].`);
    const alpha = patternValue(c.alpha_pattern, path) ?? c.lora_alpha ?? r;
    host.set(path, { rank: r, inF, outF, scale: loraScale(alpha, r, rslora), A: A.data, B: B.data });
    targets.add(mod);
    rank = Math.max(rank, r);
  }
  if (host.size === 0) throw new Error('The adapter has no LoRA weights for this language model.');
  const lora: LoraConfig = { rank, alpha: c.lora_alpha ?? rank, dropout: c.lora_dropout ?? 0, targets: MODULES.filter((m) => targets.has(m)), rslora, seed: 0 };
  return { lora, host, baseModel: c.base_model_name_or_path ?? null, ignored };
}

/** PEFT's rank_pattern/alpha_pattern: keys match a module name exactly, as a suffix, or as a regex. */
function patternValue(pattern: Record<string, number> | undefined, name: string): number | undefined {
  for (const [key, value] of Object.entries(pattern ?? {})) {
    if (name === key || name.endsWith(`.${key}`)) return value;
    try {
      if (new RegExp(`^(?:${key})$`).test(name) || new RegExp(`(^|\\.)(?:${key})$`).test(name)) return value;
    } catch {
      /* not a regex */
    }
  }
  return undefined;
}
