// Greedy line breaking at one font size: fill each line with as many units as fit, then break.
// Whole candidate lines are measured (not sums of word widths) so that kerning and shaping in
// a real font are accounted for; results are memoised because the greedy loop re-measures
// growing prefixes.

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
  const fits = (clusters: Cluster[]): boolean => widthOf(textOf(clusters)) <= opts.maxWidth + EPSILON;

  const out: BrokenLine[] = [];
  for (const p of paragraphs) {
    const lines = breakParagraph(p, fits);
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
  }
  return out;
}

/** Convenience for callers that have plain text (segments, then breaks). */
export function breakText(text: string, opts: BreakOptions, measurer: TextMeasurer, tabSize = 4): BrokenLine[] {
  return breakParagraphs(segmentText(text, tabSize), opts, measurer);
}

function breakParagraph(p: Paragraph, fits: (c: Cluster[]) => boolean): Cluster[][] {
  const lines: Cluster[][] = [];
  let current: Cluster[] = [];
  for (const unit of p.units) {
    const candidate = current.concat(unit);
    if (fits(trimEnd(candidate))) {
      current = candidate;
      continue;
    }
    // The unit goes to a fresh line; spaces at the end of the finished line are dropped.
    const finished = trimEnd(current);
    if (finished.length > 0) lines.push(finished);
    if (fits(trimEnd(unit))) {
      current = unit;
      continue;
    }
    // A unit wider than a whole line is cut between graphemes until the rest fits. Only
    // prefixes up to one line long are measured, so a 10,000-character URL stays cheap.
    let rest = unit;
    for (;;) {
      const head = trimEnd(rest);
      const k = emergencyBreak(head, fits);
      if (k >= head.length) break;
      lines.push(trimEnd(head.slice(0, k)));
      rest = trimStart(rest.slice(k));
    }
    current = rest; // keeps its trailing spaces: the next unit may join it on this line
  }
  lines.push(trimEnd(current)); // an empty paragraph still makes one (blank) line
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
