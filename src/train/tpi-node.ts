/**
 * Text-Printed Images for training and asking in Node: the description drawn with the paper
 * preset (336×336, ≤32 px, black on white, bundled font) by the project's TPI renderer
 * (src/tpi, Node canvas backend of `tpi render`), as PNG bytes the vision encoder then reads
 * like any image.
 */
import { nodeBackend, nodeDeflate } from '../cli/render-backend.ts';
import { DEFAULT_FONT } from '../tpi/fonts.ts';
import { jobFor } from '../tpi/job.ts';
import { renderTpi } from '../tpi/render.ts';

let backend: ReturnType<typeof nodeBackend> | null = null;

export async function printTpi(id: string, text: string): Promise<Uint8Array> {
  backend ??= nodeBackend('portable');
  const rendered = await renderTpi(jobFor(id, text, { preset: 'paper', font: DEFAULT_FONT }), backend);
  return rendered.png(nodeDeflate);
}
