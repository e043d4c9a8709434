/**
 * Renders batches of records for `tpi render` and encodes each PNG (the pixels never leave the
 * thread that drew them; the PNG bytes go to the main thread, which writes every file); used in
 * each worker thread and in the main thread.
 */
import type { InputRecord } from '../tpi/dataset.ts';
import { jobFor, settingsFor } from '../tpi/job.ts';
import { renderTpi, toModelPixels } from '../tpi/render.ts';
import { nodeBackend, pngFile } from './render-backend.ts';
import type { ThreadInit, ThreadResult } from './render-protocol.ts';

export type BatchRenderer = (records: InputRecord[]) => Promise<ThreadResult[]>;

let sink = 0; // keeps the pixel-only path from being optimised away

export function batchRenderer(init: ThreadInit): BatchRenderer {
  const settings = settingsFor(init.choices);
  // Each image is encoded (or converted) before the next is drawn: one pixel buffer serves all.
  let buffer = new Uint8ClampedArray(0);
  const backend = { ...nodeBackend(init.textRenderer), pixels: (n: number) => (buffer.length === n ? buffer : (buffer = new Uint8ClampedArray(n))) };
  let tensor: Float32Array | undefined;
  const failed = (seq: number, e: unknown): ThreadResult => ({ seq, error: e instanceof Error ? e.message : String(e) });
  return async (records) => {
    const results: ThreadResult[] = [];
    for (const record of records) {
      try {
        const r = await renderTpi(jobFor(record.id, record.text, init.choices, settings), backend);
        if (init.mode === 'png') results.push({ seq: record.index, meta: r.meta, png: pngFile(r) });
        else {
          // One reused buffer, as a batch tensor would be: the cost measured is the conversion.
          if (tensor?.length !== 3 * r.meta.width * r.meta.height) tensor = new Float32Array(3 * r.meta.width * r.meta.height);
          sink += toModelPixels(r, 0.5, 0.5, tensor)[0];
          results.push({ seq: record.index, meta: r.meta });
        }
      } catch (e) {
        results.push(failed(record.index, e));
      }
    }
    if (sink === Number.MIN_VALUE) console.log(sink);
    return results;
  };
}
