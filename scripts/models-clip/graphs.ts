// The two ONNX graphs of the tiny CLIP-style model, in the layout transformers.js loads for
// CLIPVisionModelWithProjection (onnx/vision_model.onnx) and CLIPTextModelWithProjection
// (onnx/text_model.onnx). Random weights; the architecture is reduced to what a contrastive
// lens needs: an embedding, a pooled representation, LayerNorm and a projection.
//
//   vision: pixel_values [B, 3, 32, 32] → Conv 8×8/8 → [B, 16 patches, 32] + positions
//           → mean over patches → LayerNorm → Linear(32→16) → image_embeds [B, 16]
//   text:   input_ids [B, L] (int64), attention_mask [B, L] → token embedding [B, L, 32]
//           → mean over unmasked tokens → LayerNorm → Linear(32→16) → text_embeds [B, 16]
//
// Both also output last_hidden_state, as the real exports do.

import { DataType, GraphBuilder, attr } from '../models-tiny/onnx.ts';
import { Rng } from '../models-tiny/prng.ts';

export const CLIP = { image: 32, patch: 8, hidden: 32, projection: 16, seed: 20250707 } as const;

export interface ClipWeights {
  patch: Float32Array; // [hidden, 3, patch, patch]
  patchBias: Float32Array;
  positions: Float32Array; // [patches, hidden]
  visionLn: [Float32Array, Float32Array];
  visionProj: Float32Array; // [hidden, projection] (already transposed for MatMul)
  tokens: Float32Array; // [vocab, hidden]
  textLn: [Float32Array, Float32Array];
  textProj: Float32Array;
}

export function makeClipWeights(vocabSize: number): ClipWeights {
  const rng = new Rng(CLIP.seed);
  const H = CLIP.hidden;
  const P = CLIP.projection;
  const nPatch = (CLIP.image / CLIP.patch) ** 2;
  const fanIn = 3 * CLIP.patch * CLIP.patch;
  const ln = (): [Float32Array, Float32Array] => [rng.normalArray(H, 0.05, 1), rng.normalArray(H, 0.05)];
  return {
    patch: rng.normalArray(H * fanIn, 1 / Math.sqrt(fanIn)),
    patchBias: rng.normalArray(H, 0.02),
    positions: rng.normalArray(nPatch * H, 0.1),
    visionLn: ln(),
    visionProj: rng.normalArray(H * P, 1 / Math.sqrt(H)),
    tokens: rng.normalArray(vocabSize * H, 1),
    textLn: ln(),
    textProj: rng.normalArray(H * P, 1 / Math.sqrt(H)),
  };
}

const PRODUCER = 'tpi-playground scripts/models-clip';

export function buildClipVision(w: ClipWeights): Uint8Array {
  const g = new GraphBuilder('vision_model', 'Tiny random CLIP-style vision tower with projection (scripts/models-clip).');
  const S = CLIP.image;
  const H = CLIP.hidden;
  const nPatch = (S / CLIP.patch) ** 2;
  const pixels = g.input('pixel_values', DataType.FLOAT, ['batch_size', 3, S, S]);
  const conv = g.op('Conv', [pixels, g.initializer('patch.weight', [H, 3, CLIP.patch, CLIP.patch], w.patch), g.initializer('patch.bias', [H], w.patchBias)], {
    kernel_shape: attr.ints([CLIP.patch, CLIP.patch]),
    strides: attr.ints([CLIP.patch, CLIP.patch]),
  });
  const patches = g.op('Transpose', [g.op('Reshape', [conv, g.constI64([-1, H, nPatch])])], { perm: attr.ints([0, 2, 1]) });
  g.op('Add', [patches, g.initializer('positions', [nPatch, H], w.positions)], {}, 'last_hidden_state');
  const pooled = g.op('ReduceMean', ['last_hidden_state'], { axes: attr.ints([1]), keepdims: attr.int(0) });
  const normed = g.op('LayerNormalization', [pooled, g.initializer('vision_ln.weight', [H], w.visionLn[0]), g.initializer('vision_ln.bias', [H], w.visionLn[1])], {
    axis: attr.int(-1),
    epsilon: attr.float(1e-5),
  });
  g.op('MatMul', [normed, g.initializer('visual_projection', [H, CLIP.projection], w.visionProj)], {}, 'image_embeds');
  g.output('image_embeds', DataType.FLOAT, ['batch_size', CLIP.projection]);
  g.output('last_hidden_state', DataType.FLOAT, ['batch_size', nPatch, H]);
  return g.toModel(PRODUCER);
}

export function buildClipText(w: ClipWeights, vocabSize: number): Uint8Array {
  const g = new GraphBuilder('text_model', 'Tiny random CLIP-style text tower with projection (scripts/models-clip).');
  const H = CLIP.hidden;
  const ids = g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', DataType.INT64, ['batch_size', 'sequence_length']);
  g.op('Gather', [g.initializer('token_embedding', [vocabSize, H], w.tokens), ids], { axis: attr.int(0) }, 'last_hidden_state');
  const m = g.op('Unsqueeze', [g.op('Cast', [mask], { to: attr.int(DataType.FLOAT) }), g.constI64([-1])]); // [B, L, 1]
  const sum = g.op('ReduceSum', [g.op('Mul', ['last_hidden_state', m]), g.constI64([1])], { keepdims: attr.int(0) }); // [B, H]
  const count = g.op('Max', [g.op('ReduceSum', [m, g.constI64([1])], { keepdims: attr.int(0) }), g.constF([1], [])]); // [B, 1]
  const pooled = g.op('Div', [sum, count]);
  const normed = g.op('LayerNormalization', [pooled, g.initializer('text_ln.weight', [H], w.textLn[0]), g.initializer('text_ln.bias', [H], w.textLn[1])], {
    axis: attr.int(-1),
    epsilon: attr.float(1e-5),
  });
  g.op('MatMul', [normed, g.initializer('text_projection', [H, CLIP.projection], w.textProj)], {}, 'text_embeds');
  g.output('text_embeds', DataType.FLOAT, ['batch_size', CLIP.projection]);
  g.output('last_hidden_state', DataType.FLOAT, ['batch_size', 'sequence_length', H]);
  return g.toModel(PRODUCER);
}
