import { describe, expect, it } from 'vitest';
import { breakText } from './linebreak.ts';
import { monospaceMeasurer } from './fake-measurer.ts';
import { lastNonBlank, segmentText, splitUnits, textOf, toClusters, trimEnd } from './segment.ts';

// With the fake measurer at 10 px a narrow grapheme is 6 px and a wide one 10 px, so a 60 px
// line holds 10 Latin letters or 6 kana; expected lines below are counted by hand.
const opts = (maxWidth: number) => ({ maxWidth, fontSize: 10, fontFamily: 'test' });
const lines = (text: string, maxWidth = 60, tabSize = 4) =>
  breakText(text, opts(maxWidth), monospaceMeasurer, tabSize).map((l) => l.text);

const graphemes = (s: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].map((g) => g.segment);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('Latin text', () => {
  it('wraps at spaces, filling lines exactly to the width', () => {
    const out = breakText('the quick brown fox jumps over the lazy dog', opts(60), monospaceMeasurer);
    expect(out.map((l) => l.text)).toEqual(['the quick', 'brown fox', 'jumps over', 'the lazy', 'dog']);
    expect(out.map((l) => l.width)).toEqual([54, 54, 60, 48, 18]);
  });

  it('collapses runs of spaces at a break but keeps them inside a line', () => {
    expect(lines('aaaa     bbbb', 48)).toEqual(['aaaa', 'bbbb']);
    expect(lines('a   b', 60)).toEqual(['a   b']);
    expect(lines('trailing   ', 60)).toEqual(['trailing']);
  });

  it('keeps hard newlines and blank lines', () => {
    const out = breakText('one\n\ntwo\r\nthree\n', opts(60), monospaceMeasurer);
    expect(out.map((l) => l.text)).toEqual(['one', '', 'two', 'three', '']);
    expect(out.every((l) => l.endsParagraph)).toBe(true);
    expect(breakText('aaaa bbbb cc', opts(60), monospaceMeasurer).map((l) => l.endsParagraph)).toEqual([false, true]);
  });

  it('expands tabs and keeps leading indentation', () => {
    expect(lines('a\tb', 600)).toEqual(['a    b']);
    expect(lines('a\tb', 600, 2)).toEqual(['a  b']);
    expect(lines('\tcode', 600)).toEqual(['    code']);
    expect(lines('a\tbbbbbbb', 60)).toEqual(['a', 'bbbbbbb']); // a tab is a break opportunity too
  });

  it('breaks words longer than a line between characters', () => {
    expect(lines('supercalifragilistic is long')).toEqual(['supercalif', 'ragilistic', 'is long']);
    expect(lines('a verylongwordhere')).toEqual(['a', 'verylongwo', 'rdhere']);
    expect(lines('aaaaaaaaaaaa bb')).toEqual(['aaaaaaaaaa', 'aa bb']); // the tail shares a line
  });

  it('cuts a very long unbroken string measuring only about a line at a time', () => {
    let measuredChars = 0;
    const counting = {
      measure: (t: string, size: number, family: string) => {
        measuredChars += t.length;
        return monospaceMeasurer.measure(t, size, family);
      },
    };
    const out = breakText('x'.repeat(5000), opts(60), counting);
    expect(out).toHaveLength(500);
    // Re-measuring the whole remainder after every cut would cost over a million characters.
    expect(measuredChars).toBeLessThan(100_000);
  });

  it('reports source offsets of each line', () => {
    const text = 'the quick brown fox';
    const out = breakText(text, opts(60), monospaceMeasurer);
    expect(out.map((l) => text.slice(l.start, l.end))).toEqual(['the quick', 'brown fox']);
    expect(out[1].start).toBe(10);
  });
});

describe('Japanese and kinsoku', () => {
  // 50 px = five kana per line.
  it('never starts a line with closing punctuation, closing brackets or small kana', () => {
    expect(lines('あいうえお。かき', 50)).toEqual(['あいうえ', 'お。かき']);
    expect(lines('あいうえお」かき', 50)).toEqual(['あいうえ', 'お」かき']);
    expect(lines('あいうえおっと', 50)).toEqual(['あいうえ', 'おっと']);
    expect(lines('あいうえおー', 50)).toEqual(['あいうえ', 'おー']);
    expect(lines('あいうえ。」か', 50)).toEqual(['あいう', 'え。」か']);
  });

  it('never ends a line with an opening bracket', () => {
    expect(lines('あいうえ「かき」', 50)).toEqual(['あいうえ', '「かき」']);
    expect(lines('あいうえ『か', 50)).toEqual(['あいうえ', '『か']);
  });

  it('keeps every character and obeys kinsoku at many widths', () => {
    const text = 'これは「テスト」です。日本語の文章、改行。ちょっと長い（括弧付き）文：本当に？はい！『引用』もある。';
    const noStart = [...'、。，．・：；？！ゝゞー）」』】〕］｝〉》ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ'];
    const noEnd = [...'「『（【〔［｛〈《'];
    for (let w = 30; w <= 200; w += 10) {
      const out = lines(text, w);
      expect(out.join('')).toBe(text);
      for (const line of out) {
        expect(noStart).not.toContain(line[0]);
        expect(noEnd).not.toContain(line[line.length - 1]);
        expect(line.length * 10).toBeLessThanOrEqual(w);
      }
    }
  });

  it('handles mixed Latin and Japanese without splitting Latin words', () => {
    expect(lines('Hello世界、こんにちはWorld!')).toEqual(['Hello世界、', 'こんにちは', 'World!']);
    expect(lines('日本語でTypeScriptを書く', 90)).toEqual(['日本語で', 'TypeScriptを書く']);
  });

  it('obeys kinsoku when it must cut a word longer than the line', () => {
    // "ragilistic" would fill the line exactly, but then 。 would start the next one.
    expect(lines('Supercalifragilistic。')).toEqual(['Supercalif', 'ragilisti', 'c。']);
  });
});

describe('graphemes are never split', () => {
  it('keeps ZWJ emoji sequences whole', () => {
    const family = '👨‍👩‍👧‍👦';
    const out = lines(family.repeat(7), 60);
    expect(out).toEqual([family.repeat(6), family]);
  });

  it('keeps flags (regional indicator pairs) whole when breaking by force', () => {
    const out = lines('🇯🇵'.repeat(20), 60);
    expect(out.length).toBeGreaterThan(1);
    for (const line of out) expect(graphemes(line).every((g) => g === '🇯🇵')).toBe(true);
  });

  it('keeps a base letter with its combining marks', () => {
    const e = 'e\u0301';
    expect(lines(e.repeat(12), 60)).toEqual([e.repeat(10), e.repeat(2)]);
  });

  it('never splits a surrogate pair', () => {
    const out = lines('𠮷'.repeat(7), 60);
    expect(out).toEqual(['𠮷'.repeat(6), '𠮷']);
    for (const line of out) expect(LONE_SURROGATE.test(line)).toBe(false);
  });
});

describe('graphemes under a measurer that charges per UTF-16 code unit', () => {
  // Unlike the grapheme-counting fake, this makes a cut inside a cluster look cheaper, so only
  // real grapheme awareness keeps clusters whole.
  const perCodeUnit = { measure: (t: string) => t.length };
  const cut = (text: string, maxWidth: number) =>
    breakText(text, { maxWidth, fontSize: 1, fontFamily: 'test' }, perCodeUnit).map((l) => l.text);

  it('does not cut between a base letter and its combining mark', () => {
    const e = 'e\u0301';
    expect(cut('ab' + e.repeat(3), 5)).toEqual(['ab' + e, e + e]);
  });

  it('does not cut inside a ZWJ emoji sequence or a surrogate pair', () => {
    const family = '👨‍👩‍👧‍👦'; // 11 code units
    expect(cut(family.repeat(3), 15)).toEqual([family, family, family]);
    expect(cut('𠮷'.repeat(3), 3)).toEqual(['𠮷', '𠮷', '𠮷']);
  });
});

describe('zero-width space', () => {
  it('is a break opportunity and is not drawn', () => {
    const text = 'ab\u200Bcd\u200Befgh\u200Bijklmno';
    const out = breakText(text, opts(60), monospaceMeasurer);
    expect(out.map((l) => l.text)).toEqual(['abcdefgh', 'ijklmno']);
    expect(out[1].start).toBe(text.indexOf('i'));
  });
});

describe('right-to-left text', () => {
  it('wraps Hebrew at spaces and marks the paragraph rtl', () => {
    const out = breakText('שלום עולם זה טקסט בעברית ארוך', opts(60), monospaceMeasurer);
    expect(out.map((l) => l.text)).toEqual(['שלום עולם', 'זה טקסט', 'בעברית', 'ארוך']);
    expect(out.every((l) => l.direction === 'rtl')).toBe(true);
    expect(breakText('hello', opts(60), monospaceMeasurer)[0].direction).toBe('ltr');
  });

  it('keeps Arabic letters with their vowel marks', () => {
    const out = lines('مَرْحَبًا بِالْعَالَمِ يَا صَدِيقِي', 30);
    expect(out.length).toBeGreaterThan(2);
    for (const line of out) expect(/^\p{M}/u.test(line)).toBe(false);
  });
});

describe('clusters of plain ASCII (a fast path that skips the segmenter)', () => {
  it('are the same clusters, of the same kinds, as the general path gives', () => {
    const ascii = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('') + '\t';
    // A non-ASCII character at the end sends the whole line through Intl.Segmenter and classify.
    const general = toClusters(`${ascii}é`, 0, 4).slice(0, -1);
    expect(toClusters(ascii, 0, 4)).toEqual(general);
    expect(general.filter((c) => c.kind === 'space').map((c) => c.source)).toEqual([' ', '\t']);
  });
});

describe('units of plain ASCII paragraphs (made from the string, without clusters)', () => {
  it('are the units the cluster path makes, with the same texts and offsets', () => {
    // The reference: clusters, split where canBreakBefore allows, as for any other text.
    const reference = (body: string, start: number, tabSize: number) =>
      splitUnits(toClusters(body, start, tabSize)).map((u) => {
        const trimmed = textOf(trimEnd(u));
        return { trimmed, tail: textOf(u).slice(trimmed.length), start: u[0].start, end: lastNonBlank(u)?.end ?? -1 };
      });
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const alphabet = 'ab  \t\t,.;:!?%)]}([{"\'-x9';
    const texts = ['', '   ', '\tcode', 'a ( b', 'end (', 'x )', 'say "hi" (to them)  ', 'a\tb', 'one\n  two  \n\nthree'];
    for (let t = 0; t < 500; t++) texts.push(Array.from({ length: Math.floor(next() * 40) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
    for (const text of texts) {
      for (const tabSize of [4, 2]) {
        for (const p of segmentText(text, tabSize)) {
          const body = text.slice(p.start, p.start + (text.slice(p.start).search(/\r\n|\n|\r/) + 1 || text.length - p.start + 1) - 1);
          expect(p.spans, JSON.stringify(text)).toEqual(reference(body, p.start, tabSize));
          expect(p.units).toEqual(splitUnits(toClusters(body, p.start, tabSize)));
          expect(p.text).toBe(textOf(toClusters(body, p.start, tabSize)));
        }
      }
    }
  });
});
