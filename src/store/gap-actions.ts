/**
 * What the user does in the Gap lab: add items (images in bulk, or a pair-set JSONL with the
 * images dropped alongside it), describe them with the model, extract features in the three
 * forms, compute the metrics and project; everything is kept in IndexedDB across reloads.
 */
import { CONTRASTIVE_MODELS } from '../gap/contrastive-models.ts';
import { extractItem, vlmLens, type FeatureLens } from '../gap/extract.ts';
import { gapMetrics } from '../gap/metrics.ts';
import { bytesToDataUrl, dataUrlBytes, pairsJsonl, parsePairs, type BadPair } from '../gap/pairs.ts';
import { projectionClient, ProjectionCancelled } from '../gap/projection-client.ts';
import type { ProjectionMethod } from '../gap/projection.ts';
import { FeatureSet, type Form, type Lens } from '../gap/types.ts';
import { DEFAULT_FONT } from '../tpi/fonts.ts';
import { jobFor } from '../tpi/job.ts';
import { renderPool } from '../tpi/render-client.ts';
import { checkImageBytes } from '../vlm/image-check.ts';
import { DESCRIBE_PROMPT } from './compare.ts';
import { engineClient } from './engine.ts';
import { getGap, setGap, type GapItem } from './gap.ts';
import { loadItems, saveItems } from './gap-db.ts';
import { clearAlert, getState as getApp, showAlert } from './store.ts';

const engine = () => engineClient();
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const IMAGE = /\.(png|jpe?g|gif|webp|bmp)$/i;

let saveTimer: ReturnType<typeof setTimeout> | undefined;

/** Saves the items a moment after the last change (typing does not write on every key). */
function scheduleSave(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => saveItems(getGap().items).catch((e) => showAlert(`The items could not be saved in this browser: ${message(e)}`)), 300);
}

/** New items; `keepFeatures` when only a description changed (the plot stays until re-measured). */
function setItems(items: GapItem[], keepFeatures = false): void {
  const urls: Record<string, string> = {};
  const old = getGap().urls;
  for (const it of items) {
    if (!it.image) continue;
    urls[it.id] = old[it.id] ?? URL.createObjectURL(new Blob([it.image as BlobPart], { type: it.mime }));
  }
  for (const [id, u] of Object.entries(old)) if (urls[id] !== u) URL.revokeObjectURL(u);
  setGap(keepFeatures ? { items, urls } : { items, urls, features: [], metrics: null, points: [] });
  scheduleSave();
}

export async function restoreGap(): Promise<void> {
  if (getGap().restored) return;
  setGap({ restored: true });
  try {
    const items = await loadItems();
    if (items?.length && !getGap().items.length) setItems(items);
  } catch {
    /* no IndexedDB (private mode): start empty */
  }
}

function uniqueId(base: string, taken: Set<string>): string {
  let id = base || 'item';
  for (let k = 2; taken.has(id); k++) id = `${base}-${k}`;
  taken.add(id);
  return id;
}

function imageItem(id: string, bytes: Uint8Array, name: string, bad: BadPair[], line = 0): GapItem | null {
  const check = checkImageBytes(bytes, name);
  if (!check.ok) {
    bad.push({ line, id, reason: check.message });
    return null;
  }
  return { id, image: bytes, mime: `image/${check.format}`, text: '' };
}

/** Adds dropped files: a .jsonl pair set (its images may come with it), or images in bulk. */
export async function addFiles(files: readonly File[]): Promise<void> {
  const bad: BadPair[] = [];
  const read: { id: string; name: string; bytes: Uint8Array; line?: number; text?: string; question?: string; answer?: string }[] = [];
  const byName = new Map(files.map((f) => [f.name, f]));
  const jsonl = files.filter((f) => /\.jsonl?$/i.test(f.name));
  for (const file of jsonl) {
    const parsed = parsePairs(await file.text());
    bad.push(...parsed.bad);
    for (const r of parsed.records) {
      const bytes = dataUrlBytes(r.image) ?? (await byName.get(r.image.split('/').pop() ?? '')?.arrayBuffer().then((b) => new Uint8Array(b)));
      if (!bytes) bad.push({ line: r.line, id: r.id, reason: `image "${r.image.slice(0, 60)}" not found among the dropped files` });
      else read.push({ id: r.id, name: r.image, bytes, line: r.line, text: r.text, question: r.question, answer: r.answer });
    }
  }
  if (!jsonl.length) {
    for (const f of files.filter((f) => IMAGE.test(f.name) || f.type.startsWith('image/'))) {
      read.push({ id: f.name.replace(/\.[^.]+$/, ''), name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
    }
  }
  // Added to the items as they are now, not as they were before reading: another drop read
  // meanwhile, or a description typed meanwhile, is kept.
  const items = [...getGap().items];
  const taken = new Set(items.map((i) => i.id));
  for (const r of read) {
    const it = imageItem(uniqueId(r.id, taken), r.bytes, r.name, bad, r.line);
    if (it) items.push(r.text === undefined ? it : { ...it, text: r.text, question: r.question, answer: r.answer });
  }
  bad.sort((a, b) => a.line - b.line);
  setGap({ bad });
  setItems(items);
}

export const setItemText = (id: string, text: string) => setItems(getGap().items.map((i) => (i.id === id ? { ...i, text } : i)), true);
export const removeItem = (id: string) => setItems(getGap().items.filter((i) => i.id !== id));
export const clearItems = () => setItems([]);

/** The items as a pair-set JSONL with the images inline (data: URLs), loadable here or by `tpi gap`. */
export function pairSetText(): string {
  return pairsJsonl(getGap().items.filter((i) => i.image && i.text.trim()).map((i) => ({ ...i, image: bytesToDataUrl(i.image!, i.mime) })));
}

function ready(): boolean {
  const { status } = getApp();
  if (status === 'ready' && !getGap().work) return true;
  showAlert(getGap().work ? 'Wait for the current run to finish.' : status === 'loading' ? 'The model is still loading.' : 'Load a model first.');
  return false;
}

let cancelled = false;

/** Stops describing or extracting after the item in progress. */
export function cancelWork(): void {
  cancelled = true;
}

/** The model writes a description for every item that has none. */
export async function describeMissing(): Promise<void> {
  if (!ready()) return;
  const todo = getGap().items.filter((i) => i.image && !i.text.trim());
  setGap({ work: { label: 'Describing', done: 0, total: todo.length } });
  cancelled = false;
  try {
    for (const [k, it] of todo.entries()) {
      if (cancelled) return;
      const r = await engine().ask({ image: it.image, imageName: it.id, history: [], question: DESCRIBE_PROMPT, maxNewTokens: 64 });
      setItems(getGap().items.map((i) => (i.id === it.id ? { ...i, text: r.text.trim() || '(no description)' } : i)), true);
      setGap({ work: { label: 'Describing', done: k + 1, total: todo.length } });
    }
  } catch (e) {
    showAlert(message(e));
  } finally {
    setGap({ work: null });
  }
}

const printPaper = async (id: string, text: string) => {
  const r = await renderPool().render(jobFor(id, text, { preset: 'paper', font: DEFAULT_FONT }), { pixels: true });
  if (!r.pixels) throw new Error('The renderer returned no pixels.');
  return { kind: 'pixels' as const, width: r.meta.width, height: r.meta.height, rgba: r.pixels };
};

/** A CLIP-style model as a lens; it runs in the engine worker beside the VLM. */
function contrastiveLens(model: string): FeatureLens {
  const source = CONTRASTIVE_MODELS.find((m) => m.id === model)?.source ?? 'local';
  return {
    lens: 'clip',
    image: async (image, imageName) => (await engine().lensFeatures({ model, source, kind: 'image', image, imageName })).pooled,
    text: async (text) => (await engine().lensFeatures({ model, source, kind: 'text', text })).pooled,
  };
}

export function setClipModel(clipModel: string): void {
  setGap({ clipModel });
}

/** Features of every item in every form, then the metrics and the projection. */
export async function measureGap(): Promise<void> {
  if (!ready()) return;
  const items = getGap().items.filter((i) => i.text.trim() || i.image);
  if (!items.length) return showAlert('Add images or a pair set first.');
  clearAlert();
  setGap({ work: { label: 'Extracting features', done: 0, total: items.length }, features: [], metrics: null, points: [] });
  try {
    const { clipModel } = getGap();
    const lenses = clipModel ? [vlmLens(engine()), contrastiveLens(clipModel)] : [vlmLens(engine())];
    const features = [];
    cancelled = false;
    for (const [k, it] of items.entries()) {
      if (cancelled) return;
      features.push(...(await extractItem(it, lenses, printPaper)));
      setGap({ work: { label: 'Extracting features', done: k + 1, total: items.length } });
    }
    const set = FeatureSet.from(features);
    const metrics = Object.fromEntries(set.lenses().map((l) => [l, gapMetrics(set, l)]));
    const lens = set.lenses().includes(getGap().lens) ? getGap().lens : 'vlm';
    setGap({ features, metrics, lens });
  } catch (e) {
    showAlert(message(e));
    return;
  } finally {
    setGap({ work: null });
  }
  await runProjection();
}

/** Loads a features.json written by `tpi gap` (or exported here): plots and measures it as it is. */
export async function loadFeatures(file: Blob): Promise<void> {
  // A run in progress would replace the loaded features with its own when it ends.
  if (getGap().work) return showAlert('Wait for the current run to finish, or cancel it, before loading features.');
  try {
    const raw = JSON.parse(await file.text()) as unknown;
    if (!Array.isArray(raw)) throw new Error('expected a JSON list of {id, lens, form, vector}');
    const features = raw.map((r, i) => {
      const ok = r && typeof r.id === 'string' && (r.lens === 'vlm' || r.lens === 'clip') && ['real', 'tpi', 'text'].includes(r.form) && Array.isArray(r.vector);
      if (!ok) throw new Error(`entry ${i + 1} is not {id, lens: "vlm"|"clip", form: "real"|"tpi"|"text", vector: [numbers]}`);
      return { id: r.id as string, lens: r.lens as Lens, form: r.form as Form, vector: Float32Array.from(r.vector as number[]) };
    });
    const set = FeatureSet.from(features);
    const metrics = Object.fromEntries(set.lenses().map((l) => [l, gapMetrics(set, l)]));
    clearAlert();
    setGap({ features, metrics, lens: set.lenses()[0] ?? 'vlm', points: [] });
  } catch (e) {
    showAlert(`That features file cannot be used: ${message(e)}`);
    return;
  }
  await runProjection();
}

export async function runProjection(): Promise<void> {
  const { features, lens, method, seed } = getGap();
  const recs = features.filter((r) => r.lens === lens);
  if (!recs.length) return;
  const dims = new Set(recs.map((r) => r.vector.length));
  if (dims.size > 1) return showAlert('The forms have different widths in this lens; they cannot share one projection.');
  setGap({ projecting: 0 });
  try {
    const pts = await projectionClient().run(recs.map((r) => r.vector), method, seed, (f) => setGap({ projecting: f }));
    setGap({ points: recs.map((r, i) => ({ id: r.id, lens: r.lens, form: r.form, x: pts[i][0], y: pts[i][1] })), projecting: null });
  } catch (e) {
    if (e instanceof ProjectionCancelled) return;
    setGap({ projecting: null });
    showAlert(message(e));
  }
}

export function setProjection(patch: { method?: ProjectionMethod; seed?: number; lens?: Lens }): void {
  setGap(patch);
  void runProjection();
}
