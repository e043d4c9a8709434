/**
 * One question answered by the trainer's own decoder with a PEFT adapter applied (the ONNX
 * graphs of the VLM engine cannot take one): the same chat template, image processor and frozen
 * vision encoder as training, greedy decoding with the KV cache. Node (CLI).
 */
import { loadExampleBuilder } from './data.ts';
import { generate } from './generate.ts';
import { attachAdapter, buildModel, loadLanguageModel, openBackend, type DeviceChoice } from './node-session.ts';
import type { ImageInput } from '../vlm/protocol.ts';

export interface AdapterQuestion {
  modelId: string;
  source: 'local' | 'hub';
  adapterDir: string;
  question: string;
  image?: ImageInput | null;
  text?: string;
  maxNewTokens: number;
  device: DeviceChoice;
  /** stream decoded text as it grows */
  onText?: (delta: string) => void;
  note?: (line: string) => void;
}

export async function answerWithAdapter(q: AdapterQuestion): Promise<string> {
  const note = q.note ?? (() => {});
  const be = await openBackend(q.device, note);
  const [lm, builder] = await Promise.all([loadLanguageModel(q.modelId, q.source, note), loadExampleBuilder(q.modelId)]);
  const model = buildModel(be, lm);
  const imported = await attachAdapter(model, q.adapterDir);
  if (imported.ignored.length) note(`adapter: ${imported.ignored.length} tensors outside the language model were skipped`);
  const feats = q.image ? await builder.encodeImage(q.image) : null;
  const promptIds = builder.promptIds(q.question, feats ? { grids: feats.grids } : { text: q.text });
  const image = feats ? { rows: feats.rows, positions: promptIds.flatMap((id, t) => (id === builder.imageTokenId ? [t] : [])) } : null;
  const ids: number[] = [];
  let shown = '';
  const out = await generate(model, promptIds, image, {
    maxNewTokens: q.maxNewTokens,
    eos: builder.eosIds,
    onToken: (id) => {
      ids.push(id);
      const text = builder.answerText(ids);
      if (!text.endsWith('\uFFFD') && text.startsWith(shown)) {
        q.onText?.(text.slice(shown.length));
        shown = text;
      }
    },
  });
  return builder.answerText(out.ids);
}
