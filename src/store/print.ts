/**
 * The Print view's state: the text, the render settings, the live preview, and the imported
 * dataset with its batch run. A store of its own (the Ask/model store is another slice of the
 * app); rendered PNGs live outside it (print-actions.ts) so state updates stay cheap.
 */
import { create } from 'zustand';
import { AUGMENT_LIMITS, NO_AUGMENT, type Augment } from '../tpi/augment.ts';
import type { BadRecord, InputRecord } from '../tpi/dataset.ts';
import { DEFAULT_FONT, isFontId, type FontId } from '../tpi/fonts.ts';
import { PAPER, PRESET_NAMES, type PresetName } from '../tpi/presets.ts';
import type { TpiMeta } from '../tpi/render.ts';
import { ALIGNMENTS, type Alignment } from '../tpi/types.ts';

export interface PrintSettings {
  preset: PresetName;
  font: FontId;
  /** Canvas side for the custom preset (square), px. */
  size: number;
  minFontSize: number;
  maxFontSize: number;
  foreground: string;
  background: string;
  align: Alignment;
  augment: Augment;
  seed: number;
}

export const DEFAULT_SETTINGS: PrintSettings = {
  preset: 'paper',
  font: DEFAULT_FONT,
  size: PAPER.width,
  minFontSize: PAPER.minFontSize,
  maxFontSize: PAPER.maxFontSize,
  foreground: PAPER.foreground,
  background: PAPER.background,
  align: PAPER.align,
  augment: { ...NO_AUGMENT },
  seed: 1,
};

const COLOUR = /^#[0-9a-f]{6}$/i;
const inRange = (v: unknown, lo: number, hi: number, integer = false): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi && (!integer || Number.isInteger(v));

/**
 * Saved settings over the defaults, one field at a time: a field saved before it existed
 * (augment.perspective, say) or not valid (storage edited or damaged) gets its default, so
 * that a restored draft always renders.
 */
export function restoredSettings(saved: Partial<PrintSettings> | undefined): PrintSettings {
  const d = DEFAULT_SETTINGS;
  const s: Partial<Record<keyof PrintSettings, unknown>> = saved && typeof saved === 'object' ? saved : {};
  const maxFontSize = inRange(s.maxFontSize, 1, 512) ? s.maxFontSize : d.maxFontSize;
  const augment = { ...NO_AUGMENT };
  const savedAugment: Partial<Record<keyof Augment, unknown>> = s.augment && typeof s.augment === 'object' ? s.augment : {};
  for (const [k, [lo, hi]] of Object.entries(AUGMENT_LIMITS) as [keyof Augment, readonly [number, number]][]) {
    const v = savedAugment[k];
    if (inRange(v, lo, hi, k === 'jpeg')) augment[k] = v;
  }
  return {
    preset: (PRESET_NAMES as readonly unknown[]).includes(s.preset) ? (s.preset as PresetName) : d.preset,
    font: typeof s.font === 'string' && isFontId(s.font) ? s.font : d.font,
    size: inRange(s.size, 16, 4096, true) ? s.size : d.size,
    minFontSize: inRange(s.minFontSize, 1, maxFontSize) ? s.minFontSize : Math.min(d.minFontSize, maxFontSize),
    maxFontSize,
    foreground: typeof s.foreground === 'string' && COLOUR.test(s.foreground) ? s.foreground : d.foreground,
    background: typeof s.background === 'string' && COLOUR.test(s.background) ? s.background : d.background,
    align: typeof s.align === 'string' && (ALIGNMENTS as readonly string[]).includes(s.align) ? (s.align as Alignment) : d.align,
    augment,
    seed: inRange(s.seed, 0, 2 ** 31 - 1, true) ? s.seed : d.seed,
  };
}

export interface Preview {
  url: string; // object URL of the PNG
  meta: TpiMeta;
  ms: number;
  /** The text and settings it was rendered from (the preview may lag behind typing). */
  text: string;
}

export interface LoadedDataset {
  name: string;
  records: InputRecord[];
  bad: BadRecord[];
}

export interface BatchState {
  total: number;
  done: number;
  failed: { id: string; line: number; message: string }[];
  running: boolean;
  cancelled: boolean;
  ms: number;
  /** The settings the batch was rendered with (choicesKey): the grid and the zip are out of date when they change. */
  choices: string;
}

export interface Thumb {
  id: string;
  url: string;
  meta: TpiMeta;
}

export interface PrintState {
  text: string;
  settings: PrintSettings;
  preview: Preview | null;
  previewError: string | null;
  dataset: LoadedDataset | null;
  /** The dataset "Remove dataset" took away, until another is imported: it can be put back. */
  removed: LoadedDataset | null;
  datasetError: string | null;
  batch: BatchState | null;
  thumbs: Thumb[];
  restored: boolean;
}

export const usePrint = create<PrintState>()(() => ({
  text: 'A red double-decker bus waits at a stop on a rainy street; people with umbrellas stand under the shelter.',
  settings: DEFAULT_SETTINGS,
  preview: null,
  previewError: null,
  dataset: null,
  removed: null,
  datasetError: null,
  batch: null,
  thumbs: [],
  restored: false,
}));

export const setPrint = usePrint.setState;
export const getPrint = usePrint.getState;
