// A deterministic TextMeasurer for tests and for Node code that has no font engine: every
// grapheme is one cell, 0.6 em for narrow text and 1 em for CJK / full-width / emoji, like a
// monospace font with full-width CJK. Widths can be computed by hand, which is the point.

import { isCjk, isEmoji } from './chars.ts';
import type { TextMeasurer } from './types.ts';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** Graphemes that draw nothing: format characters (ZWSP, ZWJ, bidi marks) or stray marks. */
const ZERO_WIDTH = /^[\p{Cf}\p{M}]+$/u;

export interface MonospaceOptions {
  narrow?: number; // em per narrow grapheme, default 0.6
  wide?: number; // em per wide grapheme, default 1.0
}

/** Counts narrow and wide graphemes (zero-width ones count as neither). */
export function countCells(text: string): { narrow: number; wide: number } {
  let narrow = 0;
  let wide = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (ZERO_WIDTH.test(segment)) continue;
    if (isCjk(segment) || isEmoji(segment)) wide++;
    else narrow++;
  }
  return { narrow, wide };
}

export function createMonospaceMeasurer(options: MonospaceOptions = {}): TextMeasurer {
  const narrowEm = options.narrow ?? 0.6;
  const wideEm = options.wide ?? 1;
  return {
    measure(text, fontSize) {
      const { narrow, wide } = countCells(text);
      // Rounded to 1e-9 px so hand-computed widths compare exactly (0.6 × 9 × 10 is 53.999… in binary).
      return Math.round((narrow * narrowEm + wide * wideEm) * fontSize * 1e9) / 1e9;
    },
    metrics(fontSize) {
      return { ascent: 0.8 * fontSize, descent: 0.2 * fontSize };
    },
  };
}

/** The default fake: 0.6 em narrow, 1 em wide. */
export const monospaceMeasurer: TextMeasurer = createMonospaceMeasurer();
