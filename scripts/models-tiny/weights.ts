// Seeded random weights under the Hugging Face Idefics3ForConditionalGeneration parameter names
// and shapes (PyTorch layout: Linear.weight is [out_features, in_features]).
//
// Scales are chosen so activations stay O(1) without training: linear layers ~N(0, 1/fan_in)
// (unit-variance outputs), norms ~1 with a little noise, token embeddings ~N(0, 1). The
// attention therefore has visible structure and the image really changes the answer.
//
// The lm_head rows of every token the model should never *generate* (special tokens incl.
// <end_of_utterance>/<|im_end|>, single bytes, whitespace, anything with '<' or '>') are zero,
// so their logit is exactly 0 while the best of the ~230 word-piece rows is clearly positive:
// greedy decoding always produces printable word pieces and never stops before max_new_tokens.

import { SCALE_FACTOR, SEED, TEXT, VISION } from './config.ts';
import { Rng } from './prng.ts';
import { isGeneratable, type TinyVocab } from './tokenizer.ts';

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

export type Weights = Map<string, Tensor>;

export function makeWeights(v: TinyVocab, seed = SEED): Weights {
  const rng = new Rng(seed);
  const w: Weights = new Map();
  const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  const normal = (name: string, shape: number[], std: number, mean = 0) =>
    w.set(name, { shape, data: rng.normalArray(size(shape), std, mean) });
  const linear = (name: string, out: number, inp: number, bias: boolean) => {
    normal(`${name}.weight`, [out, inp], 1 / Math.sqrt(inp));
    if (bias) normal(`${name}.bias`, [out], 0.02);
  };
  const layerNorm = (name: string, dim: number) => {
    normal(`${name}.weight`, [dim], 0.1, 1);
    normal(`${name}.bias`, [dim], 0.05);
  };

  // --- vision tower (SigLIP-style, Idefics3VisionTransformer) ---
  const vm = 'model.vision_model';
  const vh = VISION.hidden;
  const patchFanIn = 3 * VISION.patch * VISION.patch;
  normal(`${vm}.embeddings.patch_embedding.weight`, [vh, 3, VISION.patch, VISION.patch], 1 / Math.sqrt(patchFanIn));
  normal(`${vm}.embeddings.patch_embedding.bias`, [vh], 0.02);
  normal(`${vm}.embeddings.position_embedding.weight`, [(VISION.imageSize / VISION.patch) ** 2, vh], 0.5);
  for (let i = 0; i < VISION.layers; i++) {
    const p = `${vm}.encoder.layers.${i}`;
    for (const proj of ['k_proj', 'v_proj', 'q_proj', 'out_proj']) linear(`${p}.self_attn.${proj}`, vh, vh, true);
    layerNorm(`${p}.layer_norm1`, vh);
    linear(`${p}.mlp.fc1`, VISION.intermediate, vh, true);
    linear(`${p}.mlp.fc2`, vh, VISION.intermediate, true);
    layerNorm(`${p}.layer_norm2`, vh);
  }
  layerNorm(`${vm}.post_layernorm`, vh);

  // --- connector: pixel shuffle then a bias-free projection to the text width ---
  linear('model.connector.modality_projection.proj', TEXT.hidden, vh * SCALE_FACTOR ** 2, false);

  // --- text model (Llama / SmolLM2) ---
  const tm = 'model.text_model';
  const d = TEXT.hidden;
  normal(`${tm}.embed_tokens.weight`, [v.size, d], 1);
  for (let i = 0; i < TEXT.layers; i++) {
    const p = `${tm}.layers.${i}`;
    linear(`${p}.self_attn.q_proj`, TEXT.heads * TEXT.headDim, d, false);
    linear(`${p}.self_attn.k_proj`, TEXT.kvHeads * TEXT.headDim, d, false);
    linear(`${p}.self_attn.v_proj`, TEXT.kvHeads * TEXT.headDim, d, false);
    linear(`${p}.self_attn.o_proj`, d, TEXT.heads * TEXT.headDim, false);
    linear(`${p}.mlp.gate_proj`, TEXT.intermediate, d, false);
    linear(`${p}.mlp.up_proj`, TEXT.intermediate, d, false);
    linear(`${p}.mlp.down_proj`, d, TEXT.intermediate, false);
    normal(`${p}.input_layernorm.weight`, [d], 0.1, 1);
    normal(`${p}.post_attention_layernorm.weight`, [d], 0.1, 1);
  }
  normal(`${tm}.norm.weight`, [d], 0.1, 1);

  // Untied LM head (tie_word_embeddings: false, as in SmolVLM-256M); logits ~N(0, 2²).
  normal('lm_head.weight', [v.size, d], 2 / Math.sqrt(d));
  const head = w.get('lm_head.weight')!.data;
  for (let id = 0; id < v.size; id++) {
    if (!isGeneratable(v, id)) head.fill(0, id * d, (id + 1) * d);
  }
  return w;
}

/** Returns W transposed ([in, out]) for ONNX MatMul(x, Wᵀ). */
export function transpose2d(t: Tensor): Float32Array {
  const [rows, cols] = t.shape;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = t.data[r * cols + c];
  return out;
}
