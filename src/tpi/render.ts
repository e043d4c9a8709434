// One printed image from a text and settings: layout, drawing, augmentation, pixels. The same
// function runs in the page's render workers and in the `tpi render` workers; only the
// backend (which canvas, how to measure, how to round-trip JPEG) differs.

import { applyPixelAugment, drawAugment, isIdentity, validateAugment, type Augment, type AugmentDraw } from './augment.ts';
import { greyToRgba, paintPlaced, placeLayout, type Bitmap, type PlacedPage } from './compose.ts';
import type { PieceRasterizer } from './pieces.ts';
import { drawLayout, type DrawingContext } from './draw.ts';
import { fontFamilyList, type FontId } from './fonts.ts';
import { layoutText } from './layout.ts';
import { encodeGreyPng, encodePng, type Crc, type Deflate } from './png.ts';
import { encodePlacedPng } from './png-pieces.ts';
import { withText, type PresetName } from './presets.ts';
import type { Layout, LayoutSettings, TextMeasurer } from './types.ts';

export interface RenderJob {
  /** The record's id: the key of its augmentation draw, so that results do not depend on order. */
  id: string;
  text: string;
  preset: PresetName;
  /** Layout settings; fontFamily is replaced by the bundled font's family list. */
  settings: LayoutSettings;
  font: FontId;
  augment?: Augment | null;
  seed?: number;
}

/** Render metadata stored with each image (PRODUCT.md "Formats"). */
export interface TpiMeta {
  preset: PresetName;
  width: number;
  height: number;
  font: FontId;
  font_size: number;
  lines: number;
  overflow: boolean;
  augment?: AugmentDraw;
}

export interface PixelContext extends DrawingContext {
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}

export interface RenderBackend {
  /** A measurer over the bundled fonts (see createCanvasMeasurer). */
  measurer: TextMeasurer;
  /** Rasterised pieces of text for the fast path (see compose.ts); without it, canvas fillText. */
  pieces?: PieceRasterizer;
  /** A context of the given size; drawing paints every pixel, so it need not be cleared. */
  context(width: number, height: number): PixelContext;
  /** RGBA → JPEG at this quality → RGBA. */
  jpeg(rgba: Uint8ClampedArray, width: number, height: number, quality: number): Promise<Uint8ClampedArray> | Uint8ClampedArray;
  /**
   * Where composited pixels go (default: a new array each time). A buffer reused from image to
   * image saves allocation and garbage collection, for callers done with each image before the next.
   */
  pixels?(bytes: number): Uint8ClampedArray;
}

/** A printed image: its metadata, its layout and its pixels. */
export class Rendered {
  private bitmap: Bitmap | null;
  private rgbaFromGrey: Uint8ClampedArray | null = null;

  /**
   * `pixels`, or `placed` (the pieces of an image composited from them, not augmented) with the
   * buffer to paint it into: then the pixels are painted on first use only, and a PNG can be
   * written from the pieces without painting (pngFromPieces).
   */
  constructor(
    readonly meta: TpiMeta,
    readonly layout: Layout,
    pixels: Bitmap | null,
    readonly placed: PlacedPage | null = null,
    private readonly alloc?: (bytes: number) => Uint8ClampedArray,
  ) {
    if (!pixels && !placed) throw new Error('a rendered image needs its pixels or its placed pieces');
    this.bitmap = pixels;
  }

  private pixels(): Bitmap {
    this.bitmap ??= paintPlaced(this.placed!, this.alloc);
    return this.bitmap;
  }

  /** One byte per pixel when the image is grey by construction (grey colours, no colour steps). */
  get grey(): Uint8ClampedArray | null {
    const b = this.pixels();
    return b.channels === 1 ? b.data : null;
  }

  /** Row-major RGBA, width × height × 4 bytes (made from the grey pixels on first use). */
  get rgba(): Uint8ClampedArray {
    const b = this.pixels();
    if (b.channels === 4) return b.data;
    this.rgbaFromGrey ??= greyToRgba(b.data);
    return this.rgbaFromGrey;
  }

  png(deflate: Deflate, crc?: Crc): Uint8Array {
    const { width, height } = this.meta;
    const grey = this.grey;
    return grey ? encodeGreyPng(grey, width, height, deflate, crc) : encodePng(this.rgba, width, height, deflate, crc);
  }

  /**
   * The PNG written straight from the placed pieces (png-pieces.ts: about twice as fast as
   * deflating the pixels, somewhat larger files), or null where that does not apply (colour,
   * augmented or canvas-drawn images): then use png().
   */
  pngFromPieces(crc?: Crc): Uint8Array | null {
    return this.placed && encodePlacedPng(this.placed, crc);
  }
}

export function layoutJob(job: RenderJob, measurer: TextMeasurer): Layout {
  const settings = { ...job.settings, fontFamily: fontFamilyList(job.font) };
  return layoutText(withText(settings, job.text), measurer);
}

export function metaOf(job: RenderJob, layout: Layout, augment?: AugmentDraw): TpiMeta {
  const meta: TpiMeta = {
    preset: job.preset,
    width: layout.width,
    height: layout.height,
    font: job.font,
    font_size: layout.fontSize,
    lines: layout.pages[0]?.lines.length ?? 0,
    overflow: layout.overflow,
  };
  if (augment) meta.augment = augment;
  return meta;
}

/** `layout`: the job's layout when the caller has made it already (layoutJob). */
export async function renderTpi(job: RenderJob, backend: RenderBackend, layout = layoutJob(job, backend.measurer)): Promise<Rendered> {
  const { width, height } = layout;
  let draw: AugmentDraw | undefined;
  if (job.augment && !isIdentity(job.augment)) {
    validateAugment(job.augment);
    draw = drawAugment(job.augment, job.seed ?? 0, job.id, width, height);
  }
  const { margins } = job.settings;
  const alloc = backend.pixels && ((n: number) => backend.pixels!(n));
  // Composited from cached pieces when it can be (and not rotated: rotated text is drawn rotated).
  const placed = backend.pieces && !draw?.angle ? placeLayout(layout, margins, backend.measurer, backend.pieces) : null;
  if (placed && !draw) return new Rendered(metaOf(job, layout), layout, null, placed, alloc);
  let pixels = placed && paintPlaced(placed, alloc);
  if (!pixels) {
    const ctx = backend.context(width, height);
    drawLayout(ctx, layout, { margins, rotate: draw?.angle });
    pixels = { channels: 4, data: ctx.getImageData(0, 0, width, height).data };
  }
  if (draw) {
    let rgba = pixels.channels === 4 ? pixels.data : greyToRgba(pixels.data);
    applyPixelAugment(rgba, width, height, draw, layout.background);
    if (draw.jpeg > 0) rgba = await backend.jpeg(rgba, width, height, draw.jpeg);
    pixels = { channels: 4, data: rgba };
  }
  return new Rendered(metaOf(job, layout, draw), layout, pixels);
}

/**
 * Model-ready pixels: planar float32 [3, H, W], rescaled to 0–1 and normalised with the
 * processor's mean and std (0.5 and 0.5 for SmolVLM), straight from the canvas, no PNG between.
 * `into`: a buffer to fill (one slot of a batch tensor, say) instead of a new one.
 */
export function toModelPixels(image: Rendered, mean = 0.5, std = 0.5, into?: Float32Array): Float32Array {
  const { width, height } = image.meta;
  if (!image.grey) return rgbaToModelPixels(image.rgba, width, height, mean, std, into);
  const plane = width * height;
  const out = into ?? new Float32Array(3 * plane);
  if (out.length !== 3 * plane) throw new RangeError(`expected a Float32Array of ${3 * plane}, got ${out.length}`);
  const a = 1 / (255 * std);
  const b = -mean / std;
  const grey = image.grey;
  for (let p = 0; p < plane; p++) out[p] = grey[p] * a + b;
  out.copyWithin(plane, 0, plane);
  out.copyWithin(2 * plane, 0, plane);
  return out;
}

export function rgbaToModelPixels(rgba: Uint8ClampedArray, width: number, height: number, mean = 0.5, std = 0.5, into?: Float32Array): Float32Array {
  const plane = width * height;
  const out = into ?? new Float32Array(3 * plane);
  if (out.length !== 3 * plane) throw new RangeError(`expected a Float32Array of ${3 * plane}, got ${out.length}`);
  const a = 1 / (255 * std);
  const b = -mean / std;
  for (let p = 0, i = 0; p < plane; p++, i += 4) {
    out[p] = rgba[i] * a + b;
    out[plane + p] = rgba[i + 1] * a + b;
    out[2 * plane + p] = rgba[i + 2] * a + b;
  }
  return out;
}
