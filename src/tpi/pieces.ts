// Pieces of text (a word, a kanji, …) rasterised once per font and size with the canvas itself
// and kept as coverage bitmaps, which compose.ts composites wherever they recur. Both the page
// and Node use this, with the same canvas text rasteriser underneath, so their pixels agree.

import { cssFont } from './fonts.ts';
import { LITTLE_ENDIAN } from './png.ts';
import type { InkBox, TextMeasurer } from './types.ts';

/** The canvas context a piece is rasterised with (used for nothing else). */
export interface RasterContext {
  font: string;
  fillStyle: unknown;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}

/** Coverage of one piece, relative to the pen position on the baseline. */
export interface PieceBitmap {
  left: number;
  top: number;
  width: number;
  height: number;
  alpha: Uint8Array; // 0 = background, 255 = full ink
}

/** A piece as compose.ts uses it: its advance and its coverage (CANVAS: draw with fillText). */
export interface Piece {
  advance: number;
  bitmap: PieceBitmap;
}

/** Largest scratch canvas pieces are rasterised on: larger pieces go to fillText. */
export const SCRATCH = { width: 1024, height: 256 } as const;

/** Power-of-two canvas sizes: reading back a small canvas is several times cheaper than a big one. */
const bucket = (n: number, min: number) => Math.max(min, n <= 1 ? 1 : 2 ** (32 - Math.clz32(n - 1)));

const EMPTY: PieceBitmap = { left: 0, top: 0, width: 0, height: 0, alpha: new Uint8Array(0) };
/** Not a bitmap: the piece is drawn with canvas fillText (one shape for all: no deoptimising). */
export const CANVAS: PieceBitmap = { ...EMPTY };
/** draw()'s answer when ink touches a rim that was asked to stay clear. */
const RIM: PieceBitmap = { ...EMPTY };
/** Emoji are drawn in colour: left to the canvas (the colour check below would catch them too). */
const NEEDS_CANVAS = /[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}\u200d\ufe0f\u20e3]/u;

export interface PieceRasterizer {
  /**
   * The pieces of one font: `measureFamily` is the layout's family list (what advances are
   * measured with), `family` the one drawn with (see familyForLine).
   */
  font(fontSize: number, family: string, measureFamily: string, measurer: TextMeasurer): (piece: string) => Piece;
}

/**
 * `canvas(w, h)`: a new 2D context of that size (the rasteriser keeps one per size it needs).
 * `coverageArray(bytes)`: where a piece's coverage is kept (the CLI keeps it in memory shared with
 * the thread that codes the PNGs; the bytes are all written).
 */
export function createPieceRasterizer(canvas: (width: number, height: number) => RasterContext, maxEntries = 50_000, coverageArray: (bytes: number) => Uint8Array = (bytes) => new Uint8Array(bytes)): PieceRasterizer {
  const fonts = new Map<string, Map<string, Piece>>();
  let pieceCount = 0;
  const scratch = new Map<number, { ctx: RasterContext; font: string }>();
  const scratchCanvas = (w: number, h: number, font: string): RasterContext => {
    const [bw, bh] = [bucket(w, 64), bucket(h, 32)];
    const key = bw * 65536 + bh;
    let sc = scratch.get(key);
    if (!sc) scratch.set(key, (sc = { ctx: canvas(bw, bh), font: '' }));
    if (font !== sc.font) sc.ctx.font = sc.font = font;
    return sc.ctx;
  };
  const rasterize = (piece: string, fontSize: number, family: string, advance: number, ink?: InkBox): PieceBitmap | null => {
    const pad = Math.ceil(fontSize / 2) + 2;
    const baseline = Math.ceil(fontSize * 1.25) + 2;
    const w = Math.ceil(advance) + 2 * pad;
    const h = baseline + Math.ceil(fontSize * 0.6) + 2;
    if (w > SCRATCH.width || h > SCRATCH.height) return null;
    const ctx = scratchCanvas(w, h, cssFont(fontSize, family));
    // Reading pixels back is the slow part: read the measured ink box and 1 px around it, and
    // the whole padded box only if ink reaches that rim (or nothing was measured).
    if (ink) {
      const x0 = Math.max(0, Math.floor(pad - ink.left) - 1);
      const y0 = Math.max(0, Math.floor(baseline - ink.ascent) - 1);
      const x1 = Math.min(w, Math.ceil(pad + ink.right) + 1);
      const y1 = Math.min(h, Math.ceil(baseline + ink.descent) + 1);
      if (x1 > x0 && y1 > y0) {
        const bm = draw(ctx, coverageArray, piece, pad, baseline, x0, y0, x1 - x0, y1 - y0, x0 > 0, y0 > 0, x1 < w, y1 < h);
        if (bm !== RIM) return bm;
      }
    }
    const bm = draw(ctx, coverageArray, piece, pad, baseline, 0, 0, w, h, false, false, false, false);
    return bm === RIM ? null : bm;
  };
  return {
    font(fontSize, family, measureFamily, measurer) {
      const key = `${fontSize}|${family}|${measureFamily}`;
      let pieces = fonts.get(key);
      if (!pieces) fonts.set(key, (pieces = new Map()));
      const table = pieces;
      return (piece) => {
        let p = table.get(piece);
        if (p === undefined) {
          if (pieceCount >= maxEntries) {
            fonts.clear();
            fonts.set(key, table);
            table.clear();
            pieceCount = 0;
          }
          const advance = measurer.measure(piece, fontSize, measureFamily);
          const ink = piece.charCodeAt(0) === 32 ? undefined : measurer.ink?.(piece, fontSize, measureFamily);
          const bitmap = piece.charCodeAt(0) === 32 ? EMPTY : NEEDS_CANVAS.test(piece) ? null : rasterize(piece, fontSize, family, advance, ink);
          p = { advance, bitmap: bitmap ?? CANVAS };
          table.set(piece, p);
          pieceCount++;
        }
        return p;
      };
    },
  };
}

/**
 * Draws the piece black on white at (penX, baseline) and reads back the box (x, y, w, h);
 * RIM when a side flagged `check*` has ink, null for a colour glyph, else the tight coverage.
 */
function draw(ctx: RasterContext, coverageArray: (bytes: number) => Uint8Array, piece: string, penX: number, baseline: number, x: number, y: number, w: number, h: number, checkLeft: boolean, checkTop: boolean, checkRight: boolean, checkBottom: boolean): PieceBitmap | null {
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(x, y, w, h);
  ctx.fillStyle = '#000000';
  ctx.fillText(piece, penX, baseline);
  const px = ctx.getImageData(x, y, w, h).data;
  const words = LITTLE_ENDIAN && px.byteOffset % 4 === 0 ? new Int32Array(px.buffer, px.byteOffset, w * h) : littleEndianWords(px);
  if (!inkBox(words, w, h)) return null; // a colour glyph
  const { x0, y0, x1, y1 } = box;
  if (x1 < 0) return EMPTY;
  if ((checkLeft && x0 === 0) || (checkTop && y0 === 0) || (checkRight && x1 === w - 1) || (checkBottom && y1 === h - 1)) return RIM;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const alpha = coverageArray(bw * bh);
  coverage(words, w, x0, y0, bw, bh, alpha);
  return { left: x + x0 - penX, top: y + y0 - baseline, width: bw, height: bh, alpha };
}


/** The ink's bounding box found by inkBox (x1 < 0: no ink), kept here rather than allocated per piece. */
const box = { x0: 0, y0: 0, x1: -1, y1: -1 };

/**
 * The box of the pixels that are not white, one 32-bit word a pixel (opaque white is -1), row
 * by row from both ends; false when one is not grey (a colour glyph). Small, so that V8
 * optimises it early: most pieces of a run are drawn in its first tenth of a second.
 */
function inkBox(words: Int32Array, w: number, h: number): boolean {
  let x0 = w;
  let x1 = -1;
  let y0 = h;
  let y1 = -1;
  for (let yy = 0, row = 0; yy < h; yy++, row += w) {
    const end = row + w;
    let a = row;
    while (a < end && words[a] === -1) a++;
    if (a === end) continue;
    let b = end - 1;
    while (words[b] === -1) b--;
    for (let i = a; i <= b; i++) {
      const v = words[i];
      if (v !== -1 && ((v ^ (v >>> 8)) & 0xffff) !== 0) return false; // R, G and B not all equal
    }
    if (a - row < x0) x0 = a - row;
    if (b - row > x1) x1 = b - row;
    if (y1 < 0) y0 = yy;
    y1 = yy;
  }
  box.x0 = x0;
  box.y0 = y0;
  box.x1 = x1;
  box.y1 = y1;
  return true;
}

/** Coverage of the box (bw × bh at x0, y0) from 32-bit pixels: 255 minus red, a word's low byte. */
function coverage(words: Int32Array, w: number, x0: number, y0: number, bw: number, bh: number, alpha: Uint8Array): void {
  for (let yy = 0, k = 0; yy < bh; yy++) for (let i = (y0 + yy) * w + x0, e = i + bw; i < e; i++, k++) alpha[k] = 255 - (words[i] & 0xff);
}

/** RGBA bytes as 32-bit words with red in the low byte, as a view gives them on little-endian machines (for the others, and unaligned buffers). */
function littleEndianWords(px: Uint8ClampedArray): Int32Array {
  const words = new Int32Array(px.length >> 2);
  for (let i = 0; i < words.length; i++) words[i] = px[4 * i] | (px[4 * i + 1] << 8) | (px[4 * i + 2] << 16) | (px[4 * i + 3] << 24);
  return words;
}
