/// <reference lib="webworker" />
/**
 * A render worker: OffscreenCanvas 2D with the bundled fonts, one job at a time. Fonts are
 * loaded with FontFace and each load() awaited before the first drawing (in a worker,
 * `self.fonts.ready` may never resolve), so no image is ever drawn with a fallback font.
 */
import { zlibSync } from 'fflate';
import { createPieceRasterizer } from './pieces.ts';
import { createCanvasMeasurer, FACES, type FontId } from './fonts.ts';
import { FONT_URLS } from './font-urls.ts';
import { renderTpi, type PixelContext, type RenderBackend } from './render.ts';
import { assertNever, type RenderReply, type RenderRequest } from './render-protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

let fonts: Promise<string[]> | null = null;

function loadFonts(): Promise<string[]> {
  fonts ??= Promise.all(
    (Object.keys(FACES) as FontId[]).map(async (id) => {
      const face = new FontFace(FACES[id].family, `url(${FONT_URLS[id]})`);
      await face.load();
      self.fonts.add(face);
      return FACES[id].family;
    }),
  );
  return fonts;
}

const contexts = new Map<string, OffscreenCanvasRenderingContext2D>();
function context(width: number, height: number): OffscreenCanvasRenderingContext2D {
  const key = `${width}x${height}`;
  let ctx = contexts.get(key);
  if (!ctx) {
    // willReadFrequently keeps the canvas on the CPU: software rasterisation, the same on every GPU.
    ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
    contexts.set(key, ctx);
  }
  return ctx;
}

const backend: RenderBackend = {
  measurer: createCanvasMeasurer(new OffscreenCanvas(8, 8).getContext('2d')!),
  pieces: createPieceRasterizer((w, h) => new OffscreenCanvas(w, h).getContext('2d', { willReadFrequently: true })!),
  context: (w, h) => context(w, h) as unknown as PixelContext,
  async jpeg(rgba, width, height, quality) {
    const ctx = context(width, height);
    ctx.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
    const blob = await ctx.canvas.convertToBlob({ type: 'image/jpeg', quality: quality / 100 });
    const bitmap = await createImageBitmap(blob);
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    return ctx.getImageData(0, 0, width, height).data;
  },
};

const post = (reply: RenderReply, transfer: Transferable[] = []) => self.postMessage(reply, transfer);

async function handle(msg: RenderRequest): Promise<void> {
  const { id } = msg;
  try {
    switch (msg.type) {
      case 'warm-up':
        post({ type: 'ready', id, fonts: await loadFonts() });
        return;
      case 'render': {
        await loadFonts();
        const t0 = performance.now();
        const r = await renderTpi(msg.job, backend);
        const png = msg.outputs.png ? r.png((d) => zlibSync(d, { level: 6 })) : undefined;
        const pixels = msg.outputs.pixels ? r.rgba : undefined;
        const transfer = [pixels?.buffer, png?.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
        post({ type: 'rendered', id, meta: r.meta, pixels, png, ms: performance.now() - t0 }, transfer);
        return;
      }
      default:
        assertNever(msg);
    }
  } catch (e) {
    post({ type: 'failed', id, message: e instanceof Error ? e.message : String(e) });
  }
}

self.onmessage = (ev: MessageEvent<RenderRequest>) => void handle(ev.data);
