/**
 * The language model's shape, read from a Hugging Face config.json (Idefics3/SmolVLM's
 * `text_config`, or a plain Llama config), and the names of its linear modules as they appear
 * in the Hugging Face model (and so in PEFT adapters and safetensors files).
 */

export interface LlamaConfig {
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  vocab: number;
  eps: number;
  theta: number;
  /** lm_head shares the embedding matrix */
  tied: boolean;
  maxPositions: number;
  /** HF path of the decoder layers' parent: "model.text_model" (Idefics3) or "model" (Llama) */
  prefix: string;
}

export const MODULES = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
export type ModuleName = (typeof MODULES)[number];

/** CLI/UI short names: q, k, v, o, gate, up, down. */
export const SHORT_NAMES: Record<string, ModuleName> = {
  q: 'q_proj', k: 'k_proj', v: 'v_proj', o: 'o_proj', gate: 'gate_proj', up: 'up_proj', down: 'down_proj',
};

export function llamaConfigFrom(json: any): LlamaConfig {
  const idefics = json.text_config !== undefined;
  const tc = idefics ? json.text_config : json;
  const need = (k: string) => {
    if (typeof tc[k] !== 'number') throw new Error(`config.json: ${idefics ? 'text_config.' : ''}${k} is missing`);
    return tc[k] as number;
  };
  const hidden = need('hidden_size');
  const heads = need('num_attention_heads');
  const mt = tc.model_type ?? 'llama';
  if (mt !== 'llama') throw new Error(`Only Llama-style language models are supported (model_type "${mt}").`);
  if (tc.rope_scaling) throw new Error('rope_scaling is not supported yet.');
  return {
    layers: need('num_hidden_layers'),
    hidden,
    heads,
    kvHeads: tc.num_key_value_heads ?? heads,
    headDim: tc.head_dim ?? hidden / heads,
    intermediate: need('intermediate_size'),
    vocab: need('vocab_size'),
    eps: tc.rms_norm_eps ?? 1e-6,
    theta: tc.rope_theta ?? 10000,
    tied: Boolean(tc.tie_word_embeddings ?? json.tie_word_embeddings ?? false),
    maxPositions: tc.max_position_embeddings ?? 2048,
    prefix: idefics ? 'model.text_model' : 'model',
  };
}

/** [in, out] features of a module. */
export function moduleShape(c: LlamaConfig, m: ModuleName): [number, number] {
  const qDim = c.heads * c.headDim;
  const kvDim = c.kvHeads * c.headDim;
  switch (m) {
    case 'q_proj':
      return [c.hidden, qDim];
    case 'k_proj':
    case 'v_proj':
      return [c.hidden, kvDim];
    case 'o_proj':
      return [qDim, c.hidden];
    case 'gate_proj':
    case 'up_proj':
      return [c.hidden, c.intermediate];
    case 'down_proj':
      return [c.intermediate, c.hidden];
  }
}

export function modulePath(c: LlamaConfig, layer: number, m: ModuleName): string {
  const block = m === 'gate_proj' || m === 'up_proj' || m === 'down_proj' ? 'mlp' : 'self_attn';
  return `${c.prefix}.layers.${layer}.${block}.${m}`;
}

/** Parameter count of the language model (embeddings included; lm_head once when untied). */
export function parameterCount(c: LlamaConfig): number {
  let perLayer = 2 * c.hidden;
  for (const m of MODULES) {
    const [i, o] = moduleShape(c, m);
    perLayer += i * o;
  }
  return c.layers * perLayer + c.hidden + c.vocab * c.hidden * (c.tied ? 1 : 2);
}

/** The SmolVLM-256M language model (SmolLM2-135M shapes), for the benchmark. */
export const SMOLVLM_256M_TEXT: LlamaConfig = {
  layers: 30, hidden: 576, heads: 9, kvHeads: 3, headDim: 64, intermediate: 1536, vocab: 49280,
  eps: 1e-5, theta: 100000, tied: false, maxPositions: 8192, prefix: 'model.text_model',
};
