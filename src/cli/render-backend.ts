/**
 * The Node side of the renderer: @napi-rs/canvas (Skia, prebuilt binaries from npm) with the
 * same bundled TTF files the page loads, and node:zlib for the PNG encoder.
 */
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import type { SKRSContext2D } from '@napi-rs/canvas';
import { createPieceRasterizer } from '../tpi/pieces.ts';
import { createCanvasMeasurer, FACES } from '../tpi/fonts.ts';
import { crc32, encodePng, type Crc } from '../tpi/png.ts';
import type { PixelContext, Rendered, RenderBackend } from '../tpi/render.ts';

const require = createRequire(import.meta.url);
// Loaded with require, not import: importing a CommonJS package from an ES module makes Node
// scan its source for export names, which cost each worker thread 40–60 ms of CPU at start.
const { createCanvas, GlobalFonts, Image, ImageData, setTextRenderer } = require('@napi-rs/canvas') as typeof import('@napi-rs/canvas');
let registered = false;

/**
 * 'system' draws text as Chrome does on the same OS (its font rasteriser, text gamma and
 * contrast): on Linux the CLI's pixels then equal the page's exactly. 'portable' gives the same
 * pixels on Linux, macOS and Windows, but lighter anti-aliasing than Chrome's.
 */
export type TextRenderer = 'system' | 'portable';
export const TEXT_RENDERERS: readonly TextRenderer[] = ['system', 'portable'];

/** Registers the bundled faces under their TPI family names (once per thread). */
export function registerBundledFonts(renderer: TextRenderer = 'system'): void {
  setTextRenderer(renderer); // process-wide; setting the mode in use again changes nothing
  if (registered) return;
  for (const face of Object.values(FACES)) {
    const path = require.resolve(face.file);
    if (!GlobalFonts.registerFromPath(path, face.family)) throw new Error(`could not load the font ${path}`);
  }
  registered = true;
}

export function fontPath(file: string): string {
  return require.resolve(file);
}

/** `coverageArray`: where pieces' coverage is kept (createPieceRasterizer). */
export function nodeBackend(renderer: TextRenderer = 'system', coverageArray?: (bytes: number) => Uint8Array): RenderBackend {
  registerBundledFonts(renderer);
  const measuring = createCanvas(8, 8).getContext('2d');
  const contexts = new Map<string, SKRSContext2D>();
  const context = (width: number, height: number): SKRSContext2D => {
    const key = `${width}x${height}`;
    let ctx = contexts.get(key);
    if (!ctx) {
      ctx = createCanvas(width, height).getContext('2d');
      contexts.set(key, ctx);
    }
    return ctx;
  };
  return {
    measurer: createCanvasMeasurer(measuring),
    pieces: createPieceRasterizer((w, h) => createCanvas(w, h).getContext('2d'), undefined, coverageArray),
    context: (w, h) => context(w, h) as unknown as PixelContext,
    jpeg(rgba, width, height, quality) {
      const ctx = context(width, height);
      ctx.putImageData(new ImageData(rgba, width, height), 0, 0);
      const image = new Image();
      image.src = ctx.canvas.encodeSync('jpeg', quality);
      ctx.drawImage(image, 0, 0);
      return ctx.getImageData(0, 0, width, height).data;
    },
  };
}

/** Deflate level 1: on printed text (mostly flat rows) it is several times faster than the default and barely larger. */
export const nodeDeflate = (data: Uint8Array): Uint8Array => zlib.deflateSync(data, { level: 1 });

/** node:zlib's CRC-32 (Node ≥ 20.15), else the portable one. */
export const nodeCrc: Crc = typeof zlib.crc32 === 'function' ? (d) => zlib.crc32(d) : crc32;

/**
 * A PNG of a rendered image, as `tpi render` writes it: coded from its pieces where it was
 * composited from them (grey colours, no augmentation), else deflated. Which one depends only
 * on the image, never on the thread: the same input gives the same files.
 */
export function pngFile(r: Rendered): Uint8Array {
  return r.pngFromPieces(nodeCrc) ?? r.png(nodeDeflate, nodeCrc);
}

export function pngOf(rgba: Uint8ClampedArray, width: number, height: number): Uint8Array {
  return encodePng(rgba, width, height, nodeDeflate, nodeCrc);
}
