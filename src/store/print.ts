/**
 * The Print view's state: the text, the render settings, the live preview, and the imported
 * dataset with its batch run. A store of its own (the Ask/model store is another slice of the
 * app); rendered PNGs live outside it (print-actions.ts) so state updates stay cheap.
 */
import { create } from 'zustand';
import { NO_AUGMENT, type Augment } from '../tpi/augment.ts';
import type { BadRecord, InputRecord } from '../tpi/dataset.ts';
import { DEFAULT_FONT, type FontId } from '../tpi/fonts.ts';
import { PAPER, type PresetName } from '../tpi/presets.ts';
import type { TpiMeta } from '../tpi/render.ts';
import type { Alignment } from '../tpi/types.ts';

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

/** Saved settings over the defaults; settings saved before a setting existed (augment.perspective, say) get its default. */
export function restoredSettings(saved: Partial<PrintSettings> | undefined): PrintSettings {
  return { ...DEFAULT_SETTINGS, ...saved, augment: { ...NO_AUGMENT, ...saved?.augment } };
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
  datasetError: null,
  batch: null,
  thumbs: [],
  restored: false,
}));

export const setPrint = usePrint.setState;
export const getPrint = usePrint.getState;
