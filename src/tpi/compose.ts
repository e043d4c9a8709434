// Fast drawing of laid-out lines: each piece of text (a word, a kanji, …) is rasterised once per
// font and size with the canvas itself, kept as a coverage bitmap, and composited in plain
// JavaScript wherever it recurs. Natural text repeats its words, so most of a TPI is copied
// rather than shaped and rasterised again. Both the page and Node use this, with the same
// canvas text rasteriser underneath, so their pixels stay the same.
//
// A layout it cannot do (right-to-left lines, emoji and other colour glyphs, pieces too big for
// the scratch canvas, colours that are not #rrggbb) is drawn with canvas fillText by the caller.

import { cssFont, familyForLine, PIECE } from './fonts.ts';
import type { Layout, Margins, TextMeasurer } from './types.ts';

/** The canvas context a piece is rasterised with (used for nothing else). */
export interface RasterContext {
  font: string;
  fillStyle: unknown;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}

/** Coverage of one piece, relative to the pen position on the baseline. */
interface PieceBitmap {
  left: number;
  top: number;
  width: number;
  height: number;
  alpha: Uint8Array; // 0 = background, 255 = full ink
}

/** Largest scratch canvas pieces are rasterised on: larger pieces go to fillText. */
export const SCRATCH = { width: 1024, height: 256 } as const;

/** Power-of-two canvas sizes: reading back a small canvas is several times cheaper than a big one. */
const bucket = (n: number, min: number) => Math.max(min, 2 ** Math.ceil(Math.log2(n)));

const EMPTY: PieceBitmap = { left: 0, top: 0, width: 0, height: 0, alpha: new Uint8Array(0) };
/** Emoji are drawn in colour: left to the canvas (the colour check below would catch them too). */
const NEEDS_CANVAS = /[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}\u200d\ufe0f\u20e3]/u;

export interface PieceRasterizer {
  /** null: draw this piece with canvas fillText instead (colour glyphs, too large). */
  get(piece: string, fontSize: number, family: string, width: number): PieceBitmap | null;
}

/** `canvas(w, h)`: a new 2D context of that size (the rasteriser keeps one per size it needs). */
export function createPieceRasterizer(canvas: (width: number, height: number) => RasterContext, maxEntries = 50_000): PieceRasterizer {
  const cache = new Map<string, PieceBitmap | null>();
  const scratch = new Map<string, { ctx: RasterContext; font: string }>();
  const rasterize = (piece: string, fontSize: number, family: string, advance: number): PieceBitmap | null => {
    const pad = Math.ceil(fontSize / 2) + 2;
    const baseline = Math.ceil(fontSize * 1.25) + 2;
    const w = Math.ceil(advance) + 2 * pad;
    const h = baseline + Math.ceil(fontSize * 0.6) + 2;
    if (w > SCRATCH.width || h > SCRATCH.height) return null;
    const key = `${bucket(w, 64)}x${bucket(h, 32)}`;
    let sc = scratch.get(key);
    if (!sc) scratch.set(key, (sc = { ctx: canvas(bucket(w, 64), bucket(h, 32)), font: '' }));
    const { ctx } = sc;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, w, h);
    ctx.fillStyle = '#000000';
    const f = cssFont(fontSize, family);
    if (f !== sc.font) ctx.font = sc.font = f;
    ctx.fillText(piece, pad, baseline);
    const px = ctx.getImageData(0, 0, w, h).data;
    let x0 = w;
    let y0 = h;
    let x1 = -1;
    let y1 = -1;
    for (let y = 0, i = 0; y < h; y++) {
      for (let x = 0; x < w; x++, i += 4) {
        const r = px[i];
        if (r === 255 && px[i + 1] === 255 && px[i + 2] === 255) continue;
        if (r !== px[i + 1] || r !== px[i + 2]) return null; // a colour glyph
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
    if (x1 < 0) return EMPTY;
    const bw = x1 - x0 + 1;
    const bh = y1 - y0 + 1;
    const alpha = new Uint8Array(bw * bh);
    for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) alpha[y * bw + x] = 255 - px[4 * ((y0 + y) * w + x0 + x)];
    return { left: x0 - pad, top: y0 - baseline, width: bw, height: bh, alpha };
  };
  return {
    get(piece, fontSize, family, advance) {
      const key = `${fontSize}|${family}|${piece}`;
      let bm = cache.get(key);
      if (bm === undefined) {
        if (cache.size >= maxEntries) cache.clear();
        bm = NEEDS_CANVAS.test(piece) ? null : rasterize(piece, fontSize, family, advance);
        cache.set(key, bm);
      }
      return bm;
    },
  };
}

/** #rgb or #rrggbb → [r, g, b]; null for anything else (then the canvas draws everything). */
export function parseHexColour(s: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(s);
  if (!m) return null;
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

const PIECES = new RegExp(PIECE.source, 'gu');
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

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

/**
 * The pixels of one page: background and lines, clipped to the text box like drawLayout; or
 * null when some line needs the canvas. Pieces start at whole pixels: the line's x plus the
 * measured widths of the pieces before them, rounded.
 */
export function composeLayout(layout: Layout, margins: Margins, measurer: TextMeasurer, pieces: PieceRasterizer, page = 0): Bitmap | null {
  const fg = parseHexColour(layout.foreground);
  const bg = parseHexColour(layout.background);
  if (!fg || !bg) return null;
  const { width: W, height: H, fontSize } = layout;
  const channels = fg[0] === fg[1] && fg[1] === fg[2] && bg[0] === bg[1] && bg[1] === bg[2] ? 1 : 4;
  const data = new Uint8ClampedArray(W * H * channels);
  if (channels === 1) data.fill(bg[0]);
  else if (LITTLE_ENDIAN) new Uint32Array(data.buffer).fill(((255 << 24) | (bg[2] << 16) | (bg[1] << 8) | bg[0]) >>> 0);
  else for (let i = 0; i < data.length; i += 4) data.set([bg[0], bg[1], bg[2], 255], i);
  const clip = { x0: margins.left, y0: margins.top, x1: W - margins.right, y1: H - margins.bottom };
  for (const line of layout.pages[page]?.lines ?? []) {
    if (!line.text) continue;
    if (line.direction === 'rtl') return null;
    const family = familyForLine(layout.fontFamily, line.text);
    const y = Math.round(line.y);
    let x = line.x;
    PIECES.lastIndex = 0;
    for (let m = PIECES.exec(line.text); m !== null; m = PIECES.exec(line.text)) {
      const piece = m[0];
      const advance = measurer.measure(piece, fontSize, layout.fontFamily);
      if (piece.charCodeAt(0) !== 32) {
        const bm = pieces.get(piece, fontSize, family, advance);
        if (!bm) return null;
        blit(data, channels, W, clip, bm, Math.round(x), y, fg);
      }
      x += advance;
    }
  }
  return { channels, data };
}

type Clip = { x0: number; y0: number; x1: number; y1: number };

/** Source-over of one colour through a coverage bitmap, clipped. */
function blit(px: Uint8ClampedArray, ch: 1 | 4, W: number, clip: Clip, bm: PieceBitmap, penX: number, penY: number, fg: [number, number, number]): void {
  const [fr, fgG, fb] = fg;
  const ox = penX + bm.left;
  const oy = penY + bm.top;
  const xs = Math.max(0, clip.x0 - ox);
  const xe = Math.min(bm.width, clip.x1 - ox);
  const ys = Math.max(0, clip.y0 - oy);
  const ye = Math.min(bm.height, clip.y1 - oy);
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
      if (ch === 4) {
        px[i + 1] = a === 255 ? fgG : (px[i + 1] * b + fgG * a) / 255;
        px[i + 2] = a === 255 ? fb : (px[i + 2] * b + fb * a) / 255;
      }
    }
  }
}
