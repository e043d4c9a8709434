// onnx/embed_tokens.onnx and onnx/decoder_model_merged.onnx: the Llama (SmolLM2) text model
// split the way onnx-community exports SmolVLM, so transformers.js can merge image features
// into the token embeddings between the two.
//
// embed_tokens:   input_ids int64 [batch_size, sequence_length] → inputs_embeds f32 [.., .., 64]
//
// decoder_model_merged ("merged": one graph for the first step and for cached steps):
//   in  inputs_embeds              f32   [batch_size, sequence_length, 64]
//   in  attention_mask             int64 [batch_size, total_sequence_length]   (1 = real token)
//   in  position_ids               int64 [batch_size, sequence_length]
//   in  past_key_values.{i}.key    f32   [batch_size, 2, past_sequence_length, 16]  (and .value)
//   out logits                     f32   [batch_size, sequence_length, vocab]
//   out present.{i}.key            f32   [batch_size, 2, total_sequence_length, 16] (and .value)
// kv-heads (2) and head_dim (16) are numbers in the declared shapes: transformers.js v4 builds
// the empty first-step cache from this metadata (symbolic dims it cannot resolve become 0).
//
// Per layer (HF LlamaDecoderLayer): x + o_proj(attn(RMSNorm(x))); x + down(silu(gate)·up).
// Attention: RoPE (theta 100000, rotate_half convention; cos/sin tables gathered by
// position_ids), grouped-query heads (each kv head serves 2 query heads), scores/√16 plus a
// mask that is causal over the sequence order (query i sits at past_len + i) and hides padded
// keys (attention_mask == 0).
// Only standard opset-17 ops that ORT's WebGPU EP also implements (int64 shape arithmetic is
// placed on the CPU by ORT itself).

import { TEXT } from './config.ts';
import { DataType, GraphBuilder, attr } from './onnx.ts';
import type { TinyVocab } from './tokenizer.ts';
import { transpose2d, type Weights } from './weights.ts';

const PRODUCER = 'tpi-playground scripts/models-tiny';
const FLOAT32_LOWEST = -3.4028234663852886e38;

function getter(w: Weights) {
  return (name: string) => {
    const t = w.get(name);
    if (!t) throw new Error(`missing weight ${name}`);
    return t;
  };
}

/**
 * cos/sin of position · inv_freq for positions 0..max_position_embeddings-1, [maxPos, head_dim/2],
 * computed like HF in float32: inv_freq = 1 / theta^(2k/d), angle = fp32(position · inv_freq).
 * (Math.pow/sin/cos are V8's fdlibm ports, identical on every platform, so the bytes are stable.)
 */
export function ropeTables(): [Float32Array, Float32Array] {
  const half = TEXT.headDim / 2;
  const invFreq = Array.from({ length: half }, (_, k) => Math.fround(1 / Math.pow(TEXT.ropeTheta, (2 * k) / TEXT.headDim)));
  const cos = new Float32Array(TEXT.maxPositions * half);
  const sin = new Float32Array(TEXT.maxPositions * half);
  for (let p = 0; p < TEXT.maxPositions; p++) {
    for (let k = 0; k < half; k++) {
      const angle = Math.fround(p * invFreq[k]);
      cos[p * half + k] = Math.cos(angle);
      sin[p * half + k] = Math.sin(angle);
    }
  }
  return [cos, sin];
}

export function buildEmbedTokens(w: Weights): Uint8Array {
  const g = new GraphBuilder('embed_tokens', 'Tiny random SmolVLM token embeddings (scripts/models-tiny).');
  const ids = g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const t = getter(w)('model.text_model.embed_tokens.weight');
  const table = g.initializer('model.text_model.embed_tokens.weight', t.shape, t.data);
  g.op('Gather', [table, ids], { axis: attr.int(0) }, 'inputs_embeds');
  g.output('inputs_embeds', DataType.FLOAT, ['batch_size', 'sequence_length', TEXT.hidden]);
  return g.toModel(PRODUCER);
}

export function buildDecoder(w: Weights, v: TinyVocab): Uint8Array {
  const g = new GraphBuilder(
    'decoder_model_merged',
    'Tiny random SmolVLM (Llama) decoder with KV cache (scripts/models-tiny). Weights: model.safetensors.',
  );
  const { hidden: D, heads: H, kvHeads: KV, headDim: hd, layers: L } = TEXT;
  const get = getter(w);
  const init = (name: string) => g.initializer(name, get(name).shape, get(name).data);
  const linear = (x: string, name: string) => {
    const t = get(`${name}.weight`);
    return g.op('MatMul', [x, g.initializer(`${name}.weight.T`, [t.shape[1], t.shape[0]], transpose2d(t))]);
  };
  const rmsNorm = (x: string, name: string) => {
    const meanSq = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: attr.ints([-1]), keepdims: attr.int(1) });
    const rms = g.op('Sqrt', [g.op('Add', [meanSq, g.constF([TEXT.rmsEps], [])])]);
    return g.op('Mul', [g.op('Div', [x, rms]), init(`${name}.weight`)]);
  };
  const scalarFrom = (shapeOf: string, index: number) =>
    g.op('Cast', [g.op('Gather', [g.op('Shape', [shapeOf]), g.constI64([index], [])], { axis: attr.int(0) })], {
      to: attr.int(DataType.FLOAT),
    });

  const embeds = g.input('inputs_embeds', DataType.FLOAT, ['batch_size', 'sequence_length', D]);
  const mask = g.input('attention_mask', DataType.INT64, ['batch_size', 'total_sequence_length']);
  const positions = g.input('position_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const past: [string, string][] = [];
  for (let i = 0; i < L; i++) {
    const dims = ['batch_size', KV, 'past_sequence_length', hd];
    past.push([
      g.input(`past_key_values.${i}.key`, DataType.FLOAT, dims),
      g.input(`past_key_values.${i}.value`, DataType.FLOAT, dims),
    ]);
  }

  // Attention bias [B, 1, S, T]: 0 where key j is visible to query i, float32 lowest elsewhere.
  const total = scalarFrom(mask, 1);
  const pastLen = g.op('Sub', [total, scalarFrom(embeds, 1)]);
  const one = g.constF([1], []);
  const keyPos = g.op('Unsqueeze', [g.op('Range', [g.constF([0], []), total, one]), g.constI64([0])]); // [1, T]
  const queryPos = g.op('Unsqueeze', [g.op('Range', [pastLen, total, one]), g.constI64([1])]); // [S, 1]
  const causal = g.op('LessOrEqual', [keyPos, queryPos]); // [S, T]
  const lowest = g.constF([FLOAT32_LOWEST], []);
  const padded = g.op('Equal', [mask, g.constI64([0], [])]); // [B, T]
  const padBias = g.op('Unsqueeze', [g.op('Where', [padded, lowest, g.constF([0], [])]), g.constI64([1, 2])]);
  const bias = g.op('Where', [causal, padBias, lowest]); // [B, 1, S, T]

  // RoPE: cos/sin tables for every position (as HF's LlamaRotaryEmbedding computes them, in
  // float32), gathered by position_ids. Precomputed rather than Sin/Cos in the graph because
  // WGSL sin/cos are only accurate on [-π, π]: on WebGPU, large angles would drift.
  const [cosTable, sinTable] = ropeTables();
  const cosHalf = g.op('Gather', [g.initializer('rope.cos', [TEXT.maxPositions, hd / 2], cosTable), positions], { axis: attr.int(0) });
  const sinHalf = g.op('Gather', [g.initializer('rope.sin', [TEXT.maxPositions, hd / 2], sinTable), positions], { axis: attr.int(0) });
  // [B, S, hd/2] → cat(x, x) → [B, 1, S, hd]
  const cos = g.op('Unsqueeze', [g.op('Concat', [cosHalf, cosHalf], { axis: attr.int(-1) }), g.constI64([1])]);
  const sin = g.op('Unsqueeze', [g.op('Concat', [sinHalf, sinHalf], { axis: attr.int(-1) }), g.constI64([1])]);
  const half = (x: string, from: number, to: number) =>
    g.op('Slice', [x, g.constI64([from]), g.constI64([to]), g.constI64([-1])]);
  const rope = (x: string) => {
    const rotated = g.op('Concat', [g.op('Neg', [half(x, hd / 2, hd)]), half(x, 0, hd / 2)], { axis: attr.int(-1) });
    return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [rotated, sin])]);
  };
  const heads = (x: string, n: number) =>
    g.op('Transpose', [g.op('Reshape', [x, g.constI64([0, 0, n, hd])])], { perm: attr.ints([0, 2, 1, 3]) });
  // [B, KV, T, hd] → [B, H, T, hd]: query head h uses kv head floor(h / (H/KV)) (HF repeat_kv).
  const repeatKv = (x: string) =>
    g.op('Reshape', [
      g.op('Expand', [g.op('Unsqueeze', [x, g.constI64([2])]), g.constI64([1, 1, H / KV, 1, 1])]),
      g.constI64([0, H, -1, hd]),
    ]);
  const scale = g.constF([1 / Math.sqrt(hd)], []);

  let h = embeds;
  for (let i = 0; i < L; i++) {
    const p = `model.text_model.layers.${i}`;
    const n1 = rmsNorm(h, `${p}.input_layernorm`);
    const q = rope(heads(linear(n1, `${p}.self_attn.q_proj`), H));
    const k = rope(heads(linear(n1, `${p}.self_attn.k_proj`), KV));
    const vv = heads(linear(n1, `${p}.self_attn.v_proj`), KV);
    const keyAll = g.op('Concat', [past[i][0], k], { axis: attr.int(2) }, `present.${i}.key`);
    const valAll = g.op('Concat', [past[i][1], vv], { axis: attr.int(2) }, `present.${i}.value`);
    const kT = g.op('Transpose', [repeatKv(keyAll)], { perm: attr.ints([0, 1, 3, 2]) });
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, kT]), scale]), bias]);
    const probs = g.op('Softmax', [scores], { axis: attr.int(-1) });
    const ctx = g.op('Transpose', [g.op('MatMul', [probs, repeatKv(valAll)])], { perm: attr.ints([0, 2, 1, 3]) });
    const attnOut = linear(g.op('Reshape', [ctx, g.constI64([0, 0, H * hd])]), `${p}.self_attn.o_proj`);
    h = g.op('Add', [h, attnOut]);

    const n2 = rmsNorm(h, `${p}.post_attention_layernorm`);
    const gate = linear(n2, `${p}.mlp.gate_proj`);
    const silu = g.op('Mul', [gate, g.op('Sigmoid', [gate])]);
    const up = linear(n2, `${p}.mlp.up_proj`);
    h = g.op('Add', [h, linear(g.op('Mul', [silu, up]), `${p}.mlp.down_proj`)]);
  }
  const normed = rmsNorm(h, 'model.text_model.norm');
  const head = get('lm_head.weight');
  g.op('MatMul', [normed, g.initializer('lm_head.weight.T', [head.shape[1], head.shape[0]], transpose2d(head))], {}, 'logits');

  g.output('logits', DataType.FLOAT, ['batch_size', 'sequence_length', v.size]);
  for (let i = 0; i < L; i++) {
    const dims = ['batch_size', KV, 'total_sequence_length', hd];
    g.output(`present.${i}.key`, DataType.FLOAT, dims);
    g.output(`present.${i}.value`, DataType.FLOAT, dims);
  }
  return g.toModel(PRODUCER);
}
