// Paints a Layout onto a 2D canvas context: an OffscreenCanvas in the page's render workers, an
// @napi-rs/canvas context in Node. Nothing here decides where text goes; the layout did that.

import { cssFont, familyForLine } from './fonts.ts';
import type { Layout, Margins } from './types.ts';

/** The part of CanvasRenderingContext2D that drawing uses (both canvas kinds have it). */
export interface DrawingContext {
  fillStyle: unknown;
  font: string;
  textAlign: string;
  textBaseline: string;
  direction: string;
  save(): void;
  restore(): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  beginPath(): void;
  rect(x: number, y: number, w: number, h: number): void;
  clip(): void;
  translate(x: number, y: number): void;
  rotate(radians: number): void;
}

export interface DrawOptions {
  margins: Margins;
  /** Which page of a paginated layout; 0 by default. */
  page?: number;
  /** Rotation in degrees about the canvas centre (augmentation); the background stays unrotated. */
  rotate?: number;
}

/**
 * Background, then the lines of one page, clipped to the text box so that nothing ever lands in
 * the margins (an over-wide grapheme, a glyph taller than the line). Positions are rounded to
 * whole pixels: engines differ most in how they place glyphs at fractional offsets.
 */
export function drawLayout(ctx: DrawingContext, layout: Layout, opts: DrawOptions): void {
  const { width, height } = layout;
  const page = layout.pages[opts.page ?? 0] ?? { lines: [] };
  ctx.save();
  ctx.fillStyle = layout.background;
  ctx.fillRect(0, 0, width, height);
  if (opts.rotate) {
    ctx.translate(width / 2, height / 2);
    ctx.rotate((opts.rotate * Math.PI) / 180);
    ctx.translate(-width / 2, -height / 2);
  }
  const m = opts.margins;
  ctx.beginPath();
  ctx.rect(m.left, m.top, width - m.left - m.right, height - m.top - m.bottom);
  ctx.clip();
  ctx.fillStyle = layout.foreground;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  let font = '';
  for (const line of page.lines) {
    if (!line.text) continue;
    const f = cssFont(layout.fontSize, familyForLine(layout.fontFamily, line.text));
    if (f !== font) ctx.font = font = f;
    ctx.direction = line.direction;
    ctx.fillText(line.text, Math.round(line.x), Math.round(line.y));
  }
  ctx.restore();
}
