// Text → paragraphs → unbreakable units. This part does not depend on the font size, so the
// layout computes it once and reuses it for every size the shrink-to-fit search tries.

import { cannotEndLine, cannotStartLine, classify, paragraphDirection, type ClusterKind } from './chars.ts';

/** One grapheme cluster (never split: surrogate pairs, ZWJ emoji, base + combining marks). */
export interface Cluster {
  /** What gets drawn: a tab becomes `tabSize` spaces, a zero-width space becomes ''. */
  text: string;
  /** The grapheme as written in the source. */
  source: string;
  start: number; // UTF-16 offset in the original text
  end: number;
  kind: ClusterKind;
}

/**
 * A run of clusters with no break opportunity inside. Trailing spaces (and zero-width spaces)
 * belong to the unit and are dropped when a line ends after it.
 */
export type Unit = Cluster[];

/** What the line breaker needs of a unit at every font size, computed once. */
export interface UnitSpan {
  /** Its drawn text without its trailing blanks, and those blanks. */
  trimmed: string;
  tail: string;
  /** Source offsets: where its first cluster starts, where its last non-blank one ends (-1: all blank). */
  start: number;
  end: number;
}

export interface Paragraph {
  start: number; // offset of the paragraph's first character (or of its position, when empty)
  direction: 'ltr' | 'rtl';
  spans: UnitSpan[];
  /** Its drawn text (tabs expanded, zero-width spaces removed). */
  text: string;
  /** The units as clusters (made on first use for plain ASCII, which needs them only to cut an over-long word). */
  readonly units: Unit[];
}

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Split on hard newlines (\n, \r\n, \r); blank lines stay as empty paragraphs. */
export function segmentText(text: string, tabSize = 4): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  const newline = /\r\n|\n|\r/g;
  let start = 0;
  for (;;) {
    const match = newline.exec(text);
    const end = match ? match.index : text.length;
    const body = text.slice(start, end);
    paragraphs.push(ASCII_LINE.test(body) ? new AsciiParagraph(body, start, tabSize) : clusterParagraph(body, start, tabSize));
    if (!match) break;
    start = end + match[0].length;
  }
  return paragraphs;
}

function clusterParagraph(body: string, start: number, tabSize: number): Paragraph {
  const units = splitUnits(toClusters(body, start, tabSize));
  const spans = units.map((u): UnitSpan => {
    const trimmed = textOf(trimEnd(u));
    return { trimmed, tail: textOf(u).slice(trimmed.length), start: u[0].start, end: lastNonBlank(u)?.end ?? -1 };
  });
  return { start, direction: paragraphDirection(body), spans, text: spans.map((p) => p.trimmed + p.tail).join(''), units };
}

/**
 * A paragraph of printable ASCII and tabs (most text): its units straight from the string, by
 * the rules canBreakBefore applies to such clusters, without a cluster object per character;
 * the clusters are made only if a unit has to be cut. A test checks it against the general path.
 */
class AsciiParagraph implements Paragraph {
  readonly direction = 'ltr';
  readonly spans: UnitSpan[] = [];
  readonly text: string;
  private clusterUnits: Unit[] | null = null;

  constructor(
    private readonly body: string,
    readonly start: number,
    private readonly tabSize: number,
  ) {
    const tab = ' '.repeat(tabSize);
    const drawn = (from: number, to: number) => (body.includes('\t', from) ? body.slice(from, to).replaceAll('\t', tab) : body.slice(from, to));
    this.text = drawn(0, body.length);
    let from = 0; // start of the unit being read
    let lastInk = -1; // index of the last non-blank character so far
    for (let i = 0; i <= body.length; i++) {
      // Past the end reads as a blank (charCodeAt's NaN there would cost V8 a deoptimisation).
      const c = i < body.length ? body.charCodeAt(i) : 32;
      const blank = isAsciiBlank(c);
      // A break before i: after blanks, at a non-blank, with something other than indentation
      // before, and kinsoku satisfied (ASCII brackets and closing punctuation).
      const breaks = i === body.length || (!blank && i > 0 && isAsciiBlank(body.charCodeAt(i - 1)) && lastInk >= 0 && !cannotEndLine(body[lastInk]) && !cannotStartLine(body[i]));
      if (breaks && i > from) {
        let inkEnd = i;
        while (inkEnd > from && isAsciiBlank(body.charCodeAt(inkEnd - 1))) inkEnd--;
        this.spans.push({ trimmed: drawn(from, inkEnd), tail: drawn(inkEnd, i), start: start + from, end: inkEnd > from ? start + inkEnd : -1 });
        from = i;
      }
      if (!blank) lastInk = i;
    }
  }

  get units(): Unit[] {
    this.clusterUnits ??= splitUnits(toClusters(this.body, this.start, this.tabSize));
    return this.clusterUnits;
  }
}

const isAsciiBlank = (c: number) => c === 32 || c === 9;

/** Printable ASCII and tabs: every character is a grapheme of its own (no CR LF inside a paragraph). */
const ASCII_LINE = /^[\t\x20-\x7e]*$/;

export function toClusters(text: string, offset: number, tabSize: number): Cluster[] {
  const clusters: Cluster[] = [];
  const tab = ' '.repeat(tabSize);
  const add = (segment: string, index: number) => {
    const kind = classify(segment);
    const drawn = segment === '\t' ? tab : kind === 'zwsp' ? '' : segment;
    clusters.push({ text: drawn, source: segment, start: offset + index, end: offset + index + segment.length, kind });
  };
  // Intl.Segmenter costs about a microsecond per grapheme; plain ASCII does not need it, nor
  // classify: only the space and the tab are blanks there.
  if (ASCII_LINE.test(text)) {
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      const kind = c === ' ' || c === '\t' ? 'space' : 'other';
      clusters.push({ text: c === '\t' ? tab : c, source: c, start: offset + i, end: offset + i + 1, kind });
    }
  } else for (const { segment, index } of graphemeSegmenter.segment(text)) add(segment, index);
  return clusters;
}

const isBlank = (c: Cluster): boolean => c.kind === 'space' || c.kind === 'zwsp';

/**
 * May a line break between clusters[i - 1] and clusters[i]? Opportunities (a small subset of
 * UAX #14, enough for Latin and CJK):
 *  - after a run of spaces or a zero-width space, unless the run is leading indentation;
 *  - between any two clusters when either is CJK or emoji;
 * and never against kinsoku: the next line may not start with a closing mark, and the line may
 * not end (ignoring the spaces dropped at the break) with an opening bracket.
 */
export function canBreakBefore(clusters: Cluster[], i: number): boolean {
  if (i <= 0 || i >= clusters.length) return false;
  const prev = clusters[i - 1];
  const cur = clusters[i];
  if (isBlank(cur)) return false; // spaces stay with the word before them
  const opportunity = isBlank(prev) || prev.kind === 'wide' || cur.kind === 'wide';
  if (!opportunity) return false;
  const lastVisible = lastNonBlank(clusters, i);
  if (lastVisible === undefined) return false; // only indentation before: keep it with the word
  return !cannotEndLine(lastVisible.source) && !cannotStartLine(cur.source);
}

/** The last cluster before `before` that is not a space or a zero-width space. */
export function lastNonBlank(clusters: Cluster[], before = clusters.length): Cluster | undefined {
  for (let j = before - 1; j >= 0; j--) if (!isBlank(clusters[j])) return clusters[j];
  return undefined;
}

export function splitUnits(clusters: Cluster[]): Unit[] {
  const units: Unit[] = [];
  let from = 0;
  for (let i = 1; i <= clusters.length; i++) {
    if (i === clusters.length || canBreakBefore(clusters, i)) {
      units.push(clusters.slice(from, i));
      from = i;
    }
  }
  return units;
}

/** Drop the spaces a line break swallows (trailing spaces and zero-width spaces). */
export function trimEnd(clusters: Cluster[]): Cluster[] {
  let end = clusters.length;
  while (end > 0 && isBlank(clusters[end - 1])) end--;
  return end === clusters.length ? clusters : clusters.slice(0, end);
}

export function trimStart(clusters: Cluster[]): Cluster[] {
  let start = 0;
  while (start < clusters.length && isBlank(clusters[start])) start++;
  return start === 0 ? clusters : clusters.slice(start);
}

export function textOf(clusters: Cluster[]): string {
  let s = '';
  for (const c of clusters) s += c.text;
  return s;
}
