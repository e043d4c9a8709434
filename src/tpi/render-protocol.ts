// The typed protocol between the page and its render workers. Every request carries an id; the
// worker answers each with exactly one reply of the same id.

import type { RenderJob, TpiMeta } from './render.ts';

export interface RenderOutputs {
  /** RGBA pixels, straight to the model's preprocessing (no PNG in between). */
  pixels?: boolean;
  /** PNG file bytes, for export and for handing the image to Ask. */
  png?: boolean;
}

export interface RenderResult {
  meta: TpiMeta;
  pixels?: Uint8ClampedArray;
  png?: Uint8Array;
  /** Time spent in the worker, ms. */
  ms: number;
}

// ---- page → worker ----
export type RenderRequest =
  /** Loads the bundled fonts now rather than on the first render. */
  | { type: 'warm-up'; id: number }
  | { type: 'render'; id: number; job: RenderJob; outputs: RenderOutputs };

// ---- worker → page ----
export type RenderReply =
  | { type: 'ready'; id: number; fonts: string[] }
  | ({ type: 'rendered'; id: number } & RenderResult)
  | { type: 'failed'; id: number; message: string };

export function assertNever(x: never): never {
  throw new Error(`unexpected message ${JSON.stringify(x)}`);
}
