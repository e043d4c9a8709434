// onnx/vision_encoder.onnx: Idefics3 vision tower + connector, as transformers.js calls it.
//
//   in  pixel_values          float32 [batch_size, num_images, 3, 64, 64]  (one 64×64 tile each)
//   in  pixel_attention_mask  bool    [batch_size, num_images, 64, 64]
//   out image_features        float32 [num_real_images * 16, 64]           (already text width)
//
// Math (Hugging Face Idefics3Model.get_image_features for full-size tiles):
//   patch Conv(8×8, stride 8) + bias → flatten to 64 patches → + position_embedding[0..63]
//   2 × [x + attn(LN1(x)); x + fc2(gelu_tanh(fc1(LN2(x))))] → post_layernorm
//   pixel_shuffle(scale 2): [64, 32] → [16, 128] → proj (no bias) → [16, 64]
//
// pixel_attention_mask: the processor always produces full tiles, so inside a tile every patch
// is valid and the patch position ids are simply 0..63 — the intended result of HF's bucketised
// ids (HF transformers >= 4.55 computes [0, 0, 1, ..., 6] per row in float32 because of a
// `1 - 1e-6` factor; a known regression, huggingface/transformers#41190 / #47133). The mask is
// used the way HF uses its "real images" filter: images whose mask is all false (the padding
// images transformers.js adds when a batch has different image counts) are dropped with
// Compress, so the number of feature rows equals the number of <image> tokens in the prompt.
// Compress is the one op here that ORT's WebGPU EP lacks; ORT runs that last node on the CPU.

import { SCALE_FACTOR, TEXT, VISION } from './config.ts';
import { DataType, GraphBuilder, attr } from './onnx.ts';
import { transpose2d, type Weights } from './weights.ts';

export function buildVisionEncoder(w: Weights): Uint8Array {
  const g = new GraphBuilder(
    'vision_encoder',
    'Tiny random Idefics3 vision encoder + connector (scripts/models-tiny). Weights: model.safetensors.',
  );
  const S = VISION.imageSize;
  const C = VISION.hidden;
  const grid = S / VISION.patch; // 8 patches per side
  const nPatch = grid * grid;
  const heads = VISION.heads;
  const hd = C / heads;

  const pixels = g.input('pixel_values', DataType.FLOAT, ['batch_size', 'num_images', 3, S, S]);
  const mask = g.input('pixel_attention_mask', DataType.BOOL, ['batch_size', 'num_images', S, S]);

  const get = (name: string) => {
    const t = w.get(name);
    if (!t) throw new Error(`missing weight ${name}`);
    return t;
  };
  const init = (name: string) => g.initializer(name, get(name).shape, get(name).data);
  const initT = (name: string) => {
    const t = get(name);
    return g.initializer(`${name}.T`, [t.shape[1], t.shape[0]], transpose2d(t));
  };
  const linear = (x: string, name: string, bias = true) => {
    const y = g.op('MatMul', [x, initT(`${name}.weight`)]);
    return bias ? g.op('Add', [y, init(`${name}.bias`)]) : y;
  };
  const layerNorm = (x: string, name: string) =>
    g.op('LayerNormalization', [x, init(`${name}.weight`), init(`${name}.bias`)], {
      axis: attr.int(-1),
      epsilon: attr.float(VISION.layerNormEps),
    });

  // Embeddings: [B*N, 3, 64, 64] → conv → [B*N, 64 patches, 32] + positions.
  const flat = g.op('Reshape', [pixels, g.constI64([-1, 3, S, S])]);
  const vm = 'model.vision_model';
  const conv = g.op('Conv', [flat, init(`${vm}.embeddings.patch_embedding.weight`), init(`${vm}.embeddings.patch_embedding.bias`)], {
    kernel_shape: attr.ints([VISION.patch, VISION.patch]),
    strides: attr.ints([VISION.patch, VISION.patch]),
  });
  const patches = g.op('Transpose', [g.op('Reshape', [conv, g.constI64([-1, C, nPatch])])], { perm: attr.ints([0, 2, 1]) });
  let h = g.op('Add', [patches, init(`${vm}.embeddings.position_embedding.weight`)]);

  const scale = g.constF([1 / Math.sqrt(hd)], []);
  const splitHeads = (x: string, perm: number[]) =>
    g.op('Transpose', [g.op('Reshape', [x, g.constI64([0, 0, heads, hd])])], { perm: attr.ints(perm) });
  for (let i = 0; i < VISION.layers; i++) {
    const p = `${vm}.encoder.layers.${i}`;
    // Self-attention (bidirectional, all patches valid).
    const n1 = layerNorm(h, `${p}.layer_norm1`);
    const q = splitHeads(linear(n1, `${p}.self_attn.q_proj`), [0, 2, 1, 3]); // [N, H, L, d]
    const kT = splitHeads(linear(n1, `${p}.self_attn.k_proj`), [0, 2, 3, 1]); // [N, H, d, L]
    const v = splitHeads(linear(n1, `${p}.self_attn.v_proj`), [0, 2, 1, 3]);
    const probs = g.op('Softmax', [g.op('Mul', [g.op('MatMul', [q, kT]), scale])], { axis: attr.int(-1) });
    const ctx = g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: attr.ints([0, 2, 1, 3]) });
    const merged = g.op('Reshape', [ctx, g.constI64([0, 0, C])]);
    h = g.op('Add', [h, linear(merged, `${p}.self_attn.out_proj`)]);
    // MLP with gelu_pytorch_tanh: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    const n2 = layerNorm(h, `${p}.layer_norm2`);
    const f = linear(n2, `${p}.mlp.fc1`);
    const cube = g.op('Mul', [g.op('Mul', [f, f]), f]);
    const inner = g.op('Mul', [g.op('Add', [f, g.op('Mul', [cube, g.constF([0.044715], [])])]), g.constF([Math.sqrt(2 / Math.PI)], [])]);
    const gelu = g.op('Mul', [g.op('Mul', [f, g.constF([0.5], [])]), g.op('Add', [g.op('Tanh', [inner]), g.constF([1], [])])]);
    h = g.op('Add', [h, linear(gelu, `${p}.mlp.fc2`)]);
  }
  h = layerNorm(h, `${vm}.post_layernorm`);

  // Idefics3Connector.pixel_shuffle, step by step (x: [N, seq=64, C]):
  const s = SCALE_FACTOR;
  let x = g.op('Reshape', [h, g.constI64([-1, grid, grid / s, C * s])]); // view(N, h, w/s, C·s)
  x = g.op('Transpose', [x], { perm: attr.ints([0, 2, 1, 3]) }); // [N, w/s, h, C·s]
  x = g.op('Reshape', [x, g.constI64([-1, grid / s, grid / s, C * s * s])]); // [N, w/s, h/s, C·s²]
  x = g.op('Transpose', [x], { perm: attr.ints([0, 2, 1, 3]) }); // [N, h/s, w/s, C·s²]
  x = g.op('Reshape', [x, g.constI64([-1, nPatch / (s * s), C * s * s])]); // [N, 16, 128]
  const projected = linear(x, 'model.connector.modality_projection.proj', false); // [N, 16, 64]

  // Drop padding images (mask all false), then flatten to [tokens, 64].
  const maskF = g.op('Reshape', [g.op('Cast', [mask], { to: attr.int(DataType.FLOAT) }), g.constI64([-1, S * S])]);
  const real = g.op('Cast', [g.op('ReduceMax', [maskF], { axes: attr.ints([1]), keepdims: attr.int(0) })], {
    to: attr.int(DataType.BOOL),
  });
  const kept = g.op('Compress', [projected, real], { axis: attr.int(0) });
  g.op('Reshape', [kept, g.constI64([-1, TEXT.hidden])], {}, 'image_features');
  g.output('image_features', DataType.FLOAT, ['num_image_tokens', TEXT.hidden]);

  return g.toModel('tpi-playground scripts/models-tiny');
}
