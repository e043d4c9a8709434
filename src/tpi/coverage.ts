// Which characters the bundled fonts have. A character none of a font's faces has is drawn by the
// browser (or Skia in Node) with whatever font the machine has, or as an empty box: its pixels
// then differ between machines, so the page names such characters.
import coverage from './coverage.json';
import { FONTS, type FontId } from './fonts.ts';

/**
 * Sorted code points → text: runs of consecutive code points as "gap+length" in base 36, where
 * gap is the distance from the end of the previous run (the cmaps of CJK fonts have thousands
 * of runs; this keeps the file small).
 */
export function encodeCoverage(codePoints: Iterable<number>): string {
  const sorted = [...new Set(codePoints)].sort((a, b) => a - b);
  const runs: string[] = [];
  let end = 0; // one past the previous run
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    runs.push(`${(sorted[i] - end).toString(36)}+${(j - i + 1).toString(36)}`);
    end = sorted[j] + 1;
    i = j + 1;
  }
  return runs.join(' ');
}

/** The runs of encodeCoverage as [start, end) pairs, flat. */
export function decodeCoverage(text: string): Uint32Array {
  const parts = text ? text.split(' ') : [];
  const out = new Uint32Array(parts.length * 2);
  let end = 0;
  parts.forEach((p, k) => {
    const [gap, length] = p.split('+').map((n) => parseInt(n, 36));
    out[2 * k] = end + gap;
    out[2 * k + 1] = end = end + gap + length;
  });
  return out;
}

const decoded = new Map<FontId, Uint32Array>();

function has(face: FontId, cp: number): boolean {
  let runs = decoded.get(face);
  if (!runs) decoded.set(face, (runs = decodeCoverage((coverage as Record<FontId, string>)[face])));
  let lo = 0;
  let hi = runs.length / 2; // the first run that starts after cp
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (runs[2 * mid] <= cp) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && cp < runs[2 * (lo - 1) + 1];
}

/** Characters no font needs a glyph for: spaces, controls, joiners, variation selectors. */
const NO_GLYPH = /[\s\p{Cc}\p{Default_Ignorable_Code_Point}]/u;

/**
 * The characters of a text that none of the font's faces has, as whole graphemes (an emoji
 * with its modifiers, a flag), each once, in order of appearance.
 */
export function notInFonts(text: string, font: FontId): string[] {
  const faces = FONTS[font].faces;
  const missing = new Set<string>();
  let plain = true;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (!NO_GLYPH.test(ch) && !faces.some((f) => has(f, cp))) {
      plain = false;
      break;
    }
  }
  if (plain) return [];
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    for (const ch of segment) {
      if (!NO_GLYPH.test(ch) && !faces.some((f) => has(f, ch.codePointAt(0)!))) {
        missing.add(segment);
        break;
      }
    }
  }
  return [...missing];
}

/** Characters beyond Latin-1 (a surrogate pair as one): what lacksGlyphs looks up. */
const BEYOND_LATIN1 = /[^\0-\xff]/gu;

/**
 * Whether a text has a character that none of the font's faces has, answered from a memo per
 * code point: for checking every record of a dataset (`tpi render`) at a few hundred
 * nanoseconds a text. Latin-1 is in every face.
 */
export function lacksGlyphs(font: FontId): (text: string) => boolean {
  const faces = FONTS[font].faces;
  const known = new Map<number, boolean>(); // code point → a face has it, or it needs no glyph
  return (text) => {
    // The regular expression skips the Latin-1 runs in native code: most texts have none else.
    BEYOND_LATIN1.lastIndex = 0;
    for (let m = BEYOND_LATIN1.exec(text); m !== null; m = BEYOND_LATIN1.exec(text)) {
      const cp = m[0].codePointAt(0)!;
      let ok = known.get(cp);
      if (ok === undefined) {
        ok = NO_GLYPH.test(m[0]) || faces.some((f) => has(f, cp));
        known.set(cp, ok);
      }
      if (!ok) return true;
    }
    return false;
  };
}
