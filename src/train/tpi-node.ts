/**
 * Text-Printed Images for training and asking in Node: the description drawn with the paper
 * preset (336×336, ≤32 px, black on white, bundled font) by the project's TPI renderer
 * (src/tpi, Node canvas backend of `tpi render`). The model gets the pixels directly; the PNG
 * is there for saving and for checking that both routes agree.
 */
import { nodeBackend, nodeDeflate } from '../cli/render-backend.ts';
import { DEFAULT_FONT } from '../tpi/fonts.ts';
import { jobFor } from '../tpi/job.ts';
import { renderTpi } from '../tpi/render.ts';
import type { PixelImage } from '../vlm/protocol.ts';

let backend: ReturnType<typeof nodeBackend> | null = null;

export interface PrintedImage {
  pixels: PixelImage;
  png: Uint8Array;
}

export async function printTpiImage(id: string, text: string): Promise<PrintedImage> {
  backend ??= nodeBackend('portable');
  const rendered = await renderTpi(jobFor(id, text, { preset: 'paper', font: DEFAULT_FONT }), backend);
  const { width, height } = rendered.meta;
  return { pixels: { kind: 'pixels', width, height, rgba: rendered.rgba }, png: rendered.png(nodeDeflate) };
}

/** The printed image's pixels, ready for the model's preprocessing. */
export async function printTpi(id: string, text: string): Promise<PixelImage> {
  return (await printTpiImage(id, text)).pixels;
}
