/**
 * One step of the language model through the ONNX graphs: embed the token ids, write the
 * image features over the `<image>` positions, run the decoder after the cached keys/values.
 */
import { Tensor } from '@huggingface/transformers';
import { mergeImageFeatures, toFloat16Bits, toFloat32, type FloatData } from './tensors.ts';

/** Structural view of the ONNX Runtime objects transformers.js creates. */
export interface OrtTensorLike {
  type: string;
  dims: readonly number[];
  data: ArrayLike<number>;
  location: string;
  dispose(): void;
}
export interface OrtSession {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata?: readonly { name: string; type?: string; shape?: readonly (number | string)[] }[];
  run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensorLike>>;
}

export interface StepSessions {
  embed: OrtSession;
  decoder: OrtSession;
}

export interface StepConfig {
  imageTokenId: number;
  kvHeads: number;
  headDim: number;
}

export interface StepFeatures {
  data: FloatData;
  half: boolean;
}

export interface StepResult {
  lastLogits: Float32Array;
  present: Record<string, OrtTensorLike>;
}

/** One decoder call over `segment`, after the tokens whose keys/values are in `past`. */
export async function decoderStep(
  sessions: StepSessions,
  cfg: StepConfig,
  segment: number[],
  past: Record<string, OrtTensorLike> | null,
  feats: StepFeatures | null,
  firstImageRow = 0,
): Promise<StepResult> {
  const n = segment.length;
  const ids = new Tensor('int64', BigInt64Array.from(segment.map(BigInt)), [1, n]);
  const emb = (await sessions.embed.run({ input_ids: ort(ids) })).inputs_embeds;
  const hidden = emb.dims.at(-1)!;
  const half = emb.type === 'float16';
  const embData: Float32Array | Uint16Array = half ? new Uint16Array(emb.data) : new Float32Array(emb.data as Float32Array);
  if (feats && segment.includes(cfg.imageTokenId)) {
    // Features and embeddings may differ in precision (e.g. fp16 vision, fp32 embeddings).
    const rows = feats.half === half ? feats.data : half ? toFloat16Bits(feats.data as Float32Array) : toFloat32(feats.data, true);
    mergeImageFeatures(embData, segment, cfg.imageTokenId, rows, hidden, firstImageRow);
  }
  const pastLen = past ? (Object.values(past)[0]?.dims[2] ?? 0) : 0;
  const feeds: Record<string, unknown> = {
    inputs_embeds: ort(new Tensor(emb.type as 'float32', embData as Float32Array, [1, n, hidden])),
    attention_mask: ort(new Tensor('int64', new BigInt64Array(pastLen + n).fill(1n), [1, pastLen + n])),
    position_ids: ort(new Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(pastLen + i)), [1, n])),
  };
  const decoder = sessions.decoder;
  if (decoder.inputNames.includes('num_logits_to_keep')) feeds.num_logits_to_keep = ort(new Tensor('int64', [1n], []));
  for (const name of decoder.inputNames) {
    if (!name.startsWith('past_key_values.')) continue;
    const present = 'present.' + name.slice('past_key_values.'.length);
    feeds[name] = past?.[present] ?? emptyPast(decoder, name, cfg);
  }
  const out = await decoder.run(feeds);
  const logits = out.logits;
  const vocab = logits.dims.at(-1)!;
  const rows = logits.dims.at(-2)!;
  const last = (logits.data as Float32Array | Uint16Array).subarray((rows - 1) * vocab, rows * vocab);
  const lastLogits = toFloat32(last, logits.type === 'float16').slice();
  const present: Record<string, OrtTensorLike> = {};
  for (const [k, v] of Object.entries(out)) {
    if (k.startsWith('present.')) present[k] = v;
    else if (v.location === 'gpu-buffer') v.dispose();
  }
  return { lastLogits, present };
}

/** The first step's empty cache, shaped from the graph's own input metadata. */
function emptyPast(session: OrtSession, name: string, cfg: StepConfig): unknown {
  const meta = session.inputMetadata?.find((m) => m.name === name);
  const shape = (meta?.shape ?? [1, cfg.kvHeads, 0, cfg.headDim]).map((d, i) =>
    typeof d === 'number' ? d : i === 0 ? 1 : i === 1 ? cfg.kvHeads : i === 3 ? cfg.headDim : 0,
  );
  const type = meta?.type ?? 'float32';
  const data = type === 'float16' ? new Uint16Array(0) : new Float32Array(0);
  return ort(new Tensor(type as 'float32', data as Float32Array, shape));
}

function ort(t: Tensor): unknown {
  return (t as unknown as { ort_tensor: unknown }).ort_tensor;
}

/** Frees GPU-resident cache tensors, except those still in use in `keep`. */
export function disposeAll(tensors: Record<string, OrtTensorLike>, keep?: Record<string, OrtTensorLike>): void {
  const kept = new Set(Object.values(keep ?? {}));
  for (const t of Object.values(tensors)) if (t.location === 'gpu-buffer' && !kept.has(t)) t.dispose();
}
