// Fast drawing of laid-out lines: each piece of text (a word, a kanji, …) is rasterised once per
// font and size with the canvas itself (pieces.ts), kept as a coverage bitmap, and composited in
// plain JavaScript wherever it recurs. Natural text repeats its words, so most of a TPI is
// copied rather than shaped and rasterised again. Both the page and Node use this, with the
// same canvas text rasteriser underneath, so their pixels stay the same.
//
// A layout it cannot do (right-to-left lines, emoji and other colour glyphs, pieces too big for
// the scratch canvas, colours that are not #rrggbb) is drawn with canvas fillText by the caller.

import { familyForLine, isLatin1, PIECE } from './fonts.ts';
import { CANVAS, type Piece, type PieceBitmap, type PieceRasterizer } from './pieces.ts';
import { LITTLE_ENDIAN } from './png.ts';
import type { Layout, Margins, TextMeasurer } from './types.ts';

/** #rgb or #rrggbb → [r, g, b]; null for anything else (then the canvas draws everything). */
export function parseHexColour(s: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(s);
  if (!m) return null;
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

const PIECES = new RegExp(PIECE.source, 'gu');

/**
 * Where the piece that starts at `start` ends (see PIECE): in Latin-1 text, at the next change
 * between spaces and the rest, found without the regular expression (and its match object).
 */
export function pieceEnd(text: string, start: number, latin1: boolean): number {
  if (latin1) {
    const space = text.charCodeAt(start) === 32;
    let i = start + 1;
    while (i < text.length && (text.charCodeAt(i) === 32) === space) i++;
    return i;
  }
  PIECES.lastIndex = start;
  const m = PIECES.exec(text);
  return m && m.index === start ? start + m[0].length : start + 1;
}

/** Composited pixels: one grey byte per pixel when both colours are grey, else RGBA. */
export interface Bitmap {
  channels: 1 | 4;
  data: Uint8ClampedArray;
}

/** Grey pixels → RGBA (opaque). */
export function greyToRgba(grey: Uint8ClampedArray): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(grey.length * 4);
  if (LITTLE_ENDIAN) {
    const w = new Uint32Array(rgba.buffer);
    for (let i = 0; i < grey.length; i++) w[i] = (0xff000000 | (grey[i] * 0x10101)) >>> 0;
  } else for (let i = 0; i < grey.length; i++) rgba.set([grey[i], grey[i], grey[i], 255], 4 * i);
  return rgba;
}

/** What every page of a run has in common: its size, its colours, its text box. */
export interface PageFrame {
  width: number;
  height: number;
  /** 1 when both colours are grey (one byte per pixel), else 4 (RGBA). */
  channels: 1 | 4;
  fg: [number, number, number];
  bg: [number, number, number];
  /** The text box: pixels outside it are not painted. */
  clip: Clip;
  /** Grey: each coverage value's colour over the background, as the store in blitGrey rounds it. */
  lut: Uint8ClampedArray;
}

/** The last frame made: a run's pages all have the same one. */
let lastFrame: { args: [number, number, string, string, number, number, number, number]; frame: PageFrame | null } | null = null;

/** The frame of pages of this size, colours (#rgb or #rrggbb, else null) and margins. */
export function pageFrame(width: number, height: number, foreground: string, background: string, margins: Margins): PageFrame | null {
  const args: [number, number, string, string, number, number, number, number] = [width, height, foreground, background, margins.top, margins.right, margins.bottom, margins.left];
  if (lastFrame && lastFrame.args.every((a, i) => a === args[i])) return lastFrame.frame;
  const frame = makeFrame(width, height, foreground, background, margins);
  lastFrame = { args, frame };
  return frame;
}

function makeFrame(width: number, height: number, foreground: string, background: string, margins: Margins): PageFrame | null {
  const fg = parseHexColour(foreground);
  const bg = parseHexColour(background);
  if (!fg || !bg) return null;
  const channels = fg[0] === fg[1] && fg[1] === fg[2] && bg[0] === bg[1] && bg[1] === bg[2] ? 1 : 4;
  const lut = new Uint8ClampedArray(256);
  for (let a = 0; a < 256; a++) lut[a] = (bg[0] * (255 - a) + fg[0] * a) / 255;
  return { width, height, channels, fg, bg, clip: { x0: margins.left, y0: margins.top, x1: width - margins.right, y1: height - margins.bottom }, lut };
}

/**
 * Where every piece of one page goes, before any pixel is painted: what paintPlaced paints and
 * what the PNG encoder of png-pieces.ts reads without painting. The bitmaps are in drawing
 * order, with the page position of each one's top-left pixel.
 */
export interface PlacedPage {
  frame: PageFrame;
  bitmaps: PieceBitmap[];
  xs: number[];
  ys: number[];
}

/** Made here only, so that every placed page has the same shape (one hidden class for V8). */
export function placedPage(frame: PageFrame, bitmaps: PieceBitmap[], xs: number[], ys: number[]): PlacedPage {
  return { frame, bitmaps, xs, ys };
}

/**
 * The pieces of one page and where they go; or null when some line needs the canvas. Pieces
 * start at whole pixels: the line's x plus the measured widths of the pieces before them, rounded.
 */
export function placeLayout(layout: Layout, margins: Margins, measurer: TextMeasurer, pieces: PieceRasterizer, page = 0): PlacedPage | null {
  const frame = pageFrame(layout.width, layout.height, layout.foreground, layout.background, margins);
  if (!frame) return null;
  const placed = placedPage(frame, [], [], []);
  const fontSize = layout.fontSize;
  let font: ((piece: string) => Piece) | null = null;
  let fontFamily = '';
  for (const line of layout.pages[page]?.lines ?? []) {
    if (!line.text) continue;
    if (line.direction === 'rtl') return null;
    const text = line.text;
    const latin = isLatin1(text);
    const family = familyForLine(layout.fontFamily, text, latin);
    if (family !== fontFamily || !font) font = pieces.font(fontSize, (fontFamily = family), layout.fontFamily, measurer);
    const y = Math.round(line.y);
    let x = line.x;
    for (let start = 0, end = 0; start < text.length; start = end) {
      end = pieceEnd(text, start, latin);
      // A single space (every other piece of a line) without a new string: one less allocation.
      const piece = font(start === 0 && end === text.length ? text : end === start + 1 && text.charCodeAt(start) === 32 ? ' ' : text.slice(start, end));
      const bm = piece.bitmap;
      if (bm === CANVAS) return null;
      if (bm.width > 0) {
        placed.bitmaps.push(bm);
        placed.xs.push(Math.round(x) + bm.left);
        placed.ys.push(y + bm.top);
      }
      x += piece.advance;
    }
  }
  return placed;
}

/** The pixels of a placed page: background, then each piece, clipped to the text box like drawLayout. */
export function paintPlaced(p: PlacedPage, alloc: (bytes: number) => Uint8ClampedArray = (bytes) => new Uint8ClampedArray(bytes)): Bitmap {
  const { width: W, height: H, channels, fg, bg, clip, lut } = p.frame;
  const data = alloc(W * H * channels); // every byte is set below
  if (channels === 1) data.fill(bg[0]);
  else if (LITTLE_ENDIAN) new Uint32Array(data.buffer, data.byteOffset, W * H).fill(((255 << 24) | (bg[2] << 16) | (bg[1] << 8) | bg[0]) >>> 0);
  else for (let i = 0; i < data.length; i += 4) data.set([bg[0], bg[1], bg[2], 255], i);
  for (let i = 0; i < p.bitmaps.length; i++) {
    if (channels === 1) blitGrey(data, W, clip, p.bitmaps[i], p.xs[i], p.ys[i], fg[0], bg[0], lut);
    else blit(data, W, clip, p.bitmaps[i], p.xs[i], p.ys[i], fg);
  }
  return { channels, data };
}


export type Clip = { x0: number; y0: number; x1: number; y1: number };

/** The part of a bitmap placed at (ox, oy) inside the clip: columns [xs, xe), rows [ys, ye). */
function visible(clip: Clip, bm: PieceBitmap, ox: number, oy: number) {
  return { xs: Math.max(0, clip.x0 - ox), xe: Math.min(bm.width, clip.x1 - ox), ys: Math.max(0, clip.y0 - oy), ye: Math.min(bm.height, clip.y1 - oy) };
}

/**
 * Row y of paintPlaced's pixels for a grey page, into row[0, width): for the PNG encoder, which
 * needs the pixels of the few rows where pieces overlap or are clipped, not the whole page.
 */
export function paintPlacedRow(p: PlacedPage, y: number, row: Uint8ClampedArray): void {
  const { width: W, clip, fg, bg, lut } = p.frame;
  row.fill(bg[0], 0, W);
  if (y < clip.y0 || y >= clip.y1) return;
  for (let i = 0; i < p.bitmaps.length; i++) {
    const bm = p.bitmaps[i];
    const j = y - p.ys[i];
    if (j < 0 || j >= bm.height) continue;
    const ox = p.xs[i];
    const { xs, xe } = visible(clip, bm, ox, p.ys[i]);
    blendGreyRow(row, ox, bm.alpha, j * bm.width, xs, xe, fg[0], bg[0], lut);
  }
}

/** blit for one grey byte per pixel, the bitmap's top-left at (ox, oy); pixels still at the background take the table's value. */
function blitGrey(px: Uint8ClampedArray, W: number, clip: Clip, bm: PieceBitmap, ox: number, oy: number, fg: number, bg: number, lut: Uint8ClampedArray): void {
  const { xs, xe, ys, ye } = visible(clip, bm, ox, oy);
  for (let j = ys; j < ye; j++) blendGreyRow(px, (oy + j) * W + ox, bm.alpha, j * bm.width, xs, xe, fg, bg, lut);
}

/** Columns [xs, xe) of one bitmap row (from `s0` in alpha) over pixels from `i0`. */
function blendGreyRow(px: Uint8ClampedArray, i0: number, alpha: Uint8Array, s0: number, xs: number, xe: number, fg: number, bg: number, lut: Uint8ClampedArray): void {
  for (let k = xs; k < xe; k++) {
    const a = alpha[s0 + k];
    const p = px[i0 + k];
    // a = 0 leaves p as it is, a = 255 gives fg: exactly, in both branches.
    px[i0 + k] = p === bg ? lut[a] : (p * (255 - a) + fg * a) / 255;
  }
}

/** Source-over of one colour through a coverage bitmap, clipped, onto RGBA pixels. */
function blit(px: Uint8ClampedArray, W: number, clip: Clip, bm: PieceBitmap, ox: number, oy: number, fg: [number, number, number]): void {
  const ch = 4;
  const [fr, fgG, fb] = fg;
  const { xs, xe, ys, ye } = visible(clip, bm, ox, oy);
  const alpha = bm.alpha;
  for (let j = ys; j < ye; j++) {
    let src = j * bm.width + xs;
    let i = ch * ((oy + j) * W + ox + xs);
    for (let k = xs; k < xe; k++, src++, i += ch) {
      const a = alpha[src];
      if (a === 0) continue;
      const b = 255 - a;
      // Uint8ClampedArray rounds on store: black on white gives exactly 255 − a, as fillText does.
      px[i] = a === 255 ? fr : (px[i] * b + fr * a) / 255;
      px[i + 1] = a === 255 ? fgG : (px[i + 1] * b + fgG * a) / 255;
      px[i + 2] = a === 255 ? fb : (px[i + 2] * b + fb * a) / 255;
    }
  }
}
