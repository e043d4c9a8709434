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
import { getPrint, setPrint, type BatchState, type PrintSettings, type Thumb } from './print.ts';

export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
/** Thumbnails shown: the first records of the dataset (all of them are in the zip). */
export const GRID = 24;

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
      setPrint({ datasetError: `"${file.name}" is ${(file.size / 2 ** 20).toFixed(1)} MB; the page takes up to ${MAX_IMPORT_BYTES / 2 ** 20} MB (use \`tpi render\` for more).` });
      return;
    }
    const text = await file.text();
    const parsed = parseDataset(text, file.name);
    // Two imports in quick succession: the file chosen last is the dataset.
    if (!newest()) return;
    // A file with nothing usable is refused as a whole: the dataset there is kept.
    if (parsed.records.length === 0) {
      setPrint({ datasetError: unusable(file.name, text, parsed.bad) });
      return;
    }
    clearResults();
    const dataset = { name: file.name, ...parsed };
    setPrint({ dataset, removed: null, datasetError: null });
    try {
      await saveDataset(dataset);
    } catch (e) {
      setPrint({ datasetError: `The dataset could not be saved in the browser, so it will not survive a reload: ${message(e)}` });
    }
  });
}

/** Why a file gave no records, with a hint for the usual mistakes (a JSON array, a binary file). */
export function unusable(name: string, text: string, bad: readonly { line: number; reason: string }[]): string {
  const kept = getPrint().dataset ? ' The dataset you had is kept.' : '';
  if (bad.length === 0) return `"${name}" has no records.${kept}`;
  // U+FFFD: bytes that are not UTF-8; NUL: binary data.
  const sample = text.slice(0, 4096);
  if (/\u0000/.test(sample) || (sample.match(/\uFFFD/g)?.length ?? 0) > 8) return `"${name}" does not look like a text file (JSONL or CSV); nothing was imported.${kept}`;
  const hint = /^\uFEFF?\s*\[/.test(sample) ? ' It looks like a JSON array: the page reads JSONL, one JSON object per line.' : '';
  const first = bad[0];
  return `"${name}" has no usable records (${bad.length} not usable; line ${first.line}: ${first.reason.slice(0, 160)}).${hint}${kept}`;
}

export async function clearDataset(): Promise<void> {
  cancelBatch();
  clearResults();
  setPrint({ removed: getPrint().dataset, dataset: null, datasetError: null });
  await saveDataset(null).catch(() => {});
}

/** Puts back the dataset "Remove dataset" took away (its rendered images are not kept). */
export async function undoRemove(): Promise<void> {
  const { removed, dataset } = getPrint();
  if (!removed || dataset) return;
  setPrint({ dataset: removed, removed: null, datasetError: null });
  await saveDataset(removed).catch((e) => setPrint({ datasetError: `The dataset could not be saved in the browser, so it will not survive a reload: ${message(e)}` }));
}

export function cancelBatch(): void {
  abort?.abort();
}

/** Jobs kept in the render pool per worker: enough to keep every worker busy, few enough that the preview and Cancel never wait behind a whole dataset. */
const LANES_PER_WORKER = 4;

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
  const state: BatchState = { total: records.length, done: 0, failed: [], running: true, cancelled: false, ms: 0, choices: choicesKey(settings) };
  const t0 = performance.now();
  let frame = 0;
  // The grid shows the first records, in input order, as soon as each and those before it are done.
  const settled = new Uint8Array(Math.min(GRID, records.length));
  let shown = 0;
  const flush = () => {
    frame = 0;
    const more: Thumb[] = [];
    for (; shown < settled.length && settled[shown]; shown++) if (results[shown]) more.push(thumb(results[shown]!));
    setPrint({ batch: { ...state, failed: [...state.failed], ms: performance.now() - t0 }, ...(more.length > 0 && { thumbs: [...getPrint().thumbs, ...more] }) });
  };
  flush();
  const pool = renderPool();
  let next = 0;
  // A few lanes pull records in order: a whole dataset never waits in the pool's queue.
  const lane = async () => {
    while (next < records.length && !controller.signal.aborted) {
      const i = next++;
      const record = records[i];
      try {
        const r = await pool.render(jobFor(record.id, record.text, choices, layout), { png: true }, controller.signal);
        results[i] = { record, meta: r.meta, png: r.png! };
      } catch (e) {
        if (e instanceof RenderCancelled) return;
        state.failed.push({ id: record.id, line: record.line, message: message(e) });
      }
      if (i < settled.length) settled[i] = 1;
      state.done++;
      frame ||= requestAnimationFrame(flush);
    }
  };
  await Promise.all(Array.from({ length: Math.min(records.length, pool.size * LANES_PER_WORKER) }, lane));
  cancelAnimationFrame(frame);
  for (const r of results) if (r) rendered.set(r.record.id, r);
  state.running = false;
  state.cancelled = controller.signal.aborted;
  abort = null;
  flush();
}

/** What the settings are for a batch: its images are out of date when this changes. */
export function choicesKey(settings: PrintSettings): string {
  return JSON.stringify(choicesOf(settings));
}

function thumb(r: RenderedRecord): Thumb {
  return { id: r.record.id, meta: r.meta, url: URL.createObjectURL(new Blob([r.png as Uint8Array<ArrayBuffer>], { type: 'image/png' })) };
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
  // A cancelled run's zip says in its name that it holds part of the dataset.
  const part = rendered.size < dataset.records.length ? `-${rendered.size}-of-${dataset.records.length}` : '';
  a.download = `${dataset.name.replace(/\.(jsonl|csv|json|txt)$/i, '') || 'dataset'}-tpi${part}.zip`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
