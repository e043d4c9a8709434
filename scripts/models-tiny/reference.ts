// Independent plain-JavaScript forward passes of the tiny SmolVLM, written from the Hugging Face
// Idefics3 / Llama modelling code (not from the ONNX graphs). They read the weights from
// model.safetensors (PyTorch layout) and the sizes from config.json, and compute in float64.
// The test compares them with ONNX Runtime on identical inputs.

import type { F32Tensor } from './safetensors.ts';

type W = Map<string, F32Tensor>;

function param(w: W, name: string): Float32Array {
  const t = w.get(name);
  if (!t) throw new Error(`missing ${name}`);
  return t.data;
}

/** y[n, out] = x[n, in] · W[out, in]ᵀ (+ b). */
function linear(x: Float64Array, n: number, inF: number, weight: Float32Array, bias?: Float32Array): Float64Array {
  const outF = weight.length / inF;
  const y = new Float64Array(n * outF);
  for (let r = 0; r < n; r++) {
    for (let o = 0; o < outF; o++) {
      let s = bias ? bias[o] : 0;
      for (let i = 0; i < inF; i++) s += x[r * inF + i] * weight[o * inF + i];
      y[r * outF + o] = s;
    }
  }
  return y;
}

function layerNorm(x: Float64Array, n: number, dim: number, weight: Float32Array, bias: Float32Array, eps: number) {
  const y = new Float64Array(x.length);
  for (let r = 0; r < n; r++) {
    let mean = 0;
    for (let i = 0; i < dim; i++) mean += x[r * dim + i];
    mean /= dim;
    let variance = 0;
    for (let i = 0; i < dim; i++) variance += (x[r * dim + i] - mean) ** 2;
    variance /= dim;
    const inv = 1 / Math.sqrt(variance + eps);
    for (let i = 0; i < dim; i++) y[r * dim + i] = (x[r * dim + i] - mean) * inv * weight[i] + bias[i];
  }
  return y;
}

function rmsNorm(x: Float64Array, n: number, dim: number, weight: Float32Array, eps: number) {
  const y = new Float64Array(x.length);
  for (let r = 0; r < n; r++) {
    let ms = 0;
    for (let i = 0; i < dim; i++) ms += x[r * dim + i] ** 2;
    const inv = 1 / Math.sqrt(ms / dim + eps);
    for (let i = 0; i < dim; i++) y[r * dim + i] = weight[i] * (x[r * dim + i] * inv);
  }
  return y;
}

function softmaxInPlace(row: Float64Array): void {
  let max = -Infinity;
  for (const v of row) max = Math.max(max, v);
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += row[i] = Math.exp(row[i] - max);
  for (let i = 0; i < row.length; i++) row[i] /= sum;
}

const geluTanh = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

/**
 * Idefics3Model.get_image_features for full tiles: vision transformer + connector.
 * pixelValues: [numImages, 3, size, size]. Returns [numImages * imageSeqLen, textHidden].
 */
export function referenceImageFeatures(w: W, config: any, pixelValues: Float32Array, numImages: number): Float64Array {
  const vc = config.vision_config;
  const C: number = vc.hidden_size;
  const P: number = vc.patch_size;
  const size: number = vc.image_size;
  const grid = size / P;
  const L = grid * grid;
  const heads: number = vc.num_attention_heads;
  const hd = C / heads;
  const eps: number = vc.layer_norm_eps;
  const s: number = config.scale_factor;
  const textHidden: number = config.text_config.hidden_size;
  const vm = 'model.vision_model';
  const out: Float64Array[] = [];

  for (let img = 0; img < numImages; img++) {
    const px = pixelValues.subarray(img * 3 * size * size, (img + 1) * 3 * size * size);
    // Conv2d(3, C, kernel=P, stride=P) → flatten(2).transpose(1, 2) → + position_embedding(arange).
    const convW = param(w, `${vm}.embeddings.patch_embedding.weight`);
    const convB = param(w, `${vm}.embeddings.patch_embedding.bias`);
    const pos = param(w, `${vm}.embeddings.position_embedding.weight`);
    let h = new Float64Array(L * C);
    for (let py = 0; py < grid; py++) {
      for (let pxi = 0; pxi < grid; pxi++) {
        const patch = py * grid + pxi;
        for (let o = 0; o < C; o++) {
          let acc = convB[o];
          for (let c = 0; c < 3; c++)
            for (let ky = 0; ky < P; ky++)
              for (let kx = 0; kx < P; kx++)
                acc +=
                  convW[((o * 3 + c) * P + ky) * P + kx] * px[(c * size + py * P + ky) * size + pxi * P + kx];
          h[patch * C + o] = acc + pos[patch * C + o];
        }
      }
    }
    for (let li = 0; li < vc.num_hidden_layers; li++) {
      const p = `${vm}.encoder.layers.${li}`;
      const n1 = layerNorm(h, L, C, param(w, `${p}.layer_norm1.weight`), param(w, `${p}.layer_norm1.bias`), eps);
      const proj = (name: string) =>
        linear(n1, L, C, param(w, `${p}.self_attn.${name}.weight`), param(w, `${p}.self_attn.${name}.bias`));
      const [q, k, v] = [proj('q_proj'), proj('k_proj'), proj('v_proj')];
      const ctx = new Float64Array(L * C);
      for (let hh = 0; hh < heads; hh++) {
        for (let i = 0; i < L; i++) {
          const row = new Float64Array(L);
          for (let j = 0; j < L; j++) {
            let dot = 0;
            for (let d = 0; d < hd; d++) dot += q[i * C + hh * hd + d] * k[j * C + hh * hd + d];
            row[j] = dot * hd ** -0.5;
          }
          softmaxInPlace(row);
          for (let j = 0; j < L; j++)
            for (let d = 0; d < hd; d++) ctx[i * C + hh * hd + d] += row[j] * v[j * C + hh * hd + d];
        }
      }
      const attn = linear(ctx, L, C, param(w, `${p}.self_attn.out_proj.weight`), param(w, `${p}.self_attn.out_proj.bias`));
      h = h.map((x, i) => x + attn[i]);
      const n2 = layerNorm(h, L, C, param(w, `${p}.layer_norm2.weight`), param(w, `${p}.layer_norm2.bias`), eps);
      const inter = vc.intermediate_size;
      const f1 = linear(n2, L, C, param(w, `${p}.mlp.fc1.weight`), param(w, `${p}.mlp.fc1.bias`)).map(geluTanh);
      const f2 = linear(f1, L, inter, param(w, `${p}.mlp.fc2.weight`), param(w, `${p}.mlp.fc2.bias`));
      h = h.map((x, i) => x + f2[i]);
    }
    h = layerNorm(h, L, C, param(w, `${vm}.post_layernorm.weight`), param(w, `${vm}.post_layernorm.bias`), eps);

    // Idefics3Connector.pixel_shuffle with explicit indices:
    // view [grid, grid/s, C·s] → permute → [grid/s, grid, C·s] → view [grid/s, grid/s, C·s²] → permute.
    const a = new Float64Array(L * C);
    const w1 = grid / s;
    for (let y = 0; y < grid; y++)
      for (let x = 0; x < w1; x++)
        for (let c = 0; c < C * s; c++) a[(x * grid + y) * C * s + c] = h[(y * w1 + x) * C * s + c];
    const shuffled = new Float64Array(L * C);
    for (let x = 0; x < w1; x++)
      for (let y = 0; y < w1; y++)
        for (let c = 0; c < C * s * s; c++) shuffled[(y * w1 + x) * C * s * s + c] = a[(x * w1 + y) * C * s * s + c];
    out.push(linear(shuffled, L / (s * s), C * s * s, param(w, 'model.connector.modality_projection.proj.weight')));
  }
  const all = new Float64Array((out.length * L) / (s * s) * textHidden);
  out.forEach((o, i) => all.set(o, i * o.length));
  return all;
}

export interface ReferenceDecoderOutput {
  /** [B, S, vocab] */
  logits: Float64Array;
  /** per layer: key and value [B, kvHeads, P + S, headDim] */
  present: { key: Float64Array; value: Float64Array }[];
}

/**
 * LlamaModel + lm_head on inputs_embeds, with optional past key/values (already rotated keys).
 * attentionMask: [B, P + S] (1 = token, 0 = padding); positionIds: [B, S].
 * Rows whose own attention_mask is 0 (padding queries) have no defined value and are NaN.
 */
export function referenceDecoder(
  w: W,
  config: any,
  embeds: Float32Array,
  batch: number,
  attentionMask: number[],
  positionIds: number[],
  past?: { key: ArrayLike<number>; value: ArrayLike<number> }[],
): ReferenceDecoderOutput {
  const tc = config.text_config;
  const D: number = tc.hidden_size;
  const H: number = tc.num_attention_heads;
  const KV: number = tc.num_key_value_heads;
  const hd: number = tc.head_dim;
  const V: number = tc.vocab_size;
  const S = embeds.length / (batch * D);
  const T = attentionMask.length / batch;
  const P = T - S;
  const eps: number = tc.rms_norm_eps;
  const invFreq = Array.from({ length: hd / 2 }, (_, k) => 1 / tc.rope_theta ** ((2 * k) / hd));
  const rope = (x: Float64Array, offset: number, position: number) => {
    const rotated = new Float64Array(hd);
    for (let d = 0; d < hd; d++) {
      const angle = position * invFreq[d % (hd / 2)];
      const other = d < hd / 2 ? -x[offset + d + hd / 2] : x[offset + d - hd / 2]; // rotate_half
      rotated[d] = x[offset + d] * Math.cos(angle) + other * Math.sin(angle);
    }
    x.set(rotated, offset);
  };

  let h = Float64Array.from(embeds);
  const present: { key: Float64Array; value: Float64Array }[] = [];
  for (let li = 0; li < tc.num_hidden_layers; li++) {
    const p = `model.text_model.layers.${li}`;
    const n1 = rmsNorm(h, batch * S, D, param(w, `${p}.input_layernorm.weight`), eps);
    const q = linear(n1, batch * S, D, param(w, `${p}.self_attn.q_proj.weight`));
    const k = linear(n1, batch * S, D, param(w, `${p}.self_attn.k_proj.weight`));
    const v = linear(n1, batch * S, D, param(w, `${p}.self_attn.v_proj.weight`));
    for (let b = 0; b < batch; b++)
      for (let i = 0; i < S; i++) {
        const pos = positionIds[b * S + i];
        for (let hh = 0; hh < H; hh++) rope(q, (b * S + i) * H * hd + hh * hd, pos);
        for (let hh = 0; hh < KV; hh++) rope(k, (b * S + i) * KV * hd + hh * hd, pos);
      }
    // Cache layout [B, KV, T, hd]: past first, then this step's keys/values.
    const keyAll = new Float64Array(batch * KV * T * hd);
    const valAll = new Float64Array(batch * KV * T * hd);
    for (let b = 0; b < batch; b++)
      for (let kv = 0; kv < KV; kv++)
        for (let t = 0; t < T; t++)
          for (let d = 0; d < hd; d++) {
            const dst = ((b * KV + kv) * T + t) * hd + d;
            if (t < P) {
              const src = ((b * KV + kv) * P + t) * hd + d;
              keyAll[dst] = past![li].key[src];
              valAll[dst] = past![li].value[src];
            } else {
              const src = (b * S + (t - P)) * KV * hd + kv * hd + d;
              keyAll[dst] = k[src];
              valAll[dst] = v[src];
            }
          }
    present.push({ key: keyAll, value: valAll });

    const ctx = new Float64Array(batch * S * H * hd);
    for (let b = 0; b < batch; b++)
      for (let i = 0; i < S; i++) {
        for (let hh = 0; hh < H; hh++) {
          const kv = Math.floor(hh / (H / KV)); // repeat_kv
          const allowed: number[] = [];
          for (let t = 0; t < T; t++) if (t <= P + i && attentionMask[b * T + t] === 1) allowed.push(t);
          const row = new Float64Array(allowed.length);
          allowed.forEach((t, a) => {
            let dot = 0;
            for (let d = 0; d < hd; d++) dot += q[(b * S + i) * H * hd + hh * hd + d] * keyAll[((b * KV + kv) * T + t) * hd + d];
            row[a] = dot / Math.sqrt(hd);
          });
          softmaxInPlace(row);
          allowed.forEach((t, a) => {
            for (let d = 0; d < hd; d++)
              ctx[(b * S + i) * H * hd + hh * hd + d] += row[a] * valAll[((b * KV + kv) * T + t) * hd + d];
          });
        }
      }
    const o = linear(ctx, batch * S, H * hd, param(w, `${p}.self_attn.o_proj.weight`));
    h = h.map((x, i) => x + o[i]);
    const n2 = rmsNorm(h, batch * S, D, param(w, `${p}.post_attention_layernorm.weight`), eps);
    const inter: number = tc.intermediate_size;
    const gate = linear(n2, batch * S, D, param(w, `${p}.mlp.gate_proj.weight`));
    const up = linear(n2, batch * S, D, param(w, `${p}.mlp.up_proj.weight`));
    const act = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]); // silu(gate) * up
    const down = linear(act, batch * S, inter, param(w, `${p}.mlp.down_proj.weight`));
    h = h.map((x, i) => x + down[i]);
  }
  const normed = rmsNorm(h, batch * S, D, param(w, 'model.text_model.norm.weight'), eps);
  const logits = linear(normed, batch * S, D, param(w, 'lm_head.weight'));
  for (let b = 0; b < batch; b++)
    for (let i = 0; i < S; i++) if (attentionMask[b * T + P + i] !== 1) logits.fill(NaN, (b * S + i) * V, (b * S + i + 1) * V);
  return { logits, present };
}
