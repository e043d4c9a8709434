/** The typed messages between `tpi render` and its worker threads. */
import type { InputRecord } from '../tpi/dataset.ts';
import type { RenderChoices } from '../tpi/job.ts';
import type { TpiMeta } from '../tpi/render.ts';
import type { TextRenderer } from './render-backend.ts';
import type { PieceNews, PlacedRef } from './render-handoff.ts';

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
  /**
   * Set when the main thread codes and writes the pages (render-handoff.ts): how many pages
   * handed to it wait to be written, shared. A page is handed off as placed pieces while that
   * count is low, else coded here.
   */
  handOff?: Int32Array;
}

/**
 * What a worker thread is started with: its work, or, for a thread started while the command's
 * own modules load (render-prestart.ts), the text renderer to load the fonts for while it waits
 * for `init`.
 */
export type ThreadStart = { init: ThreadInit } | { prepare: TextRenderer };

/** Threads are ended with Worker.terminate(): nothing is left to finish once their batches are back. */
export type ToThread = { type: 'init'; init: ThreadInit } | { type: 'render'; batch: number; records: InputRecord[] };

/**
 * png: the encoded file, which the main thread writes (mode png only); placed: a page handed
 * off as placed pieces, which the main thread codes and writes.
 */
export type ThreadResult = { seq: number; meta: TpiMeta; png?: Uint8Array } | { seq: number; meta: TpiMeta; placed: PlacedRef } | { seq: number; error: string };

/** A batch's results; with hand-off, the pieces its pages use that the main thread has not seen. */
export interface BatchOutput {
  results: ThreadResult[];
  news?: PieceNews;
}

export type FromThread =
  | { type: 'ready' }
  | ({ type: 'done'; batch: number } & BatchOutput)
  | { type: 'dropped'; batch: number }
  | { type: 'fatal'; message: string };

/** Whether the run has been stopped (see ThreadInit.halt). */
export const halted = (init: ThreadInit): boolean => init.halt !== undefined && Atomics.load(init.halt, 0) !== 0;
