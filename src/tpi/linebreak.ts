// Greedy line breaking at one font size: fill each line with as many units as fit, then break.
// Whole candidate lines are measured (not sums of word widths) so that kerning and shaping in
// a real font are accounted for, unless the measurer knows how to extend a line's width by
// what is added (the canvas measurer in fonts.ts: widths are sums of pieces' widths).

import { cannotEndLine, cannotStartLine } from './chars.ts';
import { lastNonBlank, segmentText, textOf, trimEnd, trimStart, type Cluster, type Paragraph } from './segment.ts';
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
  const { fontSize, fontFamily, maxWidth } = opts;
  const measure = (text: string): number => (text === '' ? 0 : measurer.measure(text, fontSize, fontFamily));
  // The width of a line grown by `added`: from the line's width when the measurer can extend it.
  const extend = measurer.extend
    ? (width: number, text: string, added: string) => (text === '' ? measure(added) : measurer.extend!(width, text, added, fontSize, fontFamily))
    : (_: number, text: string, added: string) => measure(text + added);
  // The line (ending with `end`) grown by a unit's spaces and text: from the widths of those two
  // alone where the measurer knows widths add up, so that no candidate line is built as a string
  // (`line` makes the line's text only for a measurer that needs it).
  const grow = (width: number, line: () => string, end: string, tail: string, word: string): number => {
    if (end !== '' && measurer.extendAt) {
      const spaced = tail === '' ? width : measurer.extendAt(width, end, tail, fontSize, fontFamily);
      const grown = spaced === undefined ? undefined : measurer.extendAt(spaced, tail === '' ? end : tail, word, fontSize, fontFamily);
      if (grown !== undefined) return grown;
    }
    return extend(width, line(), tail + word);
  };
  const b: Breaker = { measure, grow, fits: (w) => w <= maxWidth + EPSILON, out: [], maxLines: opts.maxLines ?? Infinity };
  for (const p of paragraphs) {
    const first = b.out.length;
    breakParagraph(p, b);
    if (b.out.length > first) b.out[b.out.length - 1].endsParagraph = true;
    if (b.out.length > b.maxLines) break;
  }
  return b.out;
}

interface Breaker {
  measure(text: string): number;
  grow(width: number, line: () => string, end: string, tail: string, word: string): number;
  fits(width: number): boolean;
  out: BrokenLine[];
  maxLines: number;
}

/** Convenience for callers that have plain text (segments, then breaks). */
export function breakText(text: string, opts: BreakOptions, measurer: TextMeasurer, tabSize = 4): BrokenLine[] {
  return breakParagraphs(segmentText(text, tabSize), opts, measurer);
}

/** Lines of one paragraph, appended to b.out; stops early once there are more than b.maxLines. */
function breakParagraph(p: Paragraph, b: Breaker): void {
  const texts = p.spans;
  // The line being filled is `head` (what is left of a unit cut by an emergency break) followed
  // by units[from..u). It is kept as its drawn text without trailing spaces (`parts`, joined
  // when the line is done: concatenating at every unit made most of a layout's garbage),
  // `width`, and those spaces (`tail`), so that each candidate costs one measurement of what it adds.
  let head: Cluster[] = [];
  let from = 0;
  const parts: string[] = [];
  const line = () => parts.join('');
  let lineEnd = ''; // the last text put on the line (the line ends with it; '' while the line is empty)
  let tail = '';
  let width = 0;
  // Pushes the line that ends before units[u]; false once there are too many lines.
  const finish = (u: number, always: boolean): boolean => {
    const first = head.length > 0 ? head[0].start : from < u ? texts[from].start : -1;
    let end = -1;
    for (let k = u - 1; end < 0 && k >= from; k--) end = texts[k].end;
    if (end < 0) end = lastNonBlank(head)?.end ?? -1;
    if (end >= 0) push(b, p, line(), width, first, end);
    else if (always) push(b, p, '', 0, p.start, p.start);
    return b.out.length <= b.maxLines;
  };
  for (let u = 0; u < texts.length; u++) {
    const t = texts[u];
    if (t.trimmed === '') {
      tail += t.tail;
      continue;
    }
    const w = b.grow(width, line, lineEnd, tail, t.trimmed);
    if (b.fits(w)) {
      if (tail !== '') parts.push(tail);
      parts.push(t.trimmed);
      lineEnd = t.trimmed;
      tail = t.tail;
      width = w;
      continue;
    }
    // The unit goes to a fresh line; spaces at the end of the finished line are dropped.
    if (!finish(u, false)) return;
    head = [];
    from = u;
    const alone = b.measure(t.trimmed);
    parts.length = 0;
    if (b.fits(alone)) {
      parts.push((lineEnd = t.trimmed));
      tail = t.tail;
      width = alone;
      continue;
    }
    // A unit wider than a whole line is cut between graphemes until the rest fits. Only
    // prefixes up to one line long are measured, so a 10,000-character URL stays cheap.
    const fitsClusters = (c: Cluster[]): boolean => b.fits(b.measure(textOf(c)));
    let rest = p.units[u];
    for (;;) {
      const h = trimEnd(rest);
      const k = emergencyBreak(h, fitsClusters);
      if (k >= h.length) break;
      const cut = trimEnd(h.slice(0, k));
      const text = textOf(cut);
      push(b, p, text, b.measure(text), cut.length ? cut[0].start : p.start, cut.length ? cut[cut.length - 1].end : p.start);
      if (b.out.length > b.maxLines) return;
      rest = trimStart(rest.slice(k));
    }
    head = rest; // keeps its trailing spaces: the next unit may join it on this line
    from = u + 1;
    lineEnd = textOf(trimEnd(rest));
    if (lineEnd !== '') parts.push(lineEnd);
    tail = textOf(rest).slice(lineEnd.length);
    width = b.measure(lineEnd);
  }
  finish(texts.length, true); // an empty paragraph still makes one (blank) line
}

function push(b: Breaker, p: Paragraph, text: string, width: number, start: number, end: number): void {
  b.out.push({ text, width, start, end, direction: p.direction, endsParagraph: false });
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
