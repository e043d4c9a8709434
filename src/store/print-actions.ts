/**
 * The Print view's actions: typing and settings re-render the preview (the latest request
 * wins: while one render is in flight, edits only mark the preview stale), "Ask about this
 * image" hands the PNG to Ask, and the draft is saved so that a reload keeps it.
 */
import { jobFor, type RenderChoices } from '../tpi/job.ts';
import { renderPool } from '../tpi/render-client.ts';
import { pickImage } from './actions.ts';
import { getState as getApp } from './store.ts';
import { loadDataset, loadDraft, saveDraft } from './print-db.ts';
import { DEFAULT_SETTINGS, getPrint, restoredSettings, setPrint, type PrintSettings } from './print.ts';
import { nativeSize } from './model-size.ts';
import type { PixelImage } from '../vlm/protocol.ts';

let previewPng: Uint8Array | null = null;
let previewPixels: PixelImage | null = null;
let inFlight = false;
let stale = false;
let saveTimer: ReturnType<typeof setTimeout> | undefined;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The render choices for the current settings (the native preset follows the selected model). */
export function choicesOf(s: PrintSettings): RenderChoices {
  const size = s.preset === 'native' ? nativeSize(getApp().selectedId) : s.preset === 'custom' ? s.size : undefined;
  return {
    preset: s.preset,
    font: s.font,
    size,
    minFontSize: s.minFontSize,
    maxFontSize: s.maxFontSize,
    foreground: s.foreground,
    background: s.background,
    align: s.align,
    augment: s.augment,
    seed: s.seed,
  };
}

export function setText(text: string): void {
  setPrint({ text });
  schedulePreview();
  scheduleSave();
}

/**
 * Changes settings. Choosing a preset resets the layout controls to its values; changing a
 * layout control afterwards makes the settings custom.
 */
export function updateSettings(patch: Partial<PrintSettings>): void {
  const cur = getPrint().settings;
  let next: PrintSettings = { ...cur, ...patch };
  if (patch.preset && patch.preset !== 'custom') {
    const base = DEFAULT_SETTINGS;
    const size = patch.preset === 'native' ? nativeSize(getApp().selectedId) : base.size;
    const maxFontSize = patch.preset === 'native' ? Math.max(base.minFontSize, Math.round((base.maxFontSize * size) / base.size)) : base.maxFontSize;
    next = { ...next, size, minFontSize: base.minFontSize, maxFontSize, foreground: base.foreground, background: base.background, align: base.align };
  } else if (!patch.preset && LAYOUT_KEYS.some((k) => k in patch && patch[k] !== cur[k])) {
    next.preset = 'custom';
  }
  setPrint({ settings: next });
  schedulePreview();
  scheduleSave();
}

const LAYOUT_KEYS = ['size', 'minFontSize', 'maxFontSize', 'foreground', 'background', 'align'] as const;

export function schedulePreview(): void {
  if (inFlight) {
    stale = true;
    return;
  }
  void runPreview();
}

async function runPreview(): Promise<void> {
  inFlight = true;
  try {
    do {
      stale = false;
      const { text, settings } = getPrint();
      try {
        const job = jobFor('preview', text, choicesOf(settings));
        const r = await renderPool().render(job, { png: true, pixels: true });
        const old = getPrint().preview;
        if (old) URL.revokeObjectURL(old.url);
        previewPng = r.png!;
        previewPixels = { kind: 'pixels', width: r.meta.width, height: r.meta.height, rgba: r.pixels! };
        const url = URL.createObjectURL(new Blob([r.png! as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
        setPrint({ preview: { url, meta: r.meta, ms: r.ms, text }, previewError: null });
      } catch (e) {
        setPrint({ previewError: message(e) });
      }
    } while (stale);
  } finally {
    inFlight = false;
  }
}

/**
 * Sends the printed image to Ask and switches to it: the PNG the preview shows, for display
 * and saving, and its pixels, which go to the model as they are.
 */
export async function askAboutPreview(): Promise<void> {
  const { preview, text } = getPrint();
  if (!preview || !previewPng || !previewPixels || inFlight || preview.text !== text) return;
  await pickImage(new Blob([previewPng as Uint8Array<ArrayBuffer>], { type: 'image/png' }), 'printed-text.png', previewPixels);
  if (getApp().image?.name === 'printed-text.png') location.hash = '#/ask';
}

/** Saves the draft 300 ms after the last change; a save still waiting when the page is hidden or closed runs then. */
function scheduleSave(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(flushSave, 300);
}

function flushSave(): void {
  if (saveTimer === undefined) return;
  clearTimeout(saveTimer);
  saveTimer = undefined;
  const { text, settings } = getPrint();
  saveDraft({ text, settings }).catch(() => {}); // private windows may have no IndexedDB: nothing to keep then
}

// beforeunload comes first on a reload or close, early enough for the write to be made over
// the connection kv-db.ts keeps open; pagehide and visibilitychange cover mobile browsers,
// which may skip beforeunload. No prompt: nothing calls preventDefault.
if (typeof window !== 'undefined') {
  window.addEventListener('beforeunload', flushSave);
  window.addEventListener('pagehide', flushSave);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flushSave();
  });
}

/** Restores the draft and the imported dataset from IndexedDB (once per page load). */
export async function restorePrint(): Promise<void> {
  if (getPrint().restored) return;
  setPrint({ restored: true });
  const before = getPrint();
  try {
    const [draft, dataset] = await Promise.all([loadDraft(), loadDataset()]);
    // What the user did while the saved work was being read wins over it.
    const now = getPrint();
    if (draft && now.text === before.text && now.settings === before.settings) setPrint({ text: draft.text, settings: restoredSettings(draft.settings) });
    if (dataset && now.dataset === before.dataset) setPrint({ dataset });
  } catch (e) {
    setPrint({ datasetError: `Saved work could not be read: ${message(e)}` });
  }
  schedulePreview();
}
