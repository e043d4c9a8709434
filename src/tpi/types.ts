// Types of the Text-Printed Image layout engine. Pure data: no DOM, no canvas.
// The layout decides *where* text goes; a separate drawer (OffscreenCanvas, node-canvas…)
// paints it, so everything the drawer needs is carried through in `Layout`.

/**
 * Width of a string in CSS pixels at a font size. Injected so that the same layout runs with
 * OffscreenCanvas `measureText` in a worker, with a font library in Node, and with a fake in tests.
 */
export interface TextMeasurer {
  measure(text: string, fontSize: number, fontFamily: string): number;
  /**
   * Optional vertical metrics (px, positive numbers). Without them the layout assumes the
   * common 0.8 / 0.2 em split, which only moves baselines, never line breaks.
   */
  metrics?(fontSize: number, fontFamily: string): { ascent: number; descent: number };
  /**
   * Optional: the width of `text + added` given `width`, the width of `text`: a line breaker's
   * candidate costs only what it adds.
   */
  extend?(width: number, text: string, added: string, fontSize: number, fontFamily: string): number;
  /**
   * Optional: the width of a text that ends with `before` grown by `added`, given the text's
   * width, when that is the sum of the two (the measurer knows where widths add up); else
   * undefined. The text itself is not needed, so the line breaker need not build it.
   */
  extendAt?(width: number, before: string, added: string, fontSize: number, fontFamily: string): number | undefined;
  /** Optional: a box that holds the ink of a piece measured before (canvas TextMetrics), for the rasteriser. */
  ink?(piece: string, fontSize: number, fontFamily: string): InkBox | undefined;
}

/** Ink extents from the pen position on the baseline, in px (canvas actualBoundingBox*). */
export interface InkBox {
  left: number;
  right: number;
  ascent: number;
  descent: number;
}

/**
 * left/center/right are absolute; start/end follow each paragraph's direction (end = right
 * for left-to-right text, left for right-to-left text). Justify is not supported: canvas
 * `fillText` cannot stretch spaces portably, and TPIs in the paper are ragged-right.
 */
export const ALIGNMENTS = ['left', 'center', 'right', 'start', 'end'] as const;
export type Alignment = (typeof ALIGNMENTS)[number];

/** What to do when the text does not fit even at `minFontSize`. */
export type OverflowPolicy = 'truncate' | 'paginate';

export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** Everything except the text: what a preset describes. */
export interface LayoutSettings {
  width: number; // canvas width, px
  height: number; // canvas height, px
  margins: Margins;
  fontFamily: string; // a CSS font-family list, passed to the measurer and the drawer
  minFontSize: number; // integer px
  maxFontSize: number; // integer px
  lineHeight: number; // multiple of the font size (1.2 = 120 %)
  align: Alignment;
  foreground: string; // CSS colour, passed through for the drawer
  background: string; // CSS colour, passed through for the drawer
  overflow: OverflowPolicy;
  tabSize?: number; // spaces per tab, default 4
}

export interface LayoutOptions extends LayoutSettings {
  text: string;
}

export interface LaidLine {
  /** What to draw: tabs expanded, zero-width spaces removed, spaces at soft breaks dropped. */
  text: string;
  /** Left edge of the text in px (draw with textAlign 'left', whatever the direction). */
  x: number;
  /** Baseline in px (draw with textBaseline 'alphabetic'). */
  y: number;
  /** Measured width of `text` in px. */
  width: number;
  /** UTF-16 offsets into the original text: text.slice(start, end) is the source of this line. */
  start: number;
  end: number;
  /** Paragraph direction from its first strong letter; the drawer sets ctx.direction from it. */
  direction: 'ltr' | 'rtl';
  /** True for the last line of a paragraph (a hard newline or the end of the text follows). */
  endsParagraph: boolean;
}

export interface LaidPage {
  lines: LaidLine[];
}

export interface LayoutFlags {
  /** Right-to-left letters (Hebrew, Arabic, …) occur in the text. */
  rtl: boolean;
  /** CJK ideographs, kana or Hangul occur in the text (breaks between characters were used). */
  cjk: boolean;
  /** Some line is wider than the text box (a single grapheme wider than the box at minFontSize). */
  clipped: boolean;
}

export interface Layout {
  width: number;
  height: number;
  fontFamily: string;
  fontSize: number; // the chosen integer size
  lineHeightPx: number; // fontSize × lineHeight
  foreground: string;
  background: string;
  /** One page unless the text overflowed with the 'paginate' policy. Empty text: one empty page. */
  pages: LaidPage[];
  /** The text did not fit on one page at minFontSize. */
  overflow: boolean;
  /** With 'truncate' and overflow: offset in the original text of the first dropped line. */
  truncatedAt?: number;
  flags: LayoutFlags;
}
