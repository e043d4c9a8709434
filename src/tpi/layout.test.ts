import { describe, expect, it } from 'vitest';
import { largestFittingSize, layoutText } from './layout.ts';
import { createMonospaceMeasurer, monospaceMeasurer } from './fake-measurer.ts';
import { PAPER, customPreset, withText } from './presets.ts';
import type { Layout, LayoutSettings, TextMeasurer } from './types.ts';

const words = (n: number, seed = 1) => {
  // Deterministic words of 1–8 letters, so that no word is longer than a line at any size here.
  const out: string[] = [];
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push('abcdefgh'.slice(0, 1 + (x % 8)));
  }
  return out.join(' ');
};

/**
 * Independent brute force for the fake measurer: greedy word wrap counted in characters
 * (3·size·n ≤ 5·width ⇔ n·0.6·size ≤ width, in integers) and a scan of every size.
 */
function bruteForceSize(text: string, s: LayoutSettings): number | undefined {
  const w = s.width - s.margins.left - s.margins.right;
  const h = s.height - s.margins.top - s.margins.bottom;
  let best: number | undefined;
  for (let size = s.minFontSize; size <= s.maxFontSize; size++) {
    const perLine = Math.floor((5 * w) / (3 * size));
    let lines = 0;
    let used = -1;
    for (const word of text.split(' ')) {
      if (used >= 0 && used + 1 + word.length <= perLine) used += 1 + word.length;
      else {
        lines++;
        used = word.length;
        if (word.length > perLine) lines = Infinity;
      }
    }
    if (lines * size * s.lineHeight <= h) best = size;
  }
  return best;
}

const allLines = (l: Layout) => l.pages.flatMap((p) => p.lines);

describe('shrink to fit', () => {
  it('picks the largest size that fits, as a brute-force scan does', () => {
    const settings = customPreset({ minFontSize: 4, maxFontSize: 40 });
    for (const n of [1, 5, 20, 60, 120, 250, 400]) {
      const text = words(n, n);
      const expected = bruteForceSize(text, settings);
      expect(expected).toBeDefined();
      const layout = layoutText(withText(settings, text), monospaceMeasurer);
      expect(layout.fontSize).toBe(expected);
      expect(layout.overflow).toBe(false);
      // Checked directly too: the chosen size fits and one pixel more does not.
      const at = (size: number) => layoutText(withText({ ...settings, minFontSize: size, maxFontSize: size }, text), monospaceMeasurer);
      expect(at(layout.fontSize).overflow).toBe(false);
      if (layout.fontSize < settings.maxFontSize) expect(at(layout.fontSize + 1).overflow).toBe(true);
    }
  });

  it('bisects instead of trying every size', () => {
    const sizes = new Set<number>();
    const spy: TextMeasurer = {
      measure: (t, size, family) => {
        sizes.add(size);
        return monospaceMeasurer.measure(t, size, family);
      },
    };
    const layout = layoutText(withText(customPreset({ minFontSize: 1, maxFontSize: 200 }), words(150)), spy);
    expect(layout.fontSize).toBeGreaterThan(5);
    expect(layout.fontSize).toBeLessThan(100);
    expect(sizes.size).toBeLessThanOrEqual(Math.ceil(Math.log2(200)) + 2);
  });

  it('largestFittingSize handles the edges', () => {
    expect(largestFittingSize(6, 32, () => true)).toEqual({ size: 32, fits: true });
    expect(largestFittingSize(6, 32, () => false)).toEqual({ size: 6, fits: false });
    expect(largestFittingSize(6, 32, (s) => s <= 17)).toEqual({ size: 17, fits: true });
    expect(largestFittingSize(6, 6, () => false)).toEqual({ size: 6, fits: false });
  });

  it('gives the same answer from any guess, with few probes when the guess is close', () => {
    for (let answer = 5; answer <= 33; answer++) {
      const fits = (s: number) => s <= answer; // answer 5: nothing fits; 33: everything does
      const plain = largestFittingSize(6, 32, fits);
      for (const guess of [-3, 6, 7, 12, answer - 1, answer, answer + 1, 31, 32, 40, NaN]) {
        let probes = 0;
        const r = largestFittingSize(6, 32, (s) => (probes++, fits(s)), guess);
        expect(r, `answer ${answer}, guess ${guess}`).toEqual(plain);
        if (Math.abs(guess - answer) <= 1 && answer > 6 && answer < 32) expect(probes).toBeLessThanOrEqual(3);
      }
    }
  });

  it('stops breaking a size once it has too many lines', () => {
    let measured = 0;
    const counting: TextMeasurer = { measure: (t, size, family) => ((measured += t.length), monospaceMeasurer.measure(t, size, family)) };
    const long = words(3000);
    const layout = layoutText(withText(PAPER, long), counting);
    expect(layout.overflow).toBe(true);
    expect(layout.truncatedAt).toBe(layout.pages[0].lines.at(-1)!.end + 1);
    // Breaking all 3,000 words at each size tried would measure millions of characters.
    expect(measured).toBeLessThan(400_000);
  });
});

describe('bounds', () => {
  const texts = [
    words(80),
    'これは「テスト」です。日本語の文章、改行。ちょっと長い（括弧付き）文：本当に？はい！',
    'Mixed 日本語 and English テキスト with 絵文字 👨‍👩‍👧‍👦 and ｆｕｌｌ-width.',
    'supercalifragilisticexpialidocious '.repeat(6),
    'שלום עולם זה טקסט בעברית ארוך',
    'line one\n\n\tindented line three\nfour',
  ];
  const settings: LayoutSettings[] = [
    PAPER,
    customPreset({ align: 'center', margins: { left: 30, top: 5 } }),
    customPreset({ align: 'right', width: 200, height: 120, lineHeight: 1.5 }),
    customPreset({ align: 'end', lineHeight: 1 }),
  ];

  it('keeps every line inside the margins and every baseline inside the box', () => {
    for (const s of settings) {
      for (const text of texts) {
        const layout = layoutText(withText(s, text), monospaceMeasurer);
        expect(layout.overflow).toBe(false);
        const { fontSize } = layout;
        for (const line of allLines(layout)) {
          expect(line.x).toBeGreaterThanOrEqual(s.margins.left - 1e-9);
          expect(line.x + line.width).toBeLessThanOrEqual(s.width - s.margins.right + 1e-6);
          expect(line.y - 0.8 * fontSize).toBeGreaterThanOrEqual(s.margins.top - 1e-9);
          expect(line.y + 0.2 * fontSize).toBeLessThanOrEqual(s.height - s.margins.bottom + 1e-6);
        }
      }
    }
  });

  it('aligns lines left, right, center and by direction', () => {
    const base = customPreset({ width: 100, height: 100, margins: { top: 0, right: 10, bottom: 0, left: 10 }, minFontSize: 10, maxFontSize: 10 });
    const first = (align: LayoutSettings['align'], text = 'abc') => layoutText(withText({ ...base, align }, text), monospaceMeasurer).pages[0].lines[0];
    expect(first('left').x).toBe(10);
    expect(first('right').x).toBe(72); // 90 − 18
    expect(first('center').x).toBe(41); // 10 + (80 − 18) / 2
    expect(first('start').x).toBe(10);
    expect(first('end').x).toBe(72);
    expect(first('start', 'אבג').x).toBe(72);
    expect(first('end', 'אבג').x).toBe(10);
  });

  it('puts baselines one line height apart, half-leading below the top margin', () => {
    const s = customPreset({ margins: { top: 20 }, minFontSize: 10, maxFontSize: 10, lineHeight: 2 });
    const ys = layoutText(withText(s, 'a\nb\nc'), monospaceMeasurer).pages[0].lines.map((l) => l.y);
    expect(ys).toEqual([33, 53, 73]); // 20 + (20 − 10) / 2 + 8, then +20
  });
});

describe('overflow', () => {
  // 100 × 60 box, no margins, line height 1 em; at 10 px: 16 characters per line and 6 rows.
  // 30 four-letter words make lines of three words ("aaaa bbbb cccc" = 14 chars), 10 lines.
  const box = customPreset({ width: 100, height: 60, margins: { top: 0, right: 0, bottom: 0, left: 0 }, minFontSize: 10, maxFontSize: 12, lineHeight: 1 });
  const text = Array.from({ length: 30 }, (_, i) => String.fromCharCode(97 + (i % 26)).repeat(4)).join(' ');

  it('truncates at minFontSize and says where', () => {
    const layout = layoutText(withText({ ...box, overflow: 'truncate' }, text), monospaceMeasurer);
    expect(layout.overflow).toBe(true);
    expect(layout.fontSize).toBe(10);
    expect(layout.pages).toHaveLength(1);
    expect(layout.pages[0].lines.map((l) => l.text)).toEqual(['aaaa bbbb cccc', 'dddd eeee ffff', 'gggg hhhh iiii', 'jjjj kkkk llll', 'mmmm nnnn oooo', 'pppp qqqq rrrr']);
    expect(layout.truncatedAt).toBe(90); // 18 words × 5 characters
    expect(text.slice(layout.truncatedAt)).toMatch(/^ssss /);
  });

  it('paginates at minFontSize without losing text', () => {
    const layout = layoutText(withText({ ...box, overflow: 'paginate' }, text), monospaceMeasurer);
    expect(layout.overflow).toBe(true);
    expect(layout.truncatedAt).toBeUndefined();
    expect(layout.pages.map((p) => p.lines.length)).toEqual([6, 4]);
    expect(allLines(layout).map((l) => l.text).join(' ')).toBe(text);
    expect(layout.pages[1].lines[0].y).toBe(layout.pages[0].lines[0].y);
  });

  it('does not flag text that fits', () => {
    const layout = layoutText(withText({ ...box, overflow: 'truncate' }, 'aaaa bbbb'), monospaceMeasurer);
    expect(layout).toMatchObject({ overflow: false, fontSize: 12, pages: [{ lines: [{ text: 'aaaa bbbb' }] }] });
    expect(layout.truncatedAt).toBeUndefined();
  });

  it('flags a grapheme wider than the box as clipped', () => {
    const narrow = customPreset({ width: 20, height: 100, margins: { top: 0, right: 0, bottom: 0, left: 0 }, minFontSize: 30, maxFontSize: 30 });
    const layout = layoutText(withText(narrow, '日'), monospaceMeasurer);
    expect(layout.overflow).toBe(true);
    expect(layout.flags.clipped).toBe(true);
    expect(layout.pages[0].lines[0].x).toBe(0);
  });
});

describe('edge cases and flags', () => {
  it('lays out empty text as one empty page', () => {
    const layout = layoutText(withText(PAPER, ''), monospaceMeasurer);
    expect(layout).toMatchObject({ pages: [{ lines: [] }], overflow: false, fontSize: 32 });
  });

  it('flags right-to-left and CJK text', () => {
    expect(layoutText(withText(PAPER, 'مرحبا بالعالم'), monospaceMeasurer).flags).toMatchObject({ rtl: true, cjk: false });
    expect(layoutText(withText(PAPER, 'hello 世界'), monospaceMeasurer).flags).toMatchObject({ rtl: false, cjk: true });
    expect(layoutText(withText(PAPER, 'hello'), monospaceMeasurer).flags).toEqual({ rtl: false, cjk: false, clipped: false });
  });

  it('passes colours and family through and uses injected metrics', () => {
    const m = createMonospaceMeasurer();
    m.metrics = (size) => ({ ascent: size, descent: 0 });
    const s = customPreset({ foreground: 'navy', background: 'ivory', fontFamily: 'Noto Sans', minFontSize: 10, maxFontSize: 10, lineHeight: 1 });
    const layout = layoutText(withText(s, 'x'), m);
    expect(layout).toMatchObject({ foreground: 'navy', background: 'ivory', fontFamily: 'Noto Sans' });
    expect(layout.pages[0].lines[0].y).toBe(18); // top margin 8 + ascent 10
  });

  it('rejects impossible settings', () => {
    expect(() => layoutText(withText({ ...PAPER, minFontSize: 40 }, 'x'), monospaceMeasurer)).toThrow(RangeError);
    expect(() => layoutText(withText({ ...PAPER, margins: { top: 200, right: 0, bottom: 200, left: 0 } }, 'x'), monospaceMeasurer)).toThrow(/no room/);
    expect(() => layoutText(withText({ ...PAPER, maxFontSize: 31.5 }, 'x'), monospaceMeasurer)).toThrow(/integer/);
  });
});
