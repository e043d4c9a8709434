/**
 * Batch work in the Print view: import a JSONL/CSV dataset (kept in IndexedDB), render every
 * record in the worker pool with progress and Cancel, show a grid, export a zip.
 */
import { parseDataset } from '../tpi/dataset.ts';
import { datasetZip, type RenderedRecord } from '../tpi/export.ts';
import { jobFor, settingsFor } from '../tpi/job.ts';
import { renderPool } from '../tpi/render-client.ts';
import { RenderCancelled } from '../tpi/render-pool.ts';
import { choicesOf } from './print-actions.ts';
import { createPicks } from './picks.ts';
import { saveDataset } from './print-db.ts';
import { getPrint, setPrint, type BatchState, type Thumb } from './print.ts';

export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
const GRID = 24;

/** Rendered images by record id, in input order (a Map keeps insertion order; filled in order below). */
let rendered = new Map<string, RenderedRecord>();
let abort: AbortController | null = null;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function clearResults(): void {
  for (const t of getPrint().thumbs) URL.revokeObjectURL(t.url);
  rendered = new Map();
  setPrint({ thumbs: [], batch: null });
}

const imports = createPicks();

export function importDataset(file: File): Promise<void> {
  if (getPrint().batch?.running) return Promise.resolve();
  return imports.pick(async (newest) => {
    if (file.size > MAX_IMPORT_BYTES) {
      setPrint({ datasetError: `"${file.name}" is ${(file.size / 2 ** 20).toFixed(0)} MB; the page takes up to ${MAX_IMPORT_BYTES / 2 ** 20} MB (use \`tpi render\` for more).` });
      return;
    }
    const parsed = parseDataset(await file.text(), file.name);
    // Two imports in quick succession: the file chosen last is the dataset.
    if (!newest()) return;
    if (parsed.records.length === 0 && parsed.bad.length === 0) {
      setPrint({ datasetError: `"${file.name}" has no records.` });
      return;
    }
    clearResults();
    const dataset = { name: file.name, ...parsed };
    setPrint({ dataset, datasetError: null });
    try {
      await saveDataset(dataset);
    } catch (e) {
      setPrint({ datasetError: `The dataset could not be saved in the browser, so it will not survive a reload: ${message(e)}` });
    }
  });
}

export async function clearDataset(): Promise<void> {
  cancelBatch();
  clearResults();
  setPrint({ dataset: null, datasetError: null });
  await saveDataset(null).catch(() => {});
}

export function cancelBatch(): void {
  abort?.abort();
}

export async function renderAll(): Promise<void> {
  // A dataset still being read is the one rendered.
  await imports.settled();
  const { dataset, settings, batch } = getPrint();
  if (!dataset || batch?.running) return;
  let layout;
  const choices = choicesOf(settings);
  try {
    layout = settingsFor(choices);
  } catch (e) {
    setPrint({ datasetError: message(e) });
    return;
  }
  clearResults();
  const controller = (abort = new AbortController());
  const records = dataset.records;
  const results: (RenderedRecord | undefined)[] = new Array(records.length);
  const state: BatchState = { total: records.length, done: 0, failed: [], running: true, cancelled: false, ms: 0 };
  const t0 = performance.now();
  let frame = 0;
  const flush = () => {
    frame = 0;
    setPrint({ batch: { ...state, failed: [...state.failed], ms: performance.now() - t0 } });
  };
  flush();
  const pool = renderPool();
  await Promise.all(
    records.map(async (record, i) => {
      try {
        const r = await pool.render(jobFor(record.id, record.text, choices, layout), { png: true }, controller.signal);
        results[i] = { record, meta: r.meta, png: r.png! };
      } catch (e) {
        if (e instanceof RenderCancelled) return;
        state.failed.push({ id: record.id, line: record.line, message: message(e) });
      }
      state.done++;
      frame ||= requestAnimationFrame(flush);
    }),
  );
  cancelAnimationFrame(frame);
  for (const r of results) if (r) rendered.set(r.record.id, r);
  state.running = false;
  state.cancelled = controller.signal.aborted;
  abort = null;
  flush();
  setPrint({ thumbs: thumbs() });
}

function thumbs(): Thumb[] {
  return [...rendered.values()].slice(0, GRID).map((r) => ({
    id: r.record.id,
    meta: r.meta,
    url: URL.createObjectURL(new Blob([r.png as Uint8Array<ArrayBuffer>], { type: 'image/png' })),
  }));
}

export function renderedCount(): number {
  return rendered.size;
}

/** The zip of everything rendered (in input order) and the list of records that were not. */
export function exportZip(): void {
  const { dataset } = getPrint();
  if (!dataset || rendered.size === 0) return;
  const zip = datasetZip([...rendered.values()], dataset.bad);
  const url = URL.createObjectURL(new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${dataset.name.replace(/\.(jsonl|csv|json|txt)$/i, '') || 'dataset'}-tpi.zip`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
