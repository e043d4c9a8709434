/**
 * Text generation with the trainer's own decoder: base weights plus the adapter (when one is
 * attached and enabled), a key/value cache (the prompt is run once, then one token per step),
 * greedy or temperature sampling (seeded). Switching `model.adapter.enabled` changes the
 * answers without reloading anything.
 */
import { argmaxWithProb, sampleWithProb, seededRandom } from '../vlm/tensors.ts';
import type { Tensor } from './backend.ts';
import type { LlamaModel } from './llama.ts';
import { Workspace } from './workspace.ts';

export interface GenerateOptions {
  maxNewTokens: number;
  /** stop at any of these ids (not included in the output) */
  eos?: readonly number[];
  /** 0 (default): greedy */
  temperature?: number;
  seed?: number;
  onToken?: (id: number) => void;
  /** checked between tokens */
  shouldStop?: () => boolean;
}

export interface Generated {
  ids: number[];
  probs: number[];
  stopReason: 'eos' | 'max-tokens' | 'stopped';
}

export async function generate(
  model: LlamaModel,
  promptIds: readonly number[],
  image: { rows: Float32Array; positions: readonly number[] } | null,
  o: GenerateOptions,
): Promise<Generated> {
  const { be, cfg } = model;
  const ws = new Workspace(be, cfg, model.adapter, { T: promptIds.length, kvCap: promptIds.length + o.maxNewTokens, train: false });
  let rows: Tensor | null = null;
  try {
    rows = image ? be.tensor(image.rows.length, 'image_rows', image.rows) : null;
    model.embed(ws, promptIds, rows && image ? { rows, positions: image.positions } : undefined);
    model.forward(ws, promptIds.length, { lastOnly: true });
    const eos = new Set(o.eos ?? []);
    const random = seededRandom(o.seed ?? 0);
    const out: Generated = { ids: [], probs: [], stopReason: 'max-tokens' };
    let past = promptIds.length;
    for (;;) {
      const logits = Float32Array.from(await be.read(ws.logits, 0, cfg.vocab));
      const pick = (o.temperature ?? 0) > 0 ? sampleWithProb(logits, o.temperature!, random()) : argmaxWithProb(logits);
      if (eos.has(pick.id)) {
        out.stopReason = 'eos';
        break;
      }
      out.ids.push(pick.id);
      out.probs.push(pick.prob);
      o.onToken?.(pick.id);
      if (out.ids.length >= o.maxNewTokens) break;
      if (o.shouldStop?.()) {
        out.stopReason = 'stopped';
        break;
      }
      model.embed(ws, [pick.id]);
      model.forward(ws, 1, { past, lastOnly: true });
      past++;
    }
    return out;
  } finally {
    if (rows) be.free(rows);
    ws.free();
  }
}
