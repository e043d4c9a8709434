/** The typed messages between `tpi render` and its worker threads. */
import type { InputRecord } from '../tpi/dataset.ts';
import type { RenderChoices } from '../tpi/job.ts';
import type { TpiMeta } from '../tpi/render.ts';
import type { TextRenderer } from './render-backend.ts';

/** png: write images/<id>.png; pixels: stop at model-ready float pixels (for the benchmark). */
export type RenderMode = 'png' | 'pixels';

export interface ThreadInit {
  choices: RenderChoices;
  mode: RenderMode;
  textRenderer: TextRenderer;
  /**
   * Shared with the main thread: once its first element is not 0 (a stop), the batches not
   * started yet are answered `dropped` instead of being drawn.
   */
  halt?: Int32Array;
}

/**
 * What a worker thread is started with: its work, or, for a thread started while the command's
 * own modules load (render-prestart.ts), the text renderer to load the fonts for while it waits
 * for `init`.
 */
export type ThreadStart = { init: ThreadInit } | { prepare: TextRenderer };

/** Threads are ended with Worker.terminate(): nothing is left to finish once their batches are back. */
export type ToThread = { type: 'init'; init: ThreadInit } | { type: 'render'; batch: number; records: InputRecord[] };

/** png: the encoded file, which the main thread writes (mode png only). */
export type ThreadResult = { seq: number; meta: TpiMeta; png?: Uint8Array } | { seq: number; error: string };

export type FromThread =
  | { type: 'ready' }
  | { type: 'done'; batch: number; results: ThreadResult[] }
  | { type: 'dropped'; batch: number }
  | { type: 'fatal'; message: string };

/** Whether the run has been stopped (see ThreadInit.halt). */
export const halted = (init: ThreadInit): boolean => init.halt !== undefined && Atomics.load(init.halt, 0) !== 0;
