/**
 * Renders batches of records for `tpi render` and encodes each PNG (the pixels never leave the
 * thread that drew them; the PNG bytes go to the main thread, which writes every file), or hands
 * a page to the main thread as placed pieces (render-handoff.ts); used in each worker thread
 * and in the main thread.
 */
import type { InputRecord } from '../tpi/dataset.ts';
import { jobFor, settingsFor } from '../tpi/job.ts';
import { layoutJob, renderTpi, toModelPixels } from '../tpi/render.ts';
import { nodeBackend, pngFile } from './render-backend.ts';
import { PieceNumbers, SharedCoverage } from './render-handoff.ts';
import type { BatchOutput, ThreadInit, ThreadResult } from './render-protocol.ts';

export type BatchRenderer = (records: InputRecord[]) => Promise<BatchOutput>;

/** Pages waiting for the main thread, beyond which a rendering thread codes its pages itself. */
const HAND_OFF_LIMIT = 64;

let sink = 0; // keeps the pixel-only path from being optimised away

export function batchRenderer(init: ThreadInit): BatchRenderer {
  const settings = settingsFor(init.choices);
  // Each image is encoded (or converted) before the next is drawn: one pixel buffer serves all.
  let buffer = new Uint8ClampedArray(0);
  const waiting = init.handOff;
  // With hand-off, pieces' coverage is drawn into memory the main thread reads in place.
  const coverage = waiting ? new SharedCoverage() : null;
  const backend = { ...nodeBackend(init.textRenderer, coverage?.array), pixels: (n: number) => (buffer.length === n ? buffer : (buffer = new Uint8ClampedArray(n))) };
  let tensor: Float32Array | undefined;
  const failed = (seq: number, e: unknown): ThreadResult => ({ seq, error: e instanceof Error ? e.message : String(e) });
  const numbers = waiting ? new PieceNumbers() : null;
  return async (records) => {
    const results: ThreadResult[] = [];
    numbers?.startBatch();
    // Every layout of the batch first, then the drawing: the batch's new pieces are then drawn
    // one after another rather than between layouts, which took 3–4 % less CPU (docs/bench-render.md).
    const laidOut = records.map((record) => {
      try {
        const job = jobFor(record.id, record.text, init.choices, settings);
        return { job, layout: layoutJob(job, backend.measurer) };
      } catch (e) {
        return { failure: e };
      }
    });
    for (const [k, record] of records.entries()) {
      try {
        const l = laidOut[k];
        if ('failure' in l) throw l.failure;
        const r = await renderTpi(l.job, backend, l.layout);
        if (init.mode === 'png') {
          if (numbers && waiting && r.placed?.frame.channels === 1 && Atomics.load(waiting, 0) < HAND_OFF_LIMIT) {
            Atomics.add(waiting, 0, 1);
            results.push({ seq: record.index, meta: r.meta, placed: numbers.ref(r.placed) });
          } else results.push({ seq: record.index, meta: r.meta, png: pngFile(r) });
        }
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
    return numbers ? { results, news: numbers.take() } : { results };
  };
}
