// The Text-Printed Image layout: pick the largest font size at which the text fits the box
// (shrink-to-fit, as in the TPI paper), apply the overflow policy, and place every line.

import { hasCjk, hasRtl } from './chars.ts';
import { breakParagraphs, EPSILON, type BrokenLine } from './linebreak.ts';
import { segmentText, type Paragraph } from './segment.ts';
import type { Layout, LayoutOptions, LayoutSettings, LaidLine, LaidPage, TextMeasurer } from './types.ts';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The text box: the canvas minus its margins. */
export function contentBox(s: LayoutSettings): Box {
  const { top, right, bottom, left } = s.margins;
  return { x: left, y: top, width: s.width - left - right, height: s.height - top - bottom };
}

/** Throws a RangeError naming the first bad setting; a layout on nonsense would mislead. */
export function validateSettings(s: LayoutSettings): void {
  // Straight-line checks: this runs once per text, and V8 compiles it once it is hot.
  if (!positive(s.width) || !positive(s.height)) throw new RangeError(`canvas size must be positive, got ${s.width}×${s.height}`);
  const m = s.margins;
  checkMargin('top', m.top);
  checkMargin('right', m.right);
  checkMargin('bottom', m.bottom);
  checkMargin('left', m.left);
  if (s.width - m.left - m.right <= 0 || s.height - m.top - m.bottom <= 0) throw new RangeError('margins leave no room for text');
  checkFontSize('minFontSize', s.minFontSize);
  checkFontSize('maxFontSize', s.maxFontSize);
  if (s.minFontSize > s.maxFontSize) throw new RangeError(`minFontSize ${s.minFontSize} > maxFontSize ${s.maxFontSize}`);
  if (!positive(s.lineHeight)) throw new RangeError(`lineHeight must be positive, got ${s.lineHeight}`);
  const tab = s.tabSize ?? 4;
  if (!Number.isInteger(tab) || tab < 0) throw new RangeError(`tabSize must be an integer ≥ 0, got ${tab}`);
}

const positive = (v: number): boolean => Number.isFinite(v) && v > 0;

function checkMargin(side: string, v: number): void {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`margin ${side} must be ≥ 0, got ${v}`);
}

function checkFontSize(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be an integer ≥ 1, got ${v}`);
}

/**
 * Largest integer size in [min, max] with fits(size), by bisection: about log2(max − min)
 * layouts instead of one per size. With a guess (an estimate of the answer) it starts there
 * and gallops outwards before bisecting, which takes two or three probes when the guess is
 * close, and the probes that fail are the cheap ones (the breaker stops once a size has too
 * many lines).
 *
 * Monotonicity assumption: if the text fits at size s, it fits at every smaller size. It holds
 * when widths scale linearly with the size: a smaller size makes every line relatively
 * narrower, greedy breaking then needs no more lines, and each line is also shorter. Real fonts
 * can bend it by a pixel (hinting, rounding at small sizes); then the answer still fits (every
 * size returned as fitting was tried) but a slightly larger one might have fitted too.
 * Returns fits: false (with size = min) when nothing fits.
 */
export function largestFittingSize(min: number, max: number, fits: (size: number) => boolean, guess?: number): { size: number; fits: boolean } {
  let lo: number; // fits
  let hi: number; // does not fit
  if (guess === undefined || Number.isNaN(guess)) {
    if (fits(max)) return { size: max, fits: true };
    if (min === max || !fits(min)) return { size: min, fits: false };
    lo = min;
    hi = max;
  } else {
    const g = Math.min(max, Math.max(min, Math.floor(guess)));
    if (fits(g)) {
      if (g === max) return { size: max, fits: true };
      // Upwards: g+1, g+2, g+4, … until one does not fit (or max is reached and fits).
      lo = g;
      hi = max + 1;
      for (let step = 1; lo < max; step *= 2) {
        const next = Math.min(max, g + step);
        if (!fits(next)) {
          hi = next;
          break;
        }
        lo = next;
      }
      if (lo === max) return { size: max, fits: true };
    } else {
      // Downwards: g−1, g−2, g−4, … until one fits (or min is reached and does not).
      hi = g;
      lo = min - 1;
      for (let step = 1; hi > min; step *= 2) {
        const next = Math.max(min, g - step);
        if (fits(next)) {
          lo = next;
          break;
        }
        hi = next;
      }
      if (lo < min) return { size: min, fits: false };
    }
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return { size: lo, fits: true };
}

/**
 * A first estimate of the fitting size from the text's total width: the lines of a fitting
 * layout fill at most the whole box, so size² · lineHeight · width(1 px) ≤ box area; and every
 * paragraph takes at least one line. Wrapping wastes some of each line, so the true answer is
 * at or a little below this.
 */
function sizeGuess(paragraphs: Paragraph[], box: Box, o: LayoutOptions, measurer: TextMeasurer): number {
  const probe = o.maxFontSize;
  let width = 0;
  for (const p of paragraphs) width += measurer.measure(p.text, probe, o.fontFamily);
  const byArea = width > 0 ? Math.sqrt((box.width * box.height * probe) / (width * o.lineHeight)) : o.maxFontSize;
  const byLines = box.height / (paragraphs.length * o.lineHeight);
  return Math.min(byArea, byLines);
}

export function layoutText(options: LayoutOptions, measurer: TextMeasurer): Layout {
  validateSettings(options);
  const box = contentBox(options);
  const { text, fontFamily, lineHeight } = options;
  const flags = { rtl: hasRtl(text), cjk: hasCjk(text), clipped: false };
  const base = {
    width: options.width,
    height: options.height,
    fontFamily,
    foreground: options.foreground,
    background: options.background,
  };
  if (text === '') {
    const fontSize = options.maxFontSize;
    return { ...base, fontSize, lineHeightPx: fontSize * lineHeight, pages: [{ lines: [] }], overflow: false, flags, truncatedAt: undefined };
  }

  // Segmentation does not depend on the size: do it once for all the sizes the search tries.
  const paragraphs = segmentText(text, options.tabSize ?? 4);
  const rowsAt = (fontSize: number) => Math.floor((box.height + EPSILON) / (fontSize * lineHeight));
  // Lines at each size tried. Breaking stops two lines past what fits (one past is what a
  // truncated layout needs to know where it was cut; the second makes "too many" certain).
  const tried = new Map<number, BrokenLine[]>();
  const linesAt = (fontSize: number, maxLines = rowsAt(fontSize) + 1): BrokenLine[] => {
    let lines = tried.get(fontSize);
    if (!lines) {
      lines = breakParagraphs(paragraphs, { maxWidth: box.width, fontSize, fontFamily, maxLines }, measurer);
      tried.set(fontSize, lines);
    }
    return lines;
  };
  const fitsAt = (fontSize: number): boolean => {
    const lines = linesAt(fontSize);
    return lines.length * fontSize * lineHeight <= box.height + EPSILON && lines.every((l) => l.width <= box.width + EPSILON);
  };

  const guess = sizeGuess(paragraphs, box, options, measurer);
  const { size: fontSize, fits } = largestFittingSize(options.minFontSize, options.maxFontSize, fitsAt, guess);
  if (!fits && options.overflow === 'paginate') tried.delete(fontSize); // every line is needed
  const lines = linesAt(fontSize, fits ? Infinity : options.overflow === 'paginate' ? Infinity : rowsAt(fontSize) + 1);
  const lineHeightPx = fontSize * lineHeight;
  // Rows per page; a box lower than one line still shows one line per page when paginating.
  const rows = Math.floor((box.height + EPSILON) / lineHeightPx);

  let chunks: BrokenLine[][];
  let truncatedAt: number | undefined;
  if (fits) chunks = [lines];
  else if (options.overflow === 'paginate') chunks = paginate(lines, Math.max(1, rows));
  else {
    chunks = [lines.slice(0, rows)];
    if (rows < lines.length) truncatedAt = lines[rows].start;
  }

  const metrics = measurer.metrics?.(fontSize, fontFamily) ?? { ascent: 0.8 * fontSize, descent: 0.2 * fontSize };
  // Half-leading above and below the glyphs, as CSS does, so lines sit centred in their rows.
  const firstBaseline = box.y + (lineHeightPx - metrics.ascent - metrics.descent) / 2 + metrics.ascent;
  const pages: LaidPage[] = chunks.map((chunk) => ({
    lines: chunk.map((line, row) => place(line, firstBaseline + row * lineHeightPx, box, options)),
  }));
  flags.clipped = pages.some((p) => p.lines.some((l) => l.width > box.width + EPSILON));
  // truncatedAt is always there (undefined unless truncated): one object shape for the code that reads layouts.
  const layout: Layout = { ...base, fontSize, lineHeightPx, pages, overflow: !fits, flags, truncatedAt };
  return layout;
}

function paginate(lines: BrokenLine[], rows: number): BrokenLine[][] {
  const pages: BrokenLine[][] = [];
  for (let i = 0; i < lines.length; i += rows) pages.push(lines.slice(i, i + rows));
  return pages;
}

function place(line: BrokenLine, y: number, box: Box, s: LayoutSettings): LaidLine {
  const free = box.width - line.width;
  let side: 'left' | 'right' | 'center';
  if (s.align === 'start') side = line.direction === 'rtl' ? 'right' : 'left';
  else if (s.align === 'end') side = line.direction === 'rtl' ? 'left' : 'right';
  else side = s.align;
  // A clipped line (wider than the box) starts at the left margin rather than outside it.
  const x = free <= 0 || side === 'left' ? box.x : side === 'right' ? box.x + free : box.x + free / 2;
  // Written out: a spread copy costs more than the rest of placing.
  return { text: line.text, width: line.width, start: line.start, end: line.end, direction: line.direction, endsParagraph: line.endsParagraph, x, y };
}
