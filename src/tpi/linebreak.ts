// Greedy line breaking at one font size: fill each line with as many units as fit, then break.
// Whole candidate lines are measured (not sums of word widths) so that kerning and shaping in
// a real font are accounted for; a line's text is grown by string concatenation, and results
// are memoised, because the greedy loop re-measures growing prefixes. (The canvas measurer in
// fonts.ts turns those growing prefixes into cheap increments.)

import { cannotEndLine, cannotStartLine } from './chars.ts';
import { segmentText, textOf, trimEnd, trimStart, type Cluster, type Paragraph } from './segment.ts';
import type { TextMeasurer } from './types.ts';

/** Float slack for width comparisons: 0.6 × 7 × 5 is not exactly 21 in binary. */
export const EPSILON = 1e-6;

export interface BrokenLine {
  text: string;
  width: number;
  start: number;
  end: number;
  direction: 'ltr' | 'rtl';
  endsParagraph: boolean;
}

export interface BreakOptions {
  maxWidth: number;
  fontSize: number;
  fontFamily: string;
  /**
   * Stop once there are more lines than this: the shrink-to-fit search only needs to know that
   * a size does not fit, and for a truncated layout the first line that does not fit. The last
   * line returned then may not end its paragraph even where endsParagraph says so.
   */
  maxLines?: number;
}

/** Break already-segmented paragraphs into lines no wider than maxWidth (where possible). */
export function breakParagraphs(paragraphs: Paragraph[], opts: BreakOptions, measurer: TextMeasurer): BrokenLine[] {
  const cache = new Map<string, number>();
  const widthOf = (text: string): number => {
    let w = cache.get(text);
    if (w === undefined) {
      w = text === '' ? 0 : measurer.measure(text, opts.fontSize, opts.fontFamily);
      cache.set(text, w);
    }
    return w;
  };
  const fitsText = (text: string): boolean => widthOf(text) <= opts.maxWidth + EPSILON;
  const fits = (clusters: Cluster[]): boolean => fitsText(textOf(clusters));

  const out: BrokenLine[] = [];
  const maxLines = opts.maxLines ?? Infinity;
  for (const p of paragraphs) {
    const lines = breakParagraph(p, fits, fitsText, maxLines - out.length);
    lines.forEach((clusters, i) => {
      const text = textOf(clusters);
      out.push({
        text,
        width: widthOf(text),
        start: clusters.length ? clusters[0].start : p.start,
        end: clusters.length ? clusters[clusters.length - 1].end : p.start,
        direction: p.direction,
        endsParagraph: i === lines.length - 1,
      });
    });
    if (out.length > maxLines) break;
  }
  return out;
}

/** Convenience for callers that have plain text (segments, then breaks). */
export function breakText(text: string, opts: BreakOptions, measurer: TextMeasurer, tabSize = 4): BrokenLine[] {
  return breakParagraphs(segmentText(text, tabSize), opts, measurer);
}

/** A unit's drawn text, whole and without its trailing spaces; the same at every font size. */
interface UnitText {
  full: string;
  trimmed: string;
}

const unitTexts = new WeakMap<Paragraph, UnitText[]>();

function textsOf(p: Paragraph): UnitText[] {
  let texts = unitTexts.get(p);
  if (!texts) {
    texts = p.units.map((u) => ({ full: textOf(u), trimmed: textOf(trimEnd(u)) }));
    unitTexts.set(p, texts);
  }
  return texts;
}

/** Lines of one paragraph; stops early once there are more than maxLines. */
function breakParagraph(p: Paragraph, fits: (c: Cluster[]) => boolean, fitsText: (t: string) => boolean, maxLines: number): Cluster[][] {
  const lines: Cluster[][] = [];
  const { units } = p;
  const texts = textsOf(p);
  // The line being filled is `head` (what is left of a unit cut by an emergency break) followed
  // by units[from..u). Its drawn text, and that text without trailing spaces, are kept as
  // strings, so that each candidate costs one concatenation rather than a walk over clusters.
  let head: Cluster[] = [];
  let from = 0;
  let text = '';
  let trimmedText = '';
  const current = (u: number): Cluster[] => head.concat(...units.slice(from, u));
  for (let u = 0; u < units.length; u++) {
    const unit = units[u];
    const t = texts[u];
    const candidate = t.trimmed === '' ? trimmedText : text + t.trimmed;
    if (fitsText(candidate)) {
      trimmedText = candidate;
      text += t.full;
      continue;
    }
    // The unit goes to a fresh line; spaces at the end of the finished line are dropped.
    const finished = trimEnd(current(u));
    if (finished.length > 0) lines.push(finished);
    if (lines.length > maxLines) return lines;
    head = [];
    from = u;
    if (fitsText(t.trimmed)) {
      text = t.full;
      trimmedText = t.trimmed;
      continue;
    }
    // A unit wider than a whole line is cut between graphemes until the rest fits. Only
    // prefixes up to one line long are measured, so a 10,000-character URL stays cheap.
    let rest = unit;
    for (;;) {
      const h = trimEnd(rest);
      const k = emergencyBreak(h, fits);
      if (k >= h.length) break;
      lines.push(trimEnd(h.slice(0, k)));
      if (lines.length > maxLines) return lines;
      rest = trimStart(rest.slice(k));
    }
    head = rest; // keeps its trailing spaces: the next unit may join it on this line
    from = u + 1;
    text = textOf(rest);
    trimmedText = textOf(trimEnd(rest));
  }
  lines.push(trimEnd(current(units.length))); // an empty paragraph still makes one (blank) line
  return lines;
}

/**
 * How many leading clusters of an over-long unit to put on a line: all of them if they fit,
 * else the most that fit at a position kinsoku allows if there is one (else anywhere), and
 * always at least one grapheme so that the loop progresses even when a single grapheme is
 * wider than the line. Assumes prefix widths grow with length, so the scan stops at the first
 * prefix that is too wide.
 */
function emergencyBreak(clusters: Cluster[], fits: (c: Cluster[]) => boolean): number {
  let best = 1;
  let bestAllowed = 0;
  for (let k = 1; k <= clusters.length; k++) {
    if (!fits(clusters.slice(0, k))) break;
    if (k === clusters.length) return k;
    best = k;
    if (!cannotStartLine(clusters[k].source) && !cannotEndLine(clusters[k - 1].source)) bestAllowed = k;
  }
  return bestAllowed || best;
}
