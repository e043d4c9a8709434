// The bundled fonts: the same font files in the browser (FontFace in the render workers) and
// in Node (@napi-rs/canvas), so that a TPI does not depend on the fonts a machine has installed.
// All are Noto (SIL Open Font License 1.1), packaged as TTF by @expo-google-fonts (MIT).

import type { InkBox, TextMeasurer } from './types.ts';

export const FONT_IDS = ['sans', 'serif', 'mono', 'jp'] as const;
export type FontId = (typeof FONT_IDS)[number];
export const DEFAULT_FONT: FontId = 'sans';

export interface BundledFace {
  /** The family name the face is registered under; unusual on purpose, so no installed font matches it. */
  family: string;
  /** Path of the TTF inside node_modules (resolved by the Node renderer; the page imports it with ?url). */
  file: string;
}

export const FACES = {
  sans: { family: 'TPI Noto Sans', file: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf' },
  serif: { family: 'TPI Noto Serif', file: '@expo-google-fonts/noto-serif/400Regular/NotoSerif_400Regular.ttf' },
  mono: { family: 'TPI Noto Sans Mono', file: '@expo-google-fonts/noto-sans-mono/400Regular/NotoSansMono_400Regular.ttf' },
  jp: { family: 'TPI Noto Sans JP', file: '@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf' },
} as const satisfies Record<FontId, BundledFace>;

export interface FontInfo {
  id: FontId;
  label: string;
  /** Faces in fallback order: the font itself, then Noto Sans JP for kana and kanji. */
  faces: readonly FontId[];
}

export const FONTS: Readonly<Record<FontId, FontInfo>> = {
  sans: { id: 'sans', label: 'Noto Sans', faces: ['sans', 'jp'] },
  serif: { id: 'serif', label: 'Noto Serif', faces: ['serif', 'jp'] },
  mono: { id: 'mono', label: 'Noto Sans Mono', faces: ['mono', 'jp'] },
  jp: { id: 'jp', label: 'Noto Sans JP', faces: ['jp'] },
};

export function isFontId(s: string): s is FontId {
  return (FONT_IDS as readonly string[]).includes(s);
}

/** The CSS font-family list for a font: bundled faces only (glyphs in none of them fall back to the system). */
export function fontFamilyList(id: FontId): string {
  return FONTS[id].faces.map((f) => `"${FACES[f].family}"`).join(', ');
}

/** Printable ASCII and Latin-1: every bundled face has all of it. */
const LATIN1 = /^[\u0020-\u007e\u00a0-\u00ff]*$/;

export function isLatin1(text: string): boolean {
  return LATIN1.test(text);
}

/**
 * The family list to draw one line with: just the first face when it has every character of the
 * line (the glyphs are the same; canvas text with a one-family list is about a third faster),
 * else the whole list. `family` is a list made by fontFamilyList.
 */
export function familyForLine(family: string, text: string, latin1 = isLatin1(text)): string {
  if (!latin1) return family;
  const comma = family.indexOf('", "');
  return comma < 0 ? family : family.slice(0, comma + 1);
}

/** The CSS `font` shorthand for a canvas context. */
export function cssFont(fontSize: number, family: string): string {
  return `${fontSize}px ${family}`;
}

/**
 * Vertical metrics for the layout, in em, the same for every bundled font so that the page and
 * Node agree without asking their font engines. Measured glyph extents of these Noto faces:
 * accented capitals reach 0.95 em above the baseline, descenders 0.24 em below it, kanji
 * 0.85 / 0.09. With the paper's line height of 1.2 em the lines then touch without overlapping.
 * (The fonts' own hhea ascent/descent, 1.069/0.293 for Noto Sans, leave room for stacked
 * accents and would push descenders of the last line into the margin.)
 */
export const ASCENT_EM = 0.95;
export const DESCENT_EM = 0.25;

export function fontMetrics(fontSize: number): { ascent: number; descent: number } {
  return { ascent: ASCENT_EM * fontSize, descent: DESCENT_EM * fontSize };
}

/** Anything that can measure text with a CSS font: a canvas 2D context of either kind. */
export interface MeasuringContext {
  font: string;
  measureText(text: string): { width: number; actualBoundingBoxLeft?: number; actualBoundingBoxRight?: number; actualBoundingBoxAscent?: number; actualBoundingBoxDescent?: number };
}

/**
 * Pieces that are measured separately and summed: runs of spaces, single wide characters
 * (kanji, kana, Hangul, full-width forms, CJK punctuation) and runs of anything else.
 * Kerning across a space or next to a CJK character is zero in these fonts, so a line's width
 * is the sum of its pieces' widths (checked against whole-line measurements in the tests).
 */
export const PIECE =
  / +|[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303F\u30FC\uFF00-\uFF60\uFFE0-\uFFE6][\p{M}\uFE00-\uFE0F]*|[^ \p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303F\u30FC\uFF00-\uFF60\uFFE0-\uFFE6]+/gu;

/** Where a piece boundary may fall between two adjacent characters (see PIECE). */
const WIDE = /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303F\u30FC\uFF00-\uFF60\uFFE0-\uFFE6]/u;

interface FontCache {
  font: string;
  widths: Map<string, number>;
  inks: Map<string, InkBox>;
}

/**
 * Pieces are measured at this size and scaled: canvas advances are linear in the font size
 * (unhinted; equal to within 5e-5 of the width, float rounding, checked in the tests), so a
 * layout's search over sizes measures each piece once instead of once per size tried. Ink boxes
 * are hinted (up to 2 px off the scaled box at small sizes), so a scaled one is widened by
 * INK_SLACK on every side.
 */
const MEASURE_SIZE = 100;
const INK_SLACK = 2;

/**
 * A TextMeasurer over a canvas context (used for nothing else) that measures each piece once
 * per font family and sums. The layout's greedy line breaker measures every growing prefix of
 * every line at several sizes, and the same words recur across a whole dataset, so two
 * shortcuts matter: widths of pieces are cached, and a text that extends the previous one at a
 * piece boundary only has its new pieces added. Pieces' ink boxes are kept for the rasteriser.
 */
export function createCanvasMeasurer(ctx: MeasuringContext, maxEntries = 200_000): TextMeasurer {
  const byFamily = new Map<string, FontCache>();
  let entries = 0;
  let set = ''; // the font last given to ctx (reading ctx.font back returns a normalised string)
  let lastSize = 0;
  let lastFamily = '';
  let lastText = '';
  let lastWidth = 0;
  let curFamily = '';
  let cur: FontCache | null = null;
  /** A piece's width at `fontSize`: measured once per family, at MEASURE_SIZE. */
  const piece = (text: string, fc: FontCache, fontSize: number): number => {
    let w = fc.widths.get(text);
    if (w === undefined) {
      if (set !== fc.font) ctx.font = set = fc.font;
      const m = ctx.measureText(text);
      w = m.width;
      fc.widths.set(text, w);
      entries++;
      if (m.actualBoundingBoxAscent !== undefined) {
        fc.inks.set(text, { left: m.actualBoundingBoxLeft!, right: m.actualBoundingBoxRight!, ascent: m.actualBoundingBoxAscent, descent: m.actualBoundingBoxDescent! });
      }
    }
    return w * (fontSize / MEASURE_SIZE);
  };
  const sumPieces = (text: string, fc: FontCache, fontSize: number): number => {
    // Printable ASCII (the common case) without the regular expression: runs of spaces and of the rest.
    let width = 0;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7e) return sumByRegExp(text, fc, fontSize);
      if (i > start && (c === 32) !== (text.charCodeAt(i - 1) === 32)) {
        width += piece(text.slice(start, i), fc, fontSize);
        start = i;
      }
    }
    return text.length > start ? width + piece(start === 0 ? text : text.slice(start), fc, fontSize) : width;
  };
  const sumByRegExp = (text: string, fc: FontCache, fontSize: number): number => {
    let width = 0;
    PIECE.lastIndex = 0;
    for (let m = PIECE.exec(text); m !== null; m = PIECE.exec(text)) width += piece(m[0], fc, fontSize);
    return width;
  };
  const fontCache = (fontFamily: string): FontCache => {
    if (entries >= maxEntries) {
      byFamily.clear();
      entries = 0;
      lastFamily = lastText = '';
      cur = null;
    }
    if (!cur || fontFamily !== curFamily) {
      let fc = byFamily.get(fontFamily);
      if (!fc) byFamily.set(fontFamily, (fc = { font: cssFont(MEASURE_SIZE, fontFamily), widths: new Map(), inks: new Map() }));
      cur = fc;
      curFamily = fontFamily;
    }
    return cur;
  };
  return {
    measure(text, fontSize, fontFamily) {
      const fc = fontCache(fontFamily);
      const prev = lastText;
      let width: number;
      if (lastSize === fontSize && lastFamily === fontFamily && prev.length > 0 && text.length > prev.length && text.startsWith(prev) && pieceBoundary(prev, text[prev.length])) {
        width = lastWidth + sumPieces(text.slice(prev.length), fc, fontSize);
      } else width = sumPieces(text, fc, fontSize);
      lastSize = fontSize;
      lastFamily = fontFamily;
      lastText = text;
      lastWidth = width;
      return width;
    },
    extend(width, text, added, fontSize, fontFamily) {
      return this.extendAt!(width, text, added, fontSize, fontFamily) ?? this.measure(text + added, fontSize, fontFamily);
    },
    extendAt(width, before, added, fontSize, fontFamily) {
      if (added === '') return width;
      if (before === '' || !pieceBoundary(before, added[0])) return undefined;
      return width + sumPieces(added, fontCache(fontFamily), fontSize);
    },
    metrics: fontMetrics,
    ink(text, fontSize, fontFamily) {
      const box = fontCache(fontFamily).inks.get(text);
      const k = fontSize / MEASURE_SIZE;
      return box && { left: box.left * k + INK_SLACK, right: box.right * k + INK_SLACK, ascent: box.ascent * k + INK_SLACK, descent: box.descent * k + INK_SLACK };
    },
  };
}

/** True when PIECE would split between the end of `before` and the character `next`. */
function pieceBoundary(before: string, next: string): boolean {
  const p = before.charCodeAt(before.length - 1);
  const n = next.charCodeAt(0);
  if (p < 0x7f && n < 0x7f) return (p === 32) !== (n === 32); // ASCII: only spaces split
  const prev = before[before.length - 1];
  if (prev === ' ' && next === ' ') return false; // one run of spaces is one piece
  if (prev === ' ' || next === ' ') return true;
  // A wide character is a piece of its own; combining marks and selectors cling to it.
  if (/[\p{M}\uFE00-\uFE0F]/u.test(next)) return false;
  return WIDE.test(prev) || WIDE.test(next);
}
