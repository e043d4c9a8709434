// The shortcuts of the fast path against the plain way, with the bundled fonts in Node: pieces
// read back through their measured ink box, and line widths extended piece by piece.
import { describe, expect, it } from 'vitest';
import { nodeBackend } from '../cli/render-backend.ts';
import { pieceEnd } from './compose.ts';
import { jobFor, type RenderChoices } from './job.ts';
import { breakText } from './linebreak.ts';
import { fontFamilyList, isLatin1, PIECE } from './fonts.ts';
import { renderTpi } from './render.ts';
import type { TextMeasurer } from './types.ts';

const TEXTS = [
  'A red double-decker bus waits at a stop on a rainy street; people with umbrellas stand under the shelter.',
  'Ångström façade — naïve café, jÿ ÀÉÎÕÜ fjord: “quoted” (brackets) [and] {braces} | pipes, 1,234.56 %.',
  '吾輩は猫である。名前はまだ無い。Tokyo 東京 at night: ラーメン屋 on the corner.',
  'The quick brown fox jumps over the lazy dog. '.repeat(40),
];

/** The same measurer without its optional shortcuts. */
const plain = (m: TextMeasurer): TextMeasurer => ({ measure: (t, s, f) => m.measure(t, s, f), metrics: m.metrics });

describe('fast-path shortcuts', () => {
  it('pieces read through their measured ink box equal pieces read whole', async () => {
    const fast = nodeBackend();
    const base = nodeBackend();
    const whole = { ...base, measurer: plain(base.measurer) }; // no ink boxes: whole padded boxes
    for (const font of ['sans', 'serif', 'mono', 'jp'] as const) {
      for (const choices of [{ preset: 'paper', font }, { preset: 'custom', font, size: 512, maxFontSize: 64 }] as RenderChoices[]) {
        for (const text of TEXTS) {
          const job = jobFor('i', text, choices);
          const [a, b] = [await renderTpi(job, fast), await renderTpi(job, whole)];
          expect(a.meta, `${font}: ${text}`).toEqual(b.meta);
          expect(a.grey, `${font}: composited`).not.toBeNull();
          expect(Buffer.compare(Buffer.from(a.grey!), Buffer.from(b.grey!)), `${font} ${a.meta.font_size}px: ${text.slice(0, 30)}`).toBe(0);
        }
      }
    }
  });

  it('extending line widths piece by piece breaks lines as measuring whole lines does', () => {
    const m = nodeBackend().measurer;
    for (const font of ['sans', 'serif', 'jp'] as const) {
      for (const size of [7, 13, 24, 32]) {
        for (const text of TEXTS) {
          const opts = { maxWidth: 320, fontSize: size, fontFamily: fontFamilyList(font) };
          const [a, b] = [breakText(text, opts, m), breakText(text, opts, plain(m))];
          expect(a.map((l) => [l.text, l.start, l.end])).toEqual(b.map((l) => [l.text, l.start, l.end]));
          a.forEach((l, i) => expect(Math.abs(l.width - b[i].width)).toBeLessThan(1e-9));
        }
      }
    }
  });
});

describe('pieces of a line', () => {
  it('are cut where the PIECE expression cuts them, with or without it (Latin-1 lines)', () => {
    const pieces = (text: string) => {
      const out: string[] = [];
      for (let start = 0, end = 0; start < text.length; start = end) out.push(text.slice(start, (end = pieceEnd(text, start, isLatin1(text)))));
      return out;
    };
    for (const text of [...TEXTS, ' lead', 'trail  ', '  ', 'a', 'a\u00a0b  c', 'é  ÿ', 'x 日本 y', 'ﾃｽﾄ a']) {
      expect(pieces(text), text).toEqual(text.match(new RegExp(PIECE.source, 'gu')) ?? []);
    }
  });
});
